/// Big-endian field writes into a byte array being built as an outgoing packet.
///
/// Packets are built back to front in spirit: the transport layer sizes the whole frame, and
/// headers are written into place with these helpers rather than prepended by copying.
extension Array where Element == UInt8 {
    @inline(__always) mutating func put8(_ value: UInt8, at offset: Int) {
        self[offset] = value
    }

    @inline(__always) mutating func put16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset &+ 1] = UInt8(truncatingIfNeeded: value)
    }

    @inline(__always) mutating func put32(_ value: UInt32, at offset: Int) {
        put16(UInt16(truncatingIfNeeded: value >> 16), at: offset)
        put16(UInt16(truncatingIfNeeded: value), at: offset &+ 2)
    }

    @inline(__always) func get16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset &+ 1])
    }

    @inline(__always) mutating func append16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always) mutating func append32(_ value: UInt32) {
        append16(UInt16(truncatingIfNeeded: value >> 16))
        append16(UInt16(truncatingIfNeeded: value))
    }

    /// Copies `source` into `self[offset...]`, which must have room.
    mutating func copy(_ source: UnsafeRawBufferPointer, to offset: Int) {
        guard source.count > 0 else { return }
        withUnsafeMutableBytes { destination in
            (destination.baseAddress! + offset).copyMemory(from: source.baseAddress!, byteCount: source.count)
        }
    }
}
