/// CRC-32C (Castagnoli): the checksum over the superblock, the metadata and the data region.
///
/// Castagnoli rather than the zlib CRC-32 because it detects more error patterns at this length
/// and x86 (SSE 4.2 `crc32`) and arm64 compute it in hardware, should the kernel ever want to.
/// Parameters: reflected polynomial 0x82F63B78, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF;
/// the check value of the ASCII bytes "123456789" is 0xE3069283.
public struct CRC32C: Sendable {
    private var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    /// Feeds `bytes` into the running checksum.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        let table = Self.table
        var crc = state
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        state = crc
    }

    /// Feeds `bytes` into the running checksum.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Feeds `count` zero bytes, as if they were present (used where a checksum field covers
    /// itself).
    public mutating func updateZeros(count: Int) {
        let table = Self.table
        var crc = state
        var remaining = count
        while remaining > 0 {
            crc = table[Int(crc & 0xFF)] ^ (crc >> 8)
            remaining -= 1
        }
        state = crc
    }

    /// The checksum of everything fed so far.
    public var value: UInt32 { ~state }

    /// The checksum of `bytes` alone.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }

    /// The checksum of `bytes` alone.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// The byte-at-a-time lookup table, built once on first use.
    static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 {
                value = (value & 1) != 0 ? (value >> 1) ^ 0x82F6_3B78 : value >> 1
            }
            table[index] = value
        }
        return table
    }()
}
