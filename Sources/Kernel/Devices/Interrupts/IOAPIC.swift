#if SKIFF_KERNEL
import CKernel

/// One I/O APIC: routes the global system interrupts (GSIs) on its pins to local APIC vectors.
///
/// The registers are reached indirectly: the index goes to IOREGSEL, the value through IOWIN.
/// Each pin has a 64-bit redirection entry: vector, polarity, trigger mode, mask, destination.
final class IOAPIC {
    let id: UInt8
    let globalInterruptBase: UInt32
    let pinCount: Int
    private let base: UnsafeMutableRawPointer
    private let lock = SpinLock()

    static let defaultAddress: UInt64 = 0xFEC0_0000

    private static let registerVersion: UInt32 = 0x01
    private static func redirectionLow(_ pin: Int) -> UInt32 { 0x10 &+ UInt32(pin) &* 2 }

    /// Maps the registers and masks every pin; nil when they cannot be mapped or read.
    init?(id: UInt8, address: UInt64, globalInterruptBase: UInt32) {
        guard let base = KernelPageTables.mapDevice(physical: address, length: 0x20) else { return nil }
        self.id = id
        self.base = base
        self.globalInterruptBase = globalInterruptBase
        mmio_write32(base, Self.registerVersion)
        let version = mmio_read32(base.advanced(by: 0x10))
        guard version != 0xFFFF_FFFF else { return nil }
        pinCount = Int((version >> 16) & 0xFF) &+ 1
        for pin in 0..<pinCount { mask(pin: pin) }
    }

    func handles(_ gsi: UInt32) -> Bool {
        gsi >= globalInterruptBase && gsi < globalInterruptBase &+ UInt32(pinCount)
    }

    private func read(_ register: UInt32) -> UInt32 {
        mmio_write32(base, register)
        return mmio_read32(base.advanced(by: 0x10))
    }

    private func write(_ register: UInt32, _ value: UInt32) {
        mmio_write32(base, register)
        mmio_write32(base.advanced(by: 0x10), value)
    }

    /// Routes `pin` to `vector` on the CPU with `apicID` (fixed delivery, physical destination).
    func route(pin: Int, vector: UInt8, apicID: UInt32, levelTriggered: Bool, activeLow: Bool) {
        var low = UInt32(vector)
        if activeLow { low |= 1 << 13 }
        if levelTriggered { low |= 1 << 15 }
        lock.withLock {
            write(Self.redirectionLow(pin) &+ 1, (apicID & 0xFF) << 24)
            write(Self.redirectionLow(pin), low)  // unmasked last
        }
    }

    func mask(pin: Int) {
        lock.withLock {
            write(Self.redirectionLow(pin) &+ 1, 0)
            write(Self.redirectionLow(pin), 1 << 16)
        }
    }
}
#endif
