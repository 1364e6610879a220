import Testing
@testable import Trace

struct TraceDumpTests {
    func sampleDump() -> [UInt8] {
        let ring0 = TraceRing(capacity: 8)
        let ring1 = TraceRing(capacity: 8)
        ring0.record(tsc: 2_000, tracepoint: Tracepoint.syscallEntry(1).id, cpu: 0, thread: 1, 1, 0x5000, 6, 0, 0, 0)
        ring0.record(tsc: 5_000, tracepoint: Tracepoint.syscallExit(1).id, cpu: 0, thread: 1, 6, 0, 0, 0, 0, 0)
        let frames: [UInt64] = [0x10_0010, 0x10_0020]
        frames.withUnsafeBufferPointer {
            ring1.record(tsc: 3_000, tracepoint: Tracepoint.samplerTick.id, cpu: 1, thread: -2, arguments: (0x10_0005, 0, 0), frames: $0.baseAddress!, frameCount: 2)
        }
        var w = TraceDumpWriter(sink: [UInt8]())
        w.header(cpuCount: 2, tscHz: 1_000_000_000, bootTSC: 1_000, backtraces: false, samplerHz: 100)
        w.tracepoints([.syscallEntry(1), .syscallExit(1), .samplerTick]) { $0 != .samplerTick }
        w.bootPhases([(Array("memory".utf8), 1_500)])
        w.threads([(1, Array("main".utf8)), (-2, Array("idle".utf8))])
        w.symbols([(0x10_0000, Array("kernel_main".utf8))])
        w.ring(cpu: 0, ring0)
        w.ring(cpu: 1, ring1)
        w.end()
        #expect(w.count == w.sink.count)
        return w.sink
    }

    @Test func roundTrip() throws {
        let dump = try TraceDump.parse(sampleDump())
        #expect(dump.cpuCount == 2)
        #expect(dump.tscHz == 1_000_000_000)
        #expect(dump.samplerHz == 100)
        #expect(dump.tracepoints.count == 3)
        #expect(dump.tracepoints[0].name == "syscall_write" && dump.tracepoints[0].enabled)
        #expect(!dump.tracepoints[2].enabled)
        #expect(dump.argumentNames(of: Tracepoint.samplerTick.id) == ["rip", "user"])
        #expect(dump.bootPhases.count == 1 && dump.bootPhases[0].name == "memory")
        #expect(dump.threadName(-2) == "idle")
        #expect(dump.symbol(for: 0x10_0020) == "kernel_main")
        #expect(dump.symbol(for: 0x0F_FFFF) == nil)
        let records = dump.records
        #expect(records.map(\.tsc) == [2_000, 3_000, 5_000])
        #expect(records[1].backtrace == [0x10_0010, 0x10_0020])
        #expect(dump.nanoseconds(5_000) == 4_000)
        #expect(dump.name(of: Tracepoint.syscallExit(1).id) == "syscall_write_ret")
    }

    @Test func truncatedAndForeignDumpsAreErrors() {
        let bytes = sampleDump()
        #expect(throws: TraceDumpError.self) { try TraceDump.parse(Array(bytes.prefix(bytes.count - 8))) }
        #expect(throws: TraceDumpError.self) { try TraceDump.parse(Array(bytes.prefix(50))) }
        #expect(throws: TraceDumpError.self) { try TraceDump.parse(Array("hello world, not a dump".utf8)) }
        #expect(throws: TraceDumpError.self) { try TraceDump.parse([]) }
    }

    @Test func consoleFrameRoundTrip() throws {
        let bytes = sampleDump()
        for n in [0, 1, 2, 3, 57, bytes.count] {
            let part = Array(bytes.prefix(n))
            var frame = TraceConsoleFrame(output: [UInt8]())
            frame.begin()
            part.withUnsafeBytes { frame.write($0) }
            frame.finish()
            // Framed text between other console output, with CR LF line ends as a serial log has.
            var text = Array("Skiff booted\nhello\n".utf8) + frame.output + Array("after\n".utf8)
            text = text.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
            #expect(try TraceConsoleExtractor.extract(from: text) == part)
            let stripped = String(decoding: TraceConsoleExtractor.strip(text), as: UTF8.self)
            #expect(stripped == "Skiff booted\r\nhello\r\nafter\r\n")
        }
        var frame = TraceConsoleFrame(output: [UInt8]())
        frame.begin()
        bytes.withUnsafeBytes { frame.write($0) }
        frame.finish()
        let lines = String(decoding: frame.output, as: UTF8.self).split(separator: "\n")
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.count <= 76 })
    }

    @Test func damagedFramesAreRejected() {
        var frame = TraceConsoleFrame(output: [UInt8]())
        frame.begin()
        sampleDump().withUnsafeBytes { frame.write($0) }
        frame.finish()
        var damaged = frame.output
        damaged[40] = damaged[40] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: TraceDumpError.self) { try TraceConsoleExtractor.extract(from: damaged) }
        #expect(throws: TraceDumpError.self) { try TraceConsoleExtractor.extract(from: Array(frame.output.prefix(200))) }
        #expect(throws: TraceDumpError.self) { try TraceConsoleExtractor.extract(from: Array("no dump here\n".utf8)) }
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Base64.decode(Array("aGVsbG8=".utf8)) == Array("hello".utf8))
        #expect(Base64.decode(Array("aGVsbG8".utf8)) == nil)
    }
}
