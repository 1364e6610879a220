#if SKIFF_KERNEL
import ACPI
/// Which GSI a function's legacy INTx pin reaches (the MSI-X fallback).
///
/// Firmware describes this in ACPI's `_PRT` methods, which need an AML interpreter; Skiff knows
/// the routing of QEMU's q35 chipset (ICH9) instead. There, the PIRQ lines A–H are wired to
/// I/O APIC inputs 16–23, and a device in slot S of bus 0 raises its pin P (INTA = 0) on PIRQ
/// E + (S + P) mod 4; devices behind a bridge are swizzled onto the bridge's pins first (the
/// standard PCI-to-PCI bridge rule). Other chipsets fall back to the interrupt line register
/// the BIOS programmed, read as an ISA IRQ.
enum PCIInterruptRouting {
    static let ich9LPC: (vendor: UInt16, device: UInt16) = (0x8086, 0x2918)

    /// The GSI, its trigger mode and polarity; nil when the function has no INTx pin or the
    /// route is unknown.
    static func route(_ function: PCIFunction) -> (gsi: UInt32, levelTriggered: Bool, activeLow: Bool)? {
        let pin = function.interruptPin
        guard pin >= 1, pin <= 4 else { return nil }
        let isICH9 = PCIBus.functions.contains {
            $0.address.bus == 0 && $0.vendorID == ich9LPC.vendor && $0.deviceID == ich9LPC.device
        }
        if isICH9 {
            // Swizzle up to bus 0 through the bridges the function sits behind.
            var slot = Int(function.address.device)
            var intx = Int(pin) &- 1
            var bus = function.address.bus
            var hops = 0
            while bus != 0 && hops < 8 {
                guard let bridge = PCIBus.functions.first(where: { $0.isBridge && $0.config.read8(0x19) == bus }) else { return nil }
                intx = (intx &+ slot) & 3
                slot = Int(bridge.address.device)
                bus = bridge.address.bus
                hops &+= 1
            }
            guard bus == 0 else { return nil }
            let pirq: Int
            if slot < 0x18 || slot == 0x1E {
                pirq = 4 &+ ((slot &+ intx) & 3)  // PIRQ E-H
            } else {
                pirq = intx  // the chipset's own devices: PIRQ A-D
            }
            return (UInt32(16 &+ pirq), true, false)
        }
        let line = function.interruptLine
        guard line < 16 else { return nil }
        let gsi = Firmware.madt?.route(isaIRQ: line).globalInterrupt ?? UInt32(line)
        return (gsi, true, true)
    }
}
#endif
