import Foundation
import Testing
import Trace
@testable import SkiffHost

struct TraceAnalysisTests {
    /// A dump of a small run: two writes (one failing), a switch, page faults and samples.
    func sampleDump() throws -> TraceDump {
        let ring0 = TraceRing(capacity: 64)
        let ring1 = TraceRing(capacity: 64)
        let write = 1
        // tsc counts nanoseconds: tscHz 1 GHz, boot at 0.
        ring0.record(tsc: 1_000, tracepoint: Tracepoint.syscallEntry(write).id, cpu: 0, thread: 5, 1, 0x1000, 3, 0, 0, 0)
        ring0.record(tsc: 1_500, tracepoint: Tracepoint.pageFault.id, cpu: 0, thread: 5, 0x7000, 6, 0x401000, 0, 0, 0)
        ring0.record(tsc: 4_000, tracepoint: Tracepoint.syscallExit(write).id, cpu: 0, thread: 5, 3, 0, 0, 0, 0, 0)
        ring0.record(tsc: 5_000, tracepoint: Tracepoint.syscallEntry(write).id, cpu: 0, thread: 5, 9, 0x1000, 3, 0, 0, 0)
        ring0.record(tsc: 6_000, tracepoint: Tracepoint.syscallExit(write).id, cpu: 0, thread: 5, UInt64(bitPattern: -9), 0, 0, 0, 0, 0)
        ring0.record(tsc: 7_000, tracepoint: Tracepoint.schedSwitch.id, cpu: 0, thread: -2, 5, UInt64(bitPattern: -2), 3, 0, 0, 0)
        for (i, rip) in [UInt64(0x10_0010), 0x10_0010, 0x10_0110].enumerated() {
            let frames: [UInt64] = [0x10_0105, 0x10_0205]
            frames.withUnsafeBufferPointer {
                ring1.record(
                    tsc: 2_000 + UInt64(i), tracepoint: Tracepoint.samplerTick.id, cpu: 1, thread: 5, arguments: (rip, 0, 0),
                    frames: $0.baseAddress!, frameCount: 2)
            }
        }
        ring1.record(tsc: 3_000, tracepoint: Tracepoint.samplerTick.id, cpu: 1, thread: 5, 0x401234, 1, 0, 0, 0, 0)
        var w = TraceDumpWriter(sink: [UInt8]())
        w.header(cpuCount: 2, tscHz: 1_000_000_000, bootTSC: 0, backtraces: false, samplerHz: 1000)
        w.tracepoints([.syscallEntry(write), .syscallExit(write), .pageFault, .schedSwitch]) { _ in true }
        w.bootPhases([(Array("memory".utf8), 300), (Array("application start".utf8), 900)])
        w.threads([(5, Array("app".utf8)), (-2, Array("idle".utf8))])
        w.symbols([(0x10_0000, Array("leaf".utf8)), (0x10_0100, Array("middle".utf8)), (0x10_0200, Array("root".utf8))])
        w.ring(cpu: 0, ring0)
        w.ring(cpu: 1, ring1)
        w.end()
        return try TraceDump.parse(w.sink)
    }

    @Test func syscallLatency() throws {
        let latency = SyscallLatency(try sampleDump())
        #expect(latency.calls.count == 2)
        #expect(latency.unfinished == 0)
        let rows = latency.rows
        #expect(rows.count == 1)
        #expect(rows[0].name == "write")
        #expect(rows[0].count == 2 && rows[0].errors == 1)
        #expect(rows[0].totalNanoseconds == 4_000)
        #expect(rows[0].maxNanoseconds == 3_000 && rows[0].p50Nanoseconds == 1_000 && rows[0].p99Nanoseconds == 3_000)
        let table = TraceReport.latencyTable(try sampleDump())
        #expect(table.contains("write"))
        #expect(table.contains("3.0"))  // max µs
    }

    @Test func summaryAndList() throws {
        let dump = try sampleDump()
        let summary = TraceReport.summary(dump)
        #expect(summary.contains("events on 2 CPUs"))
        #expect(summary.contains("sampler_tick"))
        #expect(summary.contains("boot: 2 phases"))
        let list = TraceReport.list(dump)
        #expect(list.contains("t5 syscall_write_ret -9 EBADF"))
        #expect(list.contains("{middle < root}"))
    }

    @Test func perfettoExport() throws {
        let data = try ChromeTraceExporter.json(try sampleDump())
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let events = object["traceEvents"] as! [[String: Any]]
        let syscalls = events.filter { $0["cat"] as? String == "syscall" }
        #expect(syscalls.count == 2)
        #expect(syscalls[0]["ph"] as? String == "X" && syscalls[0]["name"] as? String == "write")
        #expect(syscalls[0]["ts"] as? Double == 1.0 && syscalls[0]["dur"] as? Double == 3.0)
        #expect(events.contains { $0["name"] as? String == "page_fault" && $0["ph"] as? String == "i" })
        let boot = events.filter { $0["cat"] as? String == "boot" }
        #expect(boot.map { $0["name"] as! String } == ["memory", "application start"])
        #expect(boot[1]["ts"] as? Double == 0.3 && boot[1]["dur"] as? Double == 0.6)
        #expect(events.contains { $0["ph"] as? String == "M" && ($0["args"] as? [String: Any])?["name"] as? String == "app (t5)" })
        // The CPU track: thread 5 ran on cpu0 until the switch to idle.
        #expect(events.contains { $0["cat"] as? String == "sched" && ($0["name"] as? String)?.hasPrefix("idle") == true })
        for e in events { #expect(e["ph"] != nil && e["pid"] != nil) }
    }

    @Test func foldedStacks() throws {
        let folded = FoldedStacks.fold(try sampleDump())
        #expect(folded == "app;[user] 1\napp;root;middle;leaf 2\napp;root;middle;middle 1\n")
    }

    @Test func consoleFilterRemovesTheDumpButKeepsEverythingElse() throws {
        let pipe = Pipe()
        let filter = ConsoleTraceFilter(output: pipe.fileHandleForWriting)
        var frame = TraceConsoleFrame(output: [UInt8]())
        frame.begin()
        Array(repeating: UInt8(7), count: 500).withUnsafeBytes { frame.write($0) }
        frame.finish()
        let crlf = frame.output.flatMap { $0 == 0x0A ? [UInt8(0x0D), 0x0A] : [$0] }
        let text = Array("prompt> ".utf8) + Array("line\r\nskiff-trace-be".utf8)
        filter.sink.write(Data(text))
        filter.sink.write(Data(Array(crlf.dropFirst("skiff-trace-be".utf8.count)) + Array("bye\r\nskiff-tr".utf8)))
        filter.finish()
        try pipe.fileHandleForWriting.close()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(out == "prompt> line\r\nbye\r\nskiff-tr")
    }

    @Test func dumpSaverMovesTheDumpToAFile() throws {
        var frame = TraceConsoleFrame(output: [UInt8]())
        frame.begin()
        let bytes = Array("SKTR-not-really".utf8)
        bytes.withUnsafeBytes { frame.write($0) }
        frame.finish()
        var console = "hello\n" + String(decoding: frame.output, as: UTF8.self) + "done\n"
        let path = NSTemporaryDirectory() + "skiff-trace-test-\(UUID().uuidString).dump"
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try TraceDumpSaver.save(console: &console, to: path) == bytes.count)
        #expect(console == "hello\ndone\n")
        #expect(FileManager.default.contents(atPath: path) == Data(bytes))
        var plain = "no trace\n"
        #expect(try TraceDumpSaver.save(console: &plain, to: path) == nil)
    }

    @Test func traceFileReadsBinaryAndConsoleLogs() throws {
        #expect(throws: SkiffError.self) { try TraceFile.parse(Array("not a dump".utf8), source: "x") }
    }

    @Test func prometheusParser() throws {
        let good = """
            # HELP a_total Things.
            # TYPE a_total counter
            a_total{cpu="0",mode="id\\"le"} 12.5
            a_total 3
            # TYPE g gauge
            g -1
            # a comment

            """
        let p = try PrometheusText(parsing: good)
        #expect(p.samples.count == 3)
        #expect(p.values("a_total")[0].labels == ["cpu": "0", "mode": "id\"le"])
        #expect(p.types["g"] == "gauge")
        for bad in [
            "x 1\n", "# TYPE x counter\nx -1\n", "# TYPE x counter\nx{a=\"1\" 1\n", "# TYPE x gauge\nx abc\n",
            "# TYPE x gauge\nx{1a=\"b\"} 1\n", "# TYPE x gauge\nx{a=\"b\",a=\"c\"} 1\n", "# TYPE x bogus\n",
            "# TYPE x gauge\nx{a=\"\\q\"} 1\n",
        ] {
            #expect(throws: PrometheusText.ParseError.self) { try PrometheusText(parsing: bad) }
        }
    }
}
