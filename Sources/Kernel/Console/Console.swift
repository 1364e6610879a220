#if SKIFF_KERNEL
import CKernel
import Synchronization

/// The kernel console: serial output with `\n` sent as CR LF, as a Linux tty with ONLCR does.
///
/// The writers here never allocate, so panic and trap paths can use them with a broken heap.
/// Lines from different CPUs do not interleave: `withLock` holds the console across a message
/// (and gives up waiting after a while, so a CPU that died holding it cannot silence a panic).
enum Console {
    static let owner = Atomic<Int>(-1)
    static let depth = Atomic<Int>(0)

    /// Runs `body` with the console to itself (re-entrant on the same CPU).
    static func withLock<R>(_ body: () -> R) -> R {
        let flags = x86_read_rflags()
        x86_cli()
        let me = Int(PerCPUIndex.current)
        var spins = 0
        while true {
            let (exchanged, current) = owner.compareExchange(expected: -1, desired: me, ordering: .acquiring)
            if exchanged || current == me { break }
            spins += 1
            if spins > 50_000_000 { break }  // the holder is gone; print anyway
            x86_pause()
        }
        depth.add(1, ordering: .relaxed)
        let result = body()
        if depth.subtract(1, ordering: .relaxed).newValue == 0 {
            owner.store(-1, ordering: .releasing)
        }
        if flags & 0x200 != 0 { x86_sti() }
        return result
    }

    @inline(__always)
    static func put(_ byte: UInt8) {
        if byte == 0x0A { SerialPort.com1.write(0x0D) }
        SerialPort.com1.write(byte)
    }

    static func write(_ text: StaticString) {
        let start = text.utf8Start
        for i in 0..<text.utf8CodeUnitCount { put(start[i]) }
    }

    static func write(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer in
            for byte in buffer { put(byte) }
        }
    }

    static func write(bytes: UnsafeRawBufferPointer) {
        for byte in bytes { put(byte) }
    }

    static func writeLine(_ text: StaticString) {
        write(text)
        put(0x0A)
    }

    static func writeLine(_ text: String) {
        write(text)
        put(0x0A)
    }

    /// `0x` and `digits` hexadecimal digits, zero-padded.
    static func writeHex(_ value: UInt64, digits: Int = 16) {
        put(UInt8(ascii: "0"))
        put(UInt8(ascii: "x"))
        var shift = (digits - 1) * 4
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: (value >> UInt64(shift)) & 0xF)
            put(nibble < 10 ? nibble + 48 : nibble + 87)
            shift -= 4
        }
    }

    static func writeDecimal(_ value: UInt64) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(truncatingIfNeeded: v % 10) + 48
                v /= 10
                count += 1
            } while v > 0
            while count > 0 {
                count -= 1
                put(buffer[count])
            }
        }
    }
}

/// Kernel log line, prefixed `skiff: `.
func log(_ message: String) {
    KernelLog.append(message)
    Console.withLock {
        Console.write("skiff: ")
        Console.writeLine(message)
    }
}

/// This CPU's index, readable before the scheduler exists (GS may not be set up yet: then 0).
enum PerCPUIndex {
    static var current: UInt32 {
        guard x86_rdmsr(UInt32(MSR_GS_BASE)) != 0 else { return 0 }
        return skiff_percpu_cpu_index()
    }
}
#endif
