#if SKIFF_KERNEL
import CKernel

/// A 16550 UART on the legacy I/O ports: the console on every VMM Skiff supports.
struct SerialPort {
    let base: UInt16

    static let com1 = SerialPort(base: 0x3F8)

    /// 115200 8N1 with FIFOs on; interrupts off (the console polls).
    func initialize() {
        x86_outb(base + 1, 0x00)  // no interrupts
        x86_outb(base + 3, 0x80)  // DLAB
        x86_outb(base + 0, 0x01)  // divisor 1: 115200 baud
        x86_outb(base + 1, 0x00)
        x86_outb(base + 3, 0x03)  // 8N1
        x86_outb(base + 2, 0xC7)  // FIFO on, cleared, 14-byte threshold
        x86_outb(base + 4, 0x03)  // DTR | RTS
    }

    /// Waits for room in the transmit holding register, then sends one byte.
    @inline(__always)
    func write(_ byte: UInt8) {
        var spins = 0
        while x86_inb(base + 5) & 0x20 == 0 && spins < 100_000 {
            x86_pause()
            spins += 1
        }
        x86_outb(base, byte)
    }

    /// Whether a received byte is waiting.
    var hasInput: Bool { x86_inb(base + 5) & 0x01 != 0 }

    /// A received byte, if one is waiting.
    func read() -> UInt8? {
        guard x86_inb(base + 5) & 0x01 != 0 else { return nil }
        return x86_inb(base)
    }
}
#endif
