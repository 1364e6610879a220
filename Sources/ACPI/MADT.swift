/// The Multiple APIC Description Table: the CPUs and interrupt controllers.
public struct MADT {
    public struct Processor: Equatable {
        public var processorUID: UInt32
        public var apicID: UInt32
        /// Enabled now; `onlineCapable` processors may be enabled later (hot-plug) and are not started.
        public var enabled: Bool
        public var onlineCapable: Bool
    }

    public struct IOAPIC: Equatable {
        public var id: UInt8
        public var address: UInt64
        public var globalInterruptBase: UInt32
    }

    /// An ISA IRQ routed to a different global system interrupt or polarity/trigger mode.
    public struct InterruptOverride: Equatable {
        public var source: UInt8
        public var globalInterrupt: UInt32
        /// MPS INTI flags: bits 0-1 polarity, bits 2-3 trigger mode.
        public var flags: UInt16

        public var activeLow: Bool { flags & 0x3 == 0x3 }
        public var levelTriggered: Bool { (flags >> 2) & 0x3 == 0x3 }
    }

    public var localAPICAddress: UInt64
    /// PC-AT compatible dual 8259s present (they must be masked).
    public var hasLegacyPICs: Bool
    public var processors: [Processor] = []
    public var ioAPICs: [IOAPIC] = []
    public var overrides: [InterruptOverride] = []

    public init(entry: ACPITables.Entry, read: PhysicalReader) throws(ACPIError) {
        guard entry.signature == Array("APIC".utf8) else { throw ACPIError("not a MADT") }
        guard let t = read(entry.address, entry.length) else { throw ACPIError("MADT is unreadable") }
        guard t.count >= 44 else { throw ACPIError("MADT is truncated") }
        localAPICAddress = UInt64(t.loadUnaligned(fromByteOffset: 36, as: UInt32.self))
        hasLegacyPICs = t.loadUnaligned(fromByteOffset: 40, as: UInt32.self) & 1 != 0
        var offset = 44
        while offset + 2 <= t.count {
            let type = t[offset]
            let length = Int(t[offset + 1])
            guard length >= 2, offset + length <= t.count else {
                throw ACPIError("MADT entry at offset \(offset) has a bad length \(length)")
            }
            switch (type, length) {
            case (0, 8...):  // Processor local APIC
                let flags = t.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                processors.append(
                    Processor(
                        processorUID: UInt32(t[offset + 2]), apicID: UInt32(t[offset + 3]),
                        enabled: flags & 1 != 0, onlineCapable: flags & 2 != 0))
            case (1, 12...):  // I/O APIC
                ioAPICs.append(
                    IOAPIC(
                        id: t[offset + 2],
                        address: UInt64(t.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)),
                        globalInterruptBase: t.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)))
            case (2, 10...):  // Interrupt source override
                overrides.append(
                    InterruptOverride(
                        source: t[offset + 3],
                        globalInterrupt: t.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                        flags: t.loadUnaligned(fromByteOffset: offset + 8, as: UInt16.self)))
            case (5, 12...):  // Local APIC address override
                localAPICAddress = t.loadUnaligned(fromByteOffset: offset + 4, as: UInt64.self)
            case (9, 16...):  // Processor local x2APIC (APIC IDs above 254)
                let flags = t.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
                processors.append(
                    Processor(
                        processorUID: t.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self),
                        apicID: t.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                        enabled: flags & 1 != 0, onlineCapable: flags & 2 != 0))
            default:
                break
            }
            offset += length
        }
    }

    /// The global interrupt an ISA IRQ arrives on, with its override if the firmware set one.
    public func route(isaIRQ: UInt8) -> (globalInterrupt: UInt32, activeLow: Bool, levelTriggered: Bool) {
        if let o = overrides.first(where: { $0.source == isaIRQ }) {
            return (o.globalInterrupt, o.activeLow, o.levelTriggered)
        }
        return (UInt32(isaIRQ), false, false)
    }
}
