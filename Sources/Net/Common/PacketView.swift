/// A read-only window onto received bytes: a layer's header and payload, without copying.
///
/// Each layer checks `count` against the lengths it needs before reading, and hands the next
/// layer a narrower view. Reads outside the window are a parser bug; they return 0 in release
/// builds (hostile input must never stop the kernel) and stop debug builds, where the tests
/// and fuzzers run, so such bugs are found.
public struct PacketView {
    public let bytes: [UInt8]
    public let start: Int
    public let count: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        start = 0
        count = bytes.count
    }

    init(bytes: [UInt8], start: Int, count: Int) {
        self.bytes = bytes
        self.start = start
        self.count = count
    }

    @inline(__always) func u8(_ offset: Int) -> UInt8 {
        guard offset >= 0, offset < count else {
            assertionFailure("PacketView read out of bounds")
            return 0
        }
        return bytes[start &+ offset]
    }

    @inline(__always) func u16(_ offset: Int) -> UInt16 {
        UInt16(u8(offset)) << 8 | UInt16(u8(offset &+ 1))
    }

    @inline(__always) func u32(_ offset: Int) -> UInt32 {
        UInt32(u16(offset)) << 16 | UInt32(u16(offset &+ 2))
    }

    /// The bytes from `offset` on, `length` of them (clamped to the window).
    func slice(from offset: Int, count length: Int) -> PacketView {
        let o = Swift.max(0, Swift.min(offset, count))
        let n = Swift.max(0, Swift.min(length, count &- o))
        return PacketView(bytes: bytes, start: start &+ o, count: n)
    }

    /// The bytes from `offset` to the end.
    func dropFirst(_ offset: Int) -> PacketView { slice(from: offset, count: count &- offset) }

    /// The first `length` bytes (e.g. to cut Ethernet padding after the IP total length).
    func prefix(_ length: Int) -> PacketView { slice(from: 0, count: length) }

    /// A copy of the window's bytes.
    public func copyBytes() -> [UInt8] {
        if start == 0 && count == bytes.count { return bytes }
        return Array(bytes[start..<(start &+ count)])
    }

    /// Calls `body` with the window's bytes.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { all in
            body(UnsafeRawBufferPointer(rebasing: all[start..<(start &+ count)]))
        }
    }
}
