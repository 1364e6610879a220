import Testing
@testable import Boot

/// Builds a fake guest-physical memory and reads structures out of it like the kernel does.
struct FakeMemory {
    var bytes: [UInt8]

    init(size: Int) { bytes = [UInt8](repeating: 0, count: size) }

    mutating func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, b) in raw.enumerated() { bytes[offset + i] = b }
        }
    }

    mutating func store(_ data: [UInt8], at offset: Int) {
        for (i, b) in data.enumerated() { bytes[offset + i] = b }
    }

    func withReader<R>(_ body: ((UInt64, Int) -> UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try body { address, count in
                guard address <= UInt64(raw.count), UInt64(count) <= UInt64(raw.count) - address else { return nil }
                return UnsafeRawBufferPointer(rebasing: raw[Int(address)..<Int(address) + count])
            }
        }
    }
}

@Suite struct PVHStartInfoTests {
    func sample() -> FakeMemory {
        var m = FakeMemory(size: 0x3000)
        m.store(PVHStartInfo.magic, at: 0x100)
        m.store(UInt32(1), at: 0x104)  // version
        m.store(UInt32(1), at: 0x10C)  // one module
        m.store(UInt64(0x400), at: 0x110)  // module list
        m.store(UInt64(0x800), at: 0x118)  // command line
        m.store(UInt64(0xF0000), at: 0x120)  // rsdp
        m.store(UInt64(0x900), at: 0x128)  // memory map
        m.store(UInt32(2), at: 0x130)
        m.store(UInt64(0x20_0000), at: 0x400)
        m.store(UInt64(12345), at: 0x408)
        m.store(Array("--bootchart /hello world".utf8) + [0], at: 0x800)
        m.store(UInt64(0), at: 0x900)
        m.store(UInt64(0x9FC00), at: 0x908)
        m.store(UInt32(1), at: 0x910)
        m.store(UInt64(0x10_0000), at: 0x918)
        m.store(UInt64(0x7F0_0000), at: 0x920)
        m.store(UInt32(1), at: 0x928)
        return m
    }

    @Test func parsesEveryField() throws {
        let info = try sample().withReader { try PVHStartInfo(at: 0x100, read: $0) }
        #expect(info.version == 1)
        #expect(info.commandLine == "--bootchart /hello world")
        #expect(info.rsdpAddress == 0xF0000)
        #expect(info.modules.count == 1)
        #expect(info.modules[0].address == 0x20_0000 && info.modules[0].size == 12345)
        #expect(info.memoryMap.count == 2)
        #expect(info.memoryMap[1].base == 0x10_0000 && info.memoryMap[1].end == 0x800_0000)
        #expect(info.memoryMap[1].type == .ram)
    }

    @Test func rejectsBadMagic() {
        var m = sample()
        m.store(UInt32(0x1234_5678), at: 0x100)
        #expect(throws: BootOptionError.self) { try m.withReader { try PVHStartInfo(at: 0x100, read: $0) } }
    }

    @Test func rejectsUnreadableStructures() {
        var m = sample()
        m.store(UInt64(0xFFFF_0000), at: 0x110)  // module list outside memory
        #expect(throws: BootOptionError.self) { try m.withReader { try PVHStartInfo(at: 0x100, read: $0) } }
        #expect(throws: BootOptionError.self) { try sample().withReader { try PVHStartInfo(at: 0x2FF0, read: $0) } }
    }

    @Test func commandLineIsBounded() throws {
        var m = sample()
        m.store([UInt8](repeating: UInt8(ascii: "a"), count: 0x1000), at: 0x800)  // no NUL before the end of memory
        let info = try m.withReader { try PVHStartInfo(at: 0x100, maxCommandLine: 100, read: $0) }
        #expect(info.commandLine.utf8.count == 100)
    }
}

@Suite struct BootchartTests {
    @Test func conversions() {
        #expect(Bootchart.microseconds(ticks: 3_000_000, tscHz: 3_000_000_000) == 1000)
        #expect(Bootchart.microseconds(ticks: UInt64.max, tscHz: 1_000_000_000) == UInt64.max / 1000)
        #expect(Bootchart.microseconds(ticks: 5, tscHz: 0) == 0)
        #expect(Bootchart.formatMilliseconds(12_345) == "12.345 ms")
        #expect(Bootchart.formatMilliseconds(7) == "0.007 ms")
    }

    @Test func report() {
        var chart = Bootchart(entryTSC: 1_000_000)
        chart.mark("one", tsc: 3_000_000)
        chart.mark("two", tsc: 4_000_000)
        let lines = chart.report(tscHz: 1_000_000_000)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("firmware and loader") && lines[0].hasSuffix("1.000 ms"))
        #expect(lines[1].hasPrefix("one") && lines[1].contains("2.000 ms") && lines[1].hasSuffix("2.000 ms"))
        #expect(lines[2].hasPrefix("two") && lines[2].contains("1.000 ms") && lines[2].hasSuffix("3.000 ms"))
    }
}
