import ArgumentParser
import Foundation
import SkiffHost

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Summarize a trace dump and export it for Perfetto or flame graphs.",
        discussion: """
            FILE is the dump `skiff run` saved (--trace-file, default skiff-trace.dump), the monitoring API's /trace/buffers, or any saved console log containing the framed dump. Without an export option, prints the summary and the system-call latency table. docs/observability.md describes the tracepoints.

              skiff run --boot-option='--trace=syscall*,sched*' ./myprogram
              skiff trace skiff-trace.dump
              skiff trace --perfetto trace.json skiff-trace.dump      (open in ui.perfetto.dev)
              skiff run --boot-option=--sampler=1000 ./myprogram && skiff trace --folded - skiff-trace.dump | flamegraph.pl > flame.svg
            """)

    @Argument(help: "The dump or console log.") var file: String
    @Flag(help: "Print every event, one line each.") var list = false
    @Flag(help: "Print only the summary.") var summary = false
    @Flag(help: "Print only the per-syscall latency table.") var latency = false
    @Option(name: [.customLong("perfetto"), .customLong("chrome")], help: ArgumentHelp("Write Chrome/Perfetto trace-event JSON to PATH ('-': standard output).", valueName: "path"))
    var perfetto: String?
    @Option(help: ArgumentHelp("Write the sampler's stacks, folded for flame graphs, to PATH ('-': standard output).", valueName: "path"))
    var folded: String?

    func run() throws {
        try failing {
            let dump = try TraceFile.load(file)
            if let perfetto { try write(try ChromeTraceExporter.json(dump), to: perfetto) }
            if let folded {
                let text = FoldedStacks.fold(dump)
                if text.isEmpty && dump.samplerHz == 0 {
                    FileHandle.standardError.write(Data("skiff: the dump has no sampler events (boot with --sampler=HZ)\n".utf8))
                }
                try write(Data(text.utf8), to: folded)
            }
            let exporting = perfetto != nil || folded != nil
            if list { print(TraceReport.list(dump), terminator: "") }
            if summary || (!exporting && !list && !latency) { print(TraceReport.summary(dump)) }
            if latency || (!exporting && !list && !summary) { print(TraceReport.latencyTable(dump), terminator: "") }
        }
    }

    func write(_ data: Data, to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(data)
            return
        }
        do { try data.write(to: URL(fileURLWithPath: path)) } catch {
            throw SkiffError("cannot write \(path): \(error.localizedDescription)", exitStatus: ExitStatus.cannotWrite)
        }
    }
}
