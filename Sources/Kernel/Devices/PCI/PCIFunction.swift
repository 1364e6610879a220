#if SKIFF_KERNEL
/// One PCI function found by enumeration: its identity, base address registers and
/// capabilities.
///
/// BARs are used as the firmware assigned them (SeaBIOS on q35); Skiff does not reassign PCI
/// resources.
final class PCIFunction {
    let config: PCIConfigSpace
    let vendorID: UInt16
    let deviceID: UInt16
    /// Class, subclass and programming interface.
    let classCode: UInt32
    let headerType: UInt8

    static let commandIO: UInt16 = 1 << 0
    static let commandMemory: UInt16 = 1 << 1
    static let commandBusMaster: UInt16 = 1 << 2
    static let commandInterruptDisable: UInt16 = 1 << 10

    static let capabilityMSI: UInt8 = 0x05
    static let capabilityVendor: UInt8 = 0x09
    static let capabilityMSIX: UInt8 = 0x11

    init(config: PCIConfigSpace) {
        self.config = config
        vendorID = config.read16(0x00)
        deviceID = config.read16(0x02)
        classCode = config.read32(0x08) >> 8
        headerType = config.read8(0x0E)
    }

    var address: PCIAddress { config.address }
    var isBridge: Bool { headerType & 0x7F == 1 }
    var interruptPin: UInt8 { config.read8(0x3D) }
    var interruptLine: UInt8 { config.read8(0x3C) }

    var command: UInt16 {
        get { config.read16(0x04) }
        set { config.write16(0x04, newValue) }
    }

    /// Memory decoding and bus mastering on (the device may now DMA).
    func enableMemoryAndBusMastering() {
        command = command | Self.commandMemory | Self.commandBusMaster
    }

    /// The physical address of memory BAR `index` (64-bit BARs span two registers); nil for an
    /// I/O BAR, an unassigned one, or a bad index.
    func memoryBAR(_ index: Int) -> UInt64? {
        guard index >= 0, index < (isBridge ? 2 : 6) else { return nil }
        let low = config.read32(0x10 &+ index &* 4)
        guard low & 1 == 0 else { return nil }
        var address = UInt64(low & ~0xF)
        if (low >> 1) & 3 == 2 {
            guard index < 5 else { return nil }
            address |= UInt64(config.read32(0x10 &+ (index &+ 1) &* 4)) << 32
        }
        return address == 0 ? nil : address
    }

    /// Offsets of the capabilities with `id`, in list order (a looping list is cut off).
    func capabilities(_ id: UInt8) -> [Int] {
        var found: [Int] = []
        guard config.read16(0x06) & (1 << 4) != 0 else { return found }
        var offset = Int(config.read8(0x34) & 0xFC)
        var steps = 0
        while offset >= 0x40 && offset < 256 && steps < 48 {
            if config.read8(offset) == id { found.append(offset) }
            offset = Int(config.read8(offset &+ 1) & 0xFC)
            steps &+= 1
        }
        return found
    }

    var description: String {
        address.description + " " + hex(UInt64(vendorID), 4) + ":" + hex(UInt64(deviceID), 4)
    }
}
#endif
