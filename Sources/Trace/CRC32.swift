/// CRC-32 (IEEE 802.3, the zlib one), bitwise: dumps are checked once, speed does not matter.
public struct CRC32: Sendable {
    public private(set) var value: UInt32 = 0xFFFF_FFFF

    public init() {}

    public mutating func update(_ byte: UInt8) {
        value ^= UInt32(byte)
        for _ in 0..<8 { value = value & 1 != 0 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
    }

    public var checksum: UInt32 { ~value }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c = CRC32()
        for b in bytes { c.update(b) }
        return c.checksum
    }
}
