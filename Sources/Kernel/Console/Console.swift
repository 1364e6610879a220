#if SKIFF_KERNEL
import CKernel

/// The kernel console: serial output with `\n` sent as CR LF, as a Linux tty with ONLCR does.
///
/// The writers here never allocate, so panic and trap paths can use them with a broken heap.
enum Console {
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
    Console.write("skiff: ")
    Console.writeLine(message)
}
#endif
