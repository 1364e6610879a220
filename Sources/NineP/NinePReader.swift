import LinuxABI

/// Reads the fields of one 9P message from the bytes the device wrote.
///
/// The device is outside the kernel's trust: every read is checked against the message's end
/// and a short or malformed message is EIO, never a trap.
public struct NinePReader {
    private let buffer: UnsafeRawBufferPointer
    /// Where the next field starts.
    public private(set) var position = 0
    private var end: Int

    public init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        end = buffer.count
    }

    /// Bytes left before the message's end.
    public var remaining: Int { end &- position }

    /// Reads the header (`size[4] type[1] tag[2]`) and limits the reader to `size` bytes.
    public mutating func header() throws(Errno) -> (type: UInt8, tag: UInt16) {
        let size = Int(try u32())
        guard size >= NinePWriter.headerSize, size <= end else { throw .EIO }
        end = size
        let type = try u8()
        return (type, try u16())
    }

    public mutating func u8() throws(Errno) -> UInt8 { UInt8(truncatingIfNeeded: try take(1)) }
    public mutating func u16() throws(Errno) -> UInt16 { UInt16(truncatingIfNeeded: try take(2)) }
    public mutating func u32() throws(Errno) -> UInt32 { UInt32(truncatingIfNeeded: try take(4)) }
    public mutating func u64() throws(Errno) -> UInt64 { try take(8) }

    /// `s`: a 16-bit length and the bytes.
    public mutating func string() throws(Errno) -> [UInt8] {
        Array(try bytes(Int(try u16())))
    }

    public mutating func qid() throws(Errno) -> NinePQid {
        let type = try u8()
        let version = try u32()
        return NinePQid(type: type, version: version, path: try u64())
    }

    /// A time as 9P2000.L sends it: seconds and nanoseconds, 8 bytes each.
    public mutating func time() throws(Errno) -> Timespec {
        let seconds = Int64(bitPattern: try u64())
        return Timespec(seconds: seconds, nanoseconds: Int64(bitPattern: try u64()))
    }

    /// The next `count` bytes, in place.
    public mutating func bytes(_ count: Int) throws(Errno) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw .EIO }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position..<(position &+ count)])
        position &+= count
        return slice
    }

    private mutating func take(_ width: Int) throws(Errno) -> UInt64 {
        guard width <= remaining else { throw .EIO }
        var value: UInt64 = 0
        for index in 0..<width {
            value |= UInt64(buffer[position &+ index]) << UInt64(index &* 8)
        }
        position &+= width
        return value
    }
}
