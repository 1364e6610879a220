#if SKIFF_KERNEL
import ACPI
import CKernel

/// Reads and writes one function's configuration space: through the memory-mapped ECAM window
/// the ACPI MCFG table describes (4 KiB per function, mapped when first used), or through the
/// legacy 0xCF8/0xCFC port pair (256 bytes per function) when there is no MCFG.
struct PCIConfigSpace {
    let address: PCIAddress
    /// The function's ECAM page, or nil for port access.
    let ecam: UnsafeMutableRawPointer?

    static let legacyLock = SpinLock()
    static let addressPort: UInt16 = 0xCF8
    static let dataPort: UInt16 = 0xCFC

    /// Nil when neither mechanism reaches the function's bus.
    init?(_ address: PCIAddress) {
        self.address = address
        if let region = PCIConfigSpace.ecamRegion(for: address) {
            let physical = region.base &+ (UInt64(address.bus) << 20 | UInt64(address.device) << 15 | UInt64(address.function) << 12)
            guard let page = KernelPageTables.mapDevice(physical: physical, length: 4096) else { return nil }
            ecam = page
        } else {
            guard address.segment == 0, PCIConfigSpace.hasLegacyMechanism else { return nil }
            ecam = nil
        }
    }

    static func ecamRegion(for address: PCIAddress) -> MCFG.Region? {
        Firmware.mcfg?.regions.first {
            $0.segment == address.segment && address.bus >= $0.startBus && address.bus <= $0.endBus
        }
    }

    /// Configuration mechanism #1 is there if the address register keeps what is written to it.
    nonisolated(unsafe) static var legacyChecked = false
    nonisolated(unsafe) static var legacyPresent = false
    static var hasLegacyMechanism: Bool {
        legacyLock.withLock {
            if !legacyChecked {
                legacyChecked = true
                let saved = x86_inl(addressPort)
                x86_outl(addressPort, 0x8000_0000)
                legacyPresent = x86_inl(addressPort) == 0x8000_0000
                x86_outl(addressPort, saved)
            }
            return legacyPresent
        }
    }

    /// Extended configuration space (offsets 256–4095) is only reachable through ECAM.
    var size: Int { ecam == nil ? 256 : 4096 }

    private func selectLegacy(_ offset: Int) {
        x86_outl(
            Self.addressPort,
            0x8000_0000 | UInt32(address.bus) << 16 | UInt32(address.device) << 11 | UInt32(address.function) << 8
                | UInt32(offset & 0xFC))
    }

    func read32(_ offset: Int) -> UInt32 {
        guard offset >= 0, offset &+ 4 <= size else { return 0xFFFF_FFFF }
        if let ecam { return mmio_read32(ecam.advanced(by: offset & ~3)) }
        return Self.legacyLock.withLock {
            selectLegacy(offset)
            return x86_inl(Self.dataPort)
        }
    }

    func read16(_ offset: Int) -> UInt16 {
        guard offset >= 0, offset &+ 2 <= size else { return 0xFFFF }
        if let ecam { return mmio_read16(ecam.advanced(by: offset & ~1)) }
        return Self.legacyLock.withLock {
            selectLegacy(offset)
            return x86_inw(Self.dataPort &+ UInt16(offset & 2))
        }
    }

    func read8(_ offset: Int) -> UInt8 {
        guard offset >= 0, offset < size else { return 0xFF }
        if let ecam { return mmio_read8(ecam.advanced(by: offset)) }
        return Self.legacyLock.withLock {
            selectLegacy(offset)
            return x86_inb(Self.dataPort &+ UInt16(offset & 3))
        }
    }

    func write32(_ offset: Int, _ value: UInt32) {
        guard offset >= 0, offset &+ 4 <= size else { return }
        if let ecam { return mmio_write32(ecam.advanced(by: offset & ~3), value) }
        Self.legacyLock.withLock {
            selectLegacy(offset)
            x86_outl(Self.dataPort, value)
        }
    }

    func write16(_ offset: Int, _ value: UInt16) {
        guard offset >= 0, offset &+ 2 <= size else { return }
        if let ecam { return mmio_write16(ecam.advanced(by: offset & ~1), value) }
        Self.legacyLock.withLock {
            selectLegacy(offset)
            x86_outw(Self.dataPort &+ UInt16(offset & 2), value)
        }
    }

    func write8(_ offset: Int, _ value: UInt8) {
        guard offset >= 0, offset < size else { return }
        if let ecam { return mmio_write8(ecam.advanced(by: offset), value) }
        Self.legacyLock.withLock {
            selectLegacy(offset)
            x86_outb(Self.dataPort &+ UInt16(offset & 3), value)
        }
    }
}
#endif
