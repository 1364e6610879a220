/// The Fixed ACPI Description Table: power management registers and the DSDT's address.
public struct FADT {
    /// Hardware-reduced ACPI (microvm, Firecracker-style platforms): no PM1 blocks, sleep through
    /// the sleep control register instead.
    public var hardwareReduced: Bool
    public var dsdtAddress: UInt64
    public var sciInterrupt: Int
    public var pm1aControl: GenericAddress?
    public var pm1bControl: GenericAddress?
    public var pmTimer: GenericAddress?
    public var pmTimerIs32Bit: Bool
    public var resetRegister: GenericAddress?
    public var resetValue: UInt8
    public var sleepControl: GenericAddress?
    public var sleepStatus: GenericAddress?
    /// IA-PC boot architecture flags: bit 1 = 8042 present, bit 2 = VGA not present, …
    public var bootArchitectureFlags: UInt16

    public init(entry: ACPITables.Entry, read: PhysicalReader) throws(ACPIError) {
        guard entry.signature == Array("FACP".utf8) else { throw ACPIError("not an FADT") }
        guard let t = read(entry.address, entry.length) else { throw ACPIError("FADT is unreadable") }
        func u32(_ o: Int) -> UInt32 { o + 4 <= t.count ? t.loadUnaligned(fromByteOffset: o, as: UInt32.self) : 0 }
        func u16(_ o: Int) -> UInt16 { o + 2 <= t.count ? t.loadUnaligned(fromByteOffset: o, as: UInt16.self) : 0 }
        func u64(_ o: Int) -> UInt64 { o + 8 <= t.count ? t.loadUnaligned(fromByteOffset: o, as: UInt64.self) : 0 }
        func u8(_ o: Int) -> UInt8 { o < t.count ? t[o] : 0 }

        let flags = u32(112)
        hardwareReduced = flags & (1 << 20) != 0
        pmTimerIs32Bit = flags & (1 << 8) != 0
        sciInterrupt = Int(u16(46))
        bootArchitectureFlags = u16(109)
        let xdsdt = u64(140)
        dsdtAddress = xdsdt != 0 ? xdsdt : UInt64(u32(40))

        // Prefer the 64-bit extended blocks; fall back to the legacy 32-bit port fields.
        func block(extended: Int, legacy: Int, length: Int) -> GenericAddress? {
            if let g = GenericAddress(t, offset: extended) { return g }
            let port = u32(legacy)
            guard port != 0 else { return nil }
            return GenericAddress(space: .io, bitWidth: UInt8(truncatingIfNeeded: u8(length) * 8), address: UInt64(port))
        }
        pm1aControl = block(extended: 172, legacy: 64, length: 89)
        pm1bControl = block(extended: 184, legacy: 68, length: 89)
        pmTimer = block(extended: 208, legacy: 76, length: 91)
        resetRegister = flags & (1 << 10) != 0 ? GenericAddress(t, offset: 116) : nil
        resetValue = u8(128)
        sleepControl = GenericAddress(t, offset: 244)
        sleepStatus = GenericAddress(t, offset: 256)
    }
}
