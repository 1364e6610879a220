import Foundation
import Testing
@testable import ELF

@Suite struct LoadPlanTests {
    @Test func pieIsPlacedAtTheBase() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/bin/ls")))
        try bytes.withUnsafeBytes { raw in
            let elf = try ELFFile(raw)
            let plan = try LoadPlan(elf, base: 0x5555_5555_4000)
            #expect(plan.bias == 0x5555_5555_4000)
            #expect(plan.lowest == 0x5555_5555_4000)
            #expect(plan.entry == elf.entry + 0x5555_5555_4000)
            #expect(plan.segments.allSatisfy { $0.start % 4096 == 0 && $0.end % 4096 == 0 && $0.start < $0.end })
            #expect(plan.segments.contains { $0.flags.contains(.execute) && !$0.flags.contains(.write) })
            #expect(plan.programHeaderAddress != nil)
            #expect(plan.programHeaderCount == elf.programHeaders.count)
        }
    }

    @Test func dynamicLoaderIsPositionIndependent() throws {
        let path = ["/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"].first {
            FileManager.default.fileExists(atPath: $0)
        }!
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        try bytes.withUnsafeBytes { raw in
            let elf = try ELFFile(raw)
            #expect(elf.interpreter == nil)
            let plan = try LoadPlan(elf, base: 0x7F00_0000_0000)
            #expect(plan.lowest == 0x7F00_0000_0000)
        }
    }

    /// A minimal ET_EXEC with one RX segment at 0x400000 and an RW segment with .bss.
    static func syntheticExecutable(entry: UInt64 = 0x401000, secondOffset: UInt64 = 0x2000) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 0x3000)
        func put<T: FixedWidthInteger>(_ v: T, _ o: Int) {
            withUnsafeBytes(of: v.littleEndian) { for (i, x) in $0.enumerated() { b[o + i] = x } }
        }
        b[0] = 0x7F; b[1] = 0x45; b[2] = 0x4C; b[3] = 0x46; b[4] = 2; b[5] = 1; b[6] = 1
        put(UInt16(2), 16); put(UInt16(62), 18); put(UInt32(1), 20)
        put(entry, 24); put(UInt64(64), 32); put(UInt16(64), 52); put(UInt16(56), 54); put(UInt16(2), 56)
        // PT_LOAD RX: file 0..0x2000 at 0x400000
        put(UInt32(1), 64); put(UInt32(5), 68); put(UInt64(0), 72); put(UInt64(0x40_0000), 80); put(UInt64(0x40_0000), 88)
        put(UInt64(0x2000), 96); put(UInt64(0x2000), 104); put(UInt64(0x1000), 112)
        // PT_LOAD RW: file 0x2000..0x2100 at 0x402000 + 0x5000 of .bss
        put(UInt32(1), 120); put(UInt32(6), 124); put(secondOffset, 128); put(UInt64(0x40_2000), 136); put(UInt64(0x40_2000), 144)
        put(UInt64(0x100), 152); put(UInt64(0x5000), 160); put(UInt64(0x1000), 168)
        return b
    }

    @Test func staticExecutableKeepsItsAddresses() throws {
        let b = Self.syntheticExecutable()
        try b.withUnsafeBytes { raw in
            let plan = try LoadPlan(try ELFFile(raw), base: 0x1234_5000)
            #expect(plan.bias == 0)
            #expect(plan.entry == 0x401000)
            #expect(plan.segments.count == 2)
            #expect(plan.segments[0] == .init(start: 0x40_0000, end: 0x40_2000, fileOffset: 0, fileSize: 0x2000, dataStart: 0x40_0000, flags: [.read, .execute]))
            #expect(plan.segments[1].end == 0x40_7000 && plan.segments[1].fileSize == 0x100)
            #expect(plan.programHeaderAddress == 0x40_0040)
        }
    }

    @Test func rejectsBadPlans() throws {
        func error(_ b: [UInt8]) -> String? {
            b.withUnsafeBytes { raw in
                do throws(ELFError) {
                    _ = try LoadPlan(try ELFFile(raw), base: 0)
                    return nil
                } catch { return error.message }
            }
        }
        #expect(error(Self.syntheticExecutable(entry: 0x402010)) == "the entry point is not in an executable segment")
        #expect(error(Self.syntheticExecutable(secondOffset: 0x2010))?.contains("not page-congruent") == true)
    }
}
