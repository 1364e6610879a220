import Foundation
import Trace

/// The text `skiff trace` prints: a summary of the dump and the per-syscall latency table.
public enum TraceReport {
    public static func summary(_ dump: TraceDump) -> String {
        let records = dump.records
        var lines: [String] = []
        let span = records.isEmpty ? 0 : dump.nanoseconds(records.last!.tsc) &- dump.nanoseconds(records.first!.tsc)
        lines.append(
            "trace: \(records.count) events on \(dump.cpuCount) CPU\(dump.cpuCount == 1 ? "" : "s") over \(milliseconds(span)) ms"
                + " (TSC \(dump.tscHz / 1_000_000) MHz)")
        var enabled = dump.tracepoints.filter(\.enabled).map(\.name)
        if enabled.count > 8 { enabled = Array(enabled.prefix(8)) + ["… \(enabled.count - 8) more"] }
        lines.append("tracepoints enabled: " + (enabled.isEmpty ? "none" : enabled.joined(separator: ", ")))
        if dump.samplerHz > 0 { lines.append("sampler: \(dump.samplerHz) Hz") }
        for ring in dump.rings where ring.lostSlots > 0 {
            lines.append("cpu\(ring.cpu): ring wrapped; the oldest \(ring.lostSlots) slots were overwritten")
        }
        if !dump.bootPhases.isEmpty {
            let last = dump.bootPhases.last!
            lines.append("boot: \(dump.bootPhases.count) phases, application started at \(milliseconds(dump.nanoseconds(last.tsc))) ms")
        }
        lines.append("")
        lines.append(pad("events", 28) + pad("count", 10, left: true))
        var counts: [UInt16: Int] = [:]
        for r in records { counts[r.tracepoint, default: 0] += 1 }
        for (id, n) in counts.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            lines.append(pad(dump.name(of: id), 28) + pad("\(n)", 10, left: true))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func latencyTable(_ dump: TraceDump) -> String {
        let latency = SyscallLatency(dump)
        let rows = latency.rows
        guard !rows.isEmpty else { return "no system call entry/exit pairs (trace with --trace=syscall*)\n" }
        var lines: [String] = []
        lines.append(
            pad("syscall", 22) + pad("calls", 8, left: true) + pad("errors", 8, left: true) + pad("total µs", 12, left: true)
                + pad("mean µs", 10, left: true) + pad("p50 µs", 10, left: true) + pad("p99 µs", 10, left: true)
                + pad("max µs", 10, left: true))
        for r in rows {
            lines.append(
                pad(r.name, 22) + pad("\(r.count)", 8, left: true) + pad("\(r.errors)", 8, left: true)
                    + pad(micro(r.totalNanoseconds), 12, left: true) + pad(micro(r.meanNanoseconds), 10, left: true)
                    + pad(micro(r.p50Nanoseconds), 10, left: true) + pad(micro(r.p99Nanoseconds), 10, left: true)
                    + pad(micro(r.maxNanoseconds), 10, left: true))
        }
        if latency.unfinished > 0 { lines.append("(\(latency.unfinished) calls without a recorded exit are not counted)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every event, one line each (`TraceFormatter`).
    public static func list(_ dump: TraceDump) -> String {
        var out = ""
        for r in dump.records {
            let id = r.tracepoint
            var line = TraceFormatter.line(
                r, nanoseconds: dump.nanoseconds(r.tsc), name: Array(dump.name(of: id).utf8),
                argumentNames: Array(dump.argumentNames(of: id).joined(separator: ",").utf8))
            if !r.backtrace.isEmpty {
                line += " {" + r.backtrace.map { dump.symbol(for: $0) ?? TraceFormatter.hex($0) }.joined(separator: " < ") + "}"
            }
            out += line + "\n"
        }
        return out
    }

    static func milliseconds(_ ns: UInt64) -> String { String(format: "%.3f", Double(ns) / 1e6) }
    static func micro(_ ns: UInt64) -> String { String(format: "%.1f", Double(ns) / 1e3) }

    static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let n = s.count
        guard n < width else { return left ? " " + s : s + " " }
        let padding = String(repeating: " ", count: width - n)
        return left ? padding + s : s + padding
    }
}
