import Testing
@testable import ACPI

/// A synthetic guest memory holding ACPI tables with correct checksums.
struct TableBuilder {
    var memory = [UInt8](repeating: 0, count: 0x10000)

    mutating func put<T: FixedWidthInteger>(_ v: T, _ at: Int) {
        withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { memory[at + i] = b } }
    }

    mutating func put(_ bytes: [UInt8], _ at: Int) {
        for (i, b) in bytes.enumerated() { memory[at + i] = b }
    }

    /// Writes a table header and body at `at` and fixes its checksum.
    mutating func table(_ signature: String, at: Int, body: [UInt8], revision: UInt8 = 1) {
        let length = 36 + body.count
        put(Array(signature.utf8), at)
        put(UInt32(length), at + 4)
        memory[at + 8] = revision
        put(Array("SKIFF ".utf8), at + 10)
        put(body, at + 36)
        fix(at: at, length: length, checksumOffset: 9)
    }

    mutating func fix(at: Int, length: Int, checksumOffset: Int) {
        memory[at + checksumOffset] = 0
        var sum: UInt8 = 0
        for i in at..<(at + length) { sum &+= memory[i] }
        memory[at + checksumOffset] = 0 &- sum
    }

    mutating func rsdp(at: Int, xsdt: UInt64) {
        put(Array("RSD PTR ".utf8), at)
        memory[at + 15] = 2
        put(UInt32(36), at + 20)
        put(xsdt, at + 24)
        fix(at: at, length: 20, checksumOffset: 8)
        fix(at: at, length: 36, checksumOffset: 32)
    }

    func read<R>(_ body: (PhysicalReader) throws -> R) rethrows -> R {
        try memory.withUnsafeBytes { raw in
            try body { address, count in
                guard address <= UInt64(raw.count), UInt64(count) <= UInt64(raw.count) - address else { return nil }
                return UnsafeRawBufferPointer(rebasing: raw[Int(address)..<Int(address) + count])
            }
        }
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    /// A q35-like system: FADT with PM1a at port 0x604, DSDT with `_S5` = {5, 5}, a MADT with
    /// two CPUs (one disabled), an I/O APIC and an IRQ 0 -> GSI 2 override, and an MCFG.
    static func q35Like() -> TableBuilder {
        var t = TableBuilder()
        // DSDT at 0x3000: some AML then Name(_S5_, Package(4){0x05, 0x05, 0, 0})
        let aml: [UInt8] = [0x10, 0x05, 0x5C, 0x2E, 0x00] + [0x08] + Array("_S5_".utf8) + [0x12, 0x08, 0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00]
        t.table("DSDT", at: 0x3000, body: aml, revision: 2)
        // FADT at 0x2000 (revision 6 length 276)
        var fadt = [UInt8](repeating: 0, count: 276 - 36)
        func f<T: FixedWidthInteger>(_ v: T, _ offset: Int) { for (i, b) in le(v).enumerated() { fadt[offset - 36 + i] = b } }
        f(UInt32(0x3000), 40)  // DSDT
        f(UInt16(9), 46)  // SCI
        f(UInt32(0x604), 64)  // PM1a_CNT_BLK (legacy port)
        f(UInt32(0x608), 76)  // PM_TMR_BLK
        fadt[89 - 36] = 2  // PM1_CNT_LEN
        fadt[91 - 36] = 4  // PM_TMR_LEN
        f(UInt32(1 << 10), 112)  // flags: RESET_REG_SUP
        fadt[116 - 36] = 1; fadt[117 - 36] = 8; f(UInt64(0xCF9), 120)  // reset register: I/O 0xCF9
        fadt[128 - 36] = 0x0F  // reset value
        t.table("FACP", at: 0x2000, body: fadt, revision: 6)
        // MADT at 0x4000
        var madt: [UInt8] = le(UInt32(0xFEE0_0000)) + le(UInt32(1))
        madt += [0, 8, 0, 0] + le(UInt32(1))  // CPU 0, APIC 0, enabled
        madt += [0, 8, 1, 1] + le(UInt32(0))  // CPU 1, APIC 1, disabled
        madt += [1, 12, 0, 0] + le(UInt32(0xFEC0_0000)) + le(UInt32(0))  // I/O APIC
        madt += [2, 10, 0, 0] + le(UInt32(2)) + le(UInt16(0))  // IRQ0 -> GSI2
        madt += [2, 10, 0, 9] + le(UInt32(9)) + le(UInt16(0xF))  // IRQ9 level, active low
        t.table("APIC", at: 0x4000, body: madt, revision: 3)
        // MCFG at 0x5000
        t.table("MCFG", at: 0x5000, body: [UInt8](repeating: 0, count: 8) + le(UInt64(0xB000_0000)) + le(UInt16(0)) + [0, 255] + [0, 0, 0, 0])
        // XSDT at 0x1000
        t.table("XSDT", at: 0x1000, body: le(UInt64(0x2000)) + le(UInt64(0x4000)) + le(UInt64(0x5000)))
        t.rsdp(at: 0x100, xsdt: 0x1000)
        return t
    }
}

@Suite struct ACPITablesTests {
    @Test func walksFromRSDP() throws {
        let t = TableBuilder.q35Like()
        try t.read { read in
            let tables = try ACPITables(rsdpAddress: 0x100, read: read)
            #expect(tables.revision == 2)
            #expect(tables.entries.map { String(decoding: $0.signature, as: UTF8.self) } == ["FACP", "APIC", "MCFG", "DSDT"])
            let fadt = try FADT(entry: tables.entry("FACP")!, read: read)
            #expect(!fadt.hardwareReduced)
            #expect(fadt.dsdtAddress == 0x3000)
            #expect(fadt.pm1aControl == GenericAddress(space: .io, bitWidth: 16, address: 0x604))
            #expect(fadt.pmTimer?.address == 0x608)
            #expect(fadt.resetRegister?.address == 0xCF9 && fadt.resetValue == 0x0F)
            #expect(fadt.sleepControl == nil)
            let dsdt = tables.entry("DSDT")!
            let s5 = SleepType(aml: UnsafeRawBufferPointer(rebasing: read(dsdt.address, dsdt.length)![36...]))
            #expect(s5 == SleepType(a: 5, b: 5))
            let madt = try MADT(entry: tables.entry("APIC")!, read: read)
            #expect(madt.localAPICAddress == 0xFEE0_0000 && madt.hasLegacyPICs)
            #expect(madt.processors.count == 2)
            #expect(madt.processors[0].enabled && !madt.processors[1].enabled)
            #expect(madt.ioAPICs == [MADT.IOAPIC(id: 0, address: 0xFEC0_0000, globalInterruptBase: 0)])
            #expect(madt.route(isaIRQ: 0).globalInterrupt == 2)
            #expect(madt.route(isaIRQ: 9) == (9, true, true))
            #expect(madt.route(isaIRQ: 4).globalInterrupt == 4)
            let mcfg = try MCFG(entry: tables.entry("MCFG")!, read: read)
            #expect(mcfg.regions == [MCFG.Region(base: 0xB000_0000, segment: 0, startBus: 0, endBus: 255)])
        }
    }

    @Test func rejectsCorruptRSDP() {
        var t = TableBuilder.q35Like()
        t.memory[0x100 + 3] ^= 0xFF
        t.read { read in #expect(throws: ACPIError.self) { try ACPITables(rsdpAddress: 0x100, read: read) } }
        var c = TableBuilder.q35Like()
        c.memory[0x100 + 17] ^= 1  // checksum now wrong
        c.read { read in #expect(throws: ACPIError.self) { try ACPITables(rsdpAddress: 0x100, read: read) } }
    }

    @Test func skipsATableWithABadChecksum() throws {
        var t = TableBuilder.q35Like()
        t.memory[0x4000 + 40] ^= 0x55  // corrupt the MADT body
        try t.read { read in
            let tables = try ACPITables(rsdpAddress: 0x100, read: read)
            #expect(tables.entry("APIC") == nil)
            #expect(tables.entry("FACP") != nil)
        }
    }

    @Test func rejectsImpossibleLengths() {
        var t = TableBuilder.q35Like()
        t.put(UInt32(10), 0x1000 + 4)
        t.read { read in #expect(throws: ACPIError.self) { try ACPITables(rsdpAddress: 0x100, read: read) } }
    }

    @Test func madtWithBadEntryLengthIsAnError() throws {
        var t = TableBuilder()
        t.table("APIC", at: 0x4000, body: TableBuilder.le(UInt32(0xFEE0_0000)) + TableBuilder.le(UInt32(0)) + [0, 0, 0, 0])
        try t.read { read in
            let entry = try ACPITables.table(at: 0x4000, read: read)
            #expect(throws: ACPIError.self) { try MADT(entry: entry, read: read) }
        }
    }

    @Test func hardwareReducedFADT() throws {
        var t = TableBuilder()
        var fadt = [UInt8](repeating: 0, count: 276 - 36)
        for (i, b) in TableBuilder.le(UInt32(1 << 20)).enumerated() { fadt[112 - 36 + i] = b }
        fadt[244 - 36] = 1; fadt[245 - 36] = 8
        for (i, b) in TableBuilder.le(UInt64(0x63)).enumerated() { fadt[248 - 36 + i] = b }
        t.table("FACP", at: 0x2000, body: fadt, revision: 5)
        try t.read { read in
            let f = try FADT(entry: try ACPITables.table(at: 0x2000, read: read), read: read)
            #expect(f.hardwareReduced)
            #expect(f.sleepControl == GenericAddress(space: .io, bitWidth: 8, address: 0x63))
            #expect(f.pm1aControl == nil)
        }
    }

    @Test func sleepTypeEncodings() {
        func s5(_ aml: [UInt8]) -> SleepType? { aml.withUnsafeBytes { SleepType(aml: $0) } }
        let name: [UInt8] = [0x08] + Array("_S5_".utf8)
        #expect(s5([0, 0] + name + [0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00]) == SleepType(a: 0, b: 0))
        #expect(s5([0, 0] + name + [0x12, 0x06, 0x02, 0x01, 0x0A, 0x07]) == SleepType(a: 1, b: 7))
        #expect(s5([0, 0x08, 0x5C] + Array("_S5_".utf8) + [0x12, 0x06, 0x02, 0x0A, 0x05, 0x0A, 0x05]) == SleepType(a: 5, b: 5))
        // `_S5_` used as a method reference, not a Name, is ignored.
        #expect(s5([0, 0x70] + Array("_S5_".utf8) + [0x12, 0x06, 0x02, 0x0A, 0x05, 0x0A, 0x05, 0, 0, 0]) == nil)
        #expect(s5([0, 0] + name + [0x12]) == nil)
    }
}
