/// Fixed-width fields in on-disk byte arrays.
///
/// ext4 is little-endian and jbd2 big-endian; both are assembled byte by byte so the code reads
/// the same on any host and needs no alignment. Callers check offsets against the array first:
/// an out-of-range offset here is a bug in this module, never a property of the disk.
extension Array where Element == UInt8 {
    @inline(__always) func le16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset &+ 1]) << 8
    }

    @inline(__always) func le32(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset &+ 1]) << 8 | UInt32(self[offset &+ 2]) << 16
            | UInt32(self[offset &+ 3]) << 24
    }

    @inline(__always) func le64(_ offset: Int) -> UInt64 {
        UInt64(le32(offset)) | UInt64(le32(offset &+ 4)) << 32
    }

    @inline(__always) func be32(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset &+ 1]) << 16 | UInt32(self[offset &+ 2]) << 8
            | UInt32(self[offset &+ 3])
    }

    @inline(__always) func be64(_ offset: Int) -> UInt64 {
        UInt64(be32(offset)) << 32 | UInt64(be32(offset &+ 4))
    }

    @inline(__always) func be16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset &+ 1])
    }

    @inline(__always) mutating func setLE16(_ offset: Int, _ value: UInt16) {
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset &+ 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    @inline(__always) mutating func setLE32(_ offset: Int, _ value: UInt32) {
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset &+ 1] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset &+ 2] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset &+ 3] = UInt8(truncatingIfNeeded: value >> 24)
    }

    @inline(__always) mutating func setLE64(_ offset: Int, _ value: UInt64) {
        setLE32(offset, UInt32(truncatingIfNeeded: value))
        setLE32(offset &+ 4, UInt32(truncatingIfNeeded: value >> 32))
    }

    @inline(__always) mutating func setBE16(_ offset: Int, _ value: UInt16) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset &+ 1] = UInt8(truncatingIfNeeded: value)
    }

    @inline(__always) mutating func setBE32(_ offset: Int, _ value: UInt32) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 24)
        self[offset &+ 1] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset &+ 2] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset &+ 3] = UInt8(truncatingIfNeeded: value)
    }

    @inline(__always) mutating func setBE64(_ offset: Int, _ value: UInt64) {
        setBE32(offset, UInt32(truncatingIfNeeded: value >> 32))
        setBE32(offset &+ 4, UInt32(truncatingIfNeeded: value))
    }

    /// Sets `count` bytes from `offset` to zero.
    mutating func zero(from offset: Int, count: Int) {
        var index = offset
        let end = offset &+ count
        while index < end {
            self[index] = 0
            index &+= 1
        }
    }

    /// Copies `count` bytes of `source` from `sourceOffset` to `offset`.
    mutating func copy(from source: [UInt8], at sourceOffset: Int, to offset: Int, count: Int) {
        guard count > 0 else { return }
        withUnsafeMutableBytes { destination in
            source.withUnsafeBytes { from in
                UnsafeMutableRawBufferPointer(rebasing: destination[offset..<(offset &+ count)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: from[sourceOffset..<(sourceOffset &+ count)]))
            }
        }
    }

    /// Whether bytes `offset..<offset+count` equal `other`'s from `otherOffset`.
    func bytesEqual(_ offset: Int, _ other: [UInt8], _ otherOffset: Int, count: Int) -> Bool {
        var index = 0
        while index < count {
            if self[offset &+ index] != other[otherOffset &+ index] { return false }
            index &+= 1
        }
        return true
    }
}

/// Runs a typed-throwing body over an array's bytes. `withUnsafeMutableBytes` is `rethrows`,
/// which widens `throws(Ext4Error)` to an untyped throw that Embedded Swift rejects; the error
/// travels out as a value instead.
func withMutableBytes<R>(
    _ array: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(Ext4Error) -> R
) throws(Ext4Error) -> R {
    let result: Result<R, Ext4Error> = array.withUnsafeMutableBytes { buffer in
        do throws(Ext4Error) {
            return .success(try body(buffer))
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}
