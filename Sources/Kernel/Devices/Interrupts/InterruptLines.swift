#if SKIFF_KERNEL
import ACPI
import CKernel
import Synchronization

/// Device interrupts: GSIs through the I/O APICs (legacy lines, virtio-mmio, PCI INTx) and
/// message-signalled interrupts (MSI-X), each ending at a local APIC vector.
///
/// A GSI may be shared (PCI INTx lines are): its vector runs every handler attached to it, and
/// each handler asks its device whether it was the one. All device interrupts go to the boot
/// CPU.
enum InterruptLines {
    /// One GSI with its vector and handlers. Handlers are stored in a fixed array and published
    /// by bumping `count`, so the interrupt path never sees an array being reallocated.
    final class Line {
        let gsi: UInt32
        let vector: Int
        let handlers: UnsafeMutablePointer<(() -> Void)?>
        let count = Atomic<Int>(0)
        static let capacity = 16

        init(gsi: UInt32, vector: Int) {
            self.gsi = gsi
            self.vector = vector
            handlers = .allocate(capacity: Self.capacity)
            handlers.initialize(repeating: nil, count: Self.capacity)
        }

        func dispatch() {
            let n = count.load(ordering: .acquiring)
            for i in 0..<n { handlers[i]?() }
        }
    }

    nonisolated(unsafe) static var ioapics: [IOAPIC] = []
    nonisolated(unsafe) static var lines: [Line] = []
    nonisolated(unsafe) static var destinationAPIC: UInt32 = 0
    static let lock = SpinLock()

    /// The I/O APICs the MADT lists (or the standard one at 0xFEC00000 without ACPI), all
    /// pins masked.
    static func initialize() {
        destinationAPIC = LocalAPIC.id
        if let madt = Firmware.madt, !madt.ioAPICs.isEmpty {
            for a in madt.ioAPICs {
                if let ioapic = IOAPIC(id: a.id, address: a.address, globalInterruptBase: a.globalInterruptBase) {
                    ioapics.append(ioapic)
                    Devices.report("ioapic \(a.id) at 0x\(String(a.address, radix: 16)): GSI \(a.globalInterruptBase)-\(a.globalInterruptBase &+ UInt32(ioapic.pinCount) &- 1)")
                }
            }
        } else if let ioapic = IOAPIC(id: 0, address: IOAPIC.defaultAddress, globalInterruptBase: 0) {
            ioapics.append(ioapic)
            Devices.report("ioapic at the default address: GSI 0-\(ioapic.pinCount - 1)")
        }
    }

    /// Runs `handler` (at interrupt time, which must not block) whenever `gsi` fires. The
    /// handler must quiet its device (acknowledge it) for level-triggered lines; the EOI is sent
    /// here. False when no I/O APIC has the GSI or no vector or handler slot is left.
    static func attach(gsi: UInt32, levelTriggered: Bool, activeLow: Bool, handler: @escaping () -> Void) -> Bool {
        guard let ioapic = ioapics.first(where: { $0.handles(gsi) }) else { return false }
        return lock.withLock {
            if let line = lines.first(where: { $0.gsi == gsi }) {
                let n = line.count.load(ordering: .relaxed)
                guard n < Line.capacity else { return false }
                line.handlers[n] = handler
                line.count.store(n &+ 1, ordering: .releasing)
                return true
            }
            // The vector's closure captures the line; the line exists before the pin is unmasked.
            var created: Line? = nil
            guard let vector = Interrupts.allocateVector({ _ in
                created?.dispatch()
                LocalAPIC.endOfInterrupt()
            }) else { return false }
            let line = Line(gsi: gsi, vector: vector)
            line.handlers[0] = handler
            line.count.store(1, ordering: .releasing)
            created = line
            lines.append(line)
            ioapic.route(
                pin: Int(gsi &- ioapic.globalInterruptBase), vector: UInt8(vector), apicID: destinationAPIC,
                levelTriggered: levelTriggered, activeLow: activeLow)
            return true
        }
    }

    /// An ISA IRQ (0–15): through the MADT's interrupt source overrides to its GSI.
    static func attach(isaIRQ irq: UInt8, handler: @escaping () -> Void) -> Bool {
        guard let madt = Firmware.madt else {
            return attach(gsi: UInt32(irq), levelTriggered: false, activeLow: false, handler: handler)
        }
        let route = madt.route(isaIRQ: irq)
        return attach(gsi: route.globalInterrupt, levelTriggered: route.levelTriggered, activeLow: route.activeLow, handler: handler)
    }

    /// A vector for a message-signalled interrupt and the message that raises it; `handler` runs
    /// at interrupt time, then the EOI is sent.
    static func allocateMessage(handler: @escaping () -> Void) -> (vector: Int, address: UInt64, data: UInt32)? {
        guard let vector = Interrupts.allocateVector({ _ in
            handler()
            LocalAPIC.endOfInterrupt()
        }) else { return nil }
        // Fixed delivery, edge-triggered, physical destination.
        return (vector, 0xFEE0_0000 | UInt64(destinationAPIC & 0xFF) << 12, UInt32(vector))
    }
}
#endif
