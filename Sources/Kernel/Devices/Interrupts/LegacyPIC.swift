#if SKIFF_KERNEL
import CKernel

/// The two 8259 interrupt controllers of a PC.
///
/// Skiff uses the local APIC and I/O APIC; the PICs are only silenced. That must happen early:
/// a BIOS leaves them delivering IRQ 0 (the PIT) on vector 8, which would look like a double
/// fault the first time interrupts are enabled. They are remapped to vectors 0x20–0x2F first so
/// that a spurious IRQ 7/15 still arriving lands on a harmless vector.
enum LegacyPIC {
    static func disable() {
        x86_outb(0x20, 0x11)  // ICW1: initialize, expect ICW4
        x86_outb(0xA0, 0x11)
        x86_outb(0x21, 0x20)  // ICW2: master vectors 0x20-0x27
        x86_outb(0xA1, 0x28)  // slave vectors 0x28-0x2F
        x86_outb(0x21, 0x04)  // ICW3: slave on IRQ 2
        x86_outb(0xA1, 0x02)
        x86_outb(0x21, 0x01)  // ICW4: 8086 mode
        x86_outb(0xA1, 0x01)
        x86_outb(0x21, 0xFF)  // mask everything
        x86_outb(0xA1, 0xFF)
    }
}
#endif
