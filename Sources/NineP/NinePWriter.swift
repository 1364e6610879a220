import LinuxABI

/// Builds one 9P message (little-endian fields, `size[4] type[1] tag[2]` first) in a buffer the
/// transport owns, so a request goes straight into the memory the device reads.
///
/// Nothing here traps on a full buffer: a field that does not fit sets `overflowed` and the
/// message is refused by `finish()`.
public struct NinePWriter {
    private let buffer: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    public private(set) var count = 0
    /// The tag the transport gives this exchange: unique among the exchanges in flight.
    public let tag: UInt16
    /// Whether a field did not fit (or a string was longer than 65535 bytes).
    public private(set) var overflowed = false

    public init(_ buffer: UnsafeMutableRawBufferPointer, tag: UInt16) {
        self.buffer = buffer
        self.tag = tag
    }

    /// Starts a message: the size (patched by `finish`), the type and the tag.
    public mutating func begin(type: UInt8, tag: UInt16) {
        count = 0
        overflowed = false
        u32(0)
        u8(type)
        u16(tag)
    }

    /// Sets the size field; returns the message's length, or nil when it did not fit.
    public mutating func finish() -> Int? {
        guard !overflowed, count >= NinePWriter.headerSize else { return nil }
        let size = count
        count = 0
        u32(UInt32(truncatingIfNeeded: size))
        count = size
        return size
    }

    /// `size[4] type[1] tag[2]`.
    public static let headerSize = 7

    public mutating func u8(_ value: UInt8) { put(UInt64(value), width: 1) }
    public mutating func u16(_ value: UInt16) { put(UInt64(value), width: 2) }
    public mutating func u32(_ value: UInt32) { put(UInt64(value), width: 4) }
    public mutating func u64(_ value: UInt64) { put(value, width: 8) }

    /// `s`: a 16-bit length and the bytes (no terminating NUL).
    public mutating func string(_ text: [UInt8]) {
        guard text.count <= Int(UInt16.max) else {
            overflowed = true
            return
        }
        u16(UInt16(truncatingIfNeeded: text.count))
        guard text.count <= buffer.count &- count else {
            overflowed = true
            return
        }
        for byte in text {
            buffer[count] = byte
            count &+= 1
        }
    }

    public mutating func qid(_ qid: NinePQid) {
        u8(qid.type)
        u32(qid.version)
        u64(qid.path)
    }

    public mutating func time(_ time: Timespec) {
        u64(UInt64(bitPattern: time.seconds))
        u64(UInt64(bitPattern: time.nanoseconds))
    }

    /// Raw bytes: the data of a Twrite or an Rread.
    public mutating func bytes(_ data: UnsafeRawBufferPointer) {
        guard data.count <= buffer.count &- count else {
            overflowed = true
            return
        }
        if let source = data.baseAddress, let destination = buffer.baseAddress {
            (destination + count).copyMemory(from: source, byteCount: data.count)
        }
        count &+= data.count
    }

    private mutating func put(_ value: UInt64, width: Int) {
        guard width <= buffer.count &- count else {
            overflowed = true
            return
        }
        var remaining = value
        for _ in 0..<width {
            buffer[count] = UInt8(truncatingIfNeeded: remaining)
            remaining >>= 8
            count &+= 1
        }
    }
}
