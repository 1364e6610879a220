/// CRC-32C (Castagnoli) in the raw form ext4 and jbd2 chain it.
///
/// ext4 never applies the usual pre/post inversion: each checksum starts from a seed (`~0`, or
/// the volume's checksum seed, itself the CRC of the UUID) and the raw register value is stored.
/// Chaining is what lets an inode checksum cover the inode number, the generation and the inode
/// bytes without building one buffer. Slice-by-8 tables because metadata checksums run on every
/// block read and written; 8 KiB of tables, built on first use, integer-only.
enum CRC32C {
    /// Reflected polynomial 0x1EDC6F41.
    static let polynomial: UInt32 = 0x82F6_3B78

    /// `tables[k][b]`: the register contribution of byte `b` followed by `k` zero bytes.
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 &* 256)
        for byte in 0..<256 {
            var value = UInt32(byte)
            for _ in 0..<8 { value = value & 1 != 0 ? (value >> 1) ^ polynomial : value >> 1 }
            tables[byte] = value
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(slice &- 1) &* 256 &+ byte]
                tables[slice &* 256 &+ byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// Feeds `count` bytes of `bytes` from `offset` into the register `crc`.
    static func update(_ crc: UInt32, _ bytes: [UInt8], from offset: Int = 0, count: Int? = nil) -> UInt32 {
        let length = count ?? (bytes.count &- offset)
        return bytes.withUnsafeBytes { raw in
            update(crc, UnsafeRawBufferPointer(rebasing: raw[offset..<(offset &+ length)]))
        }
    }

    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            var register = crc
            var index = 0
            let count = bytes.count
            while count &- index >= 8 {
                let low = register ^ (UInt32(bytes[index]) | UInt32(bytes[index &+ 1]) << 8
                    | UInt32(bytes[index &+ 2]) << 16 | UInt32(bytes[index &+ 3]) << 24)
                let high = UInt32(bytes[index &+ 4]) | UInt32(bytes[index &+ 5]) << 8
                    | UInt32(bytes[index &+ 6]) << 16 | UInt32(bytes[index &+ 7]) << 24
                register = table[7 &* 256 &+ Int(low & 0xFF)] ^ table[6 &* 256 &+ Int((low >> 8) & 0xFF)]
                    ^ table[5 &* 256 &+ Int((low >> 16) & 0xFF)] ^ table[4 &* 256 &+ Int(low >> 24)]
                    ^ table[3 &* 256 &+ Int(high & 0xFF)] ^ table[2 &* 256 &+ Int((high >> 8) & 0xFF)]
                    ^ table[256 &+ Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
                index &+= 8
            }
            while index < count {
                register = table[Int((register ^ UInt32(bytes[index])) & 0xFF)] ^ (register >> 8)
                index &+= 1
            }
            return register
        }
    }

    /// Feeds a little-endian 32-bit value (inode numbers, group numbers).
    static func update(_ crc: UInt32, littleEndian value: UInt32) -> UInt32 {
        var bytes = [UInt8](repeating: 0, count: 4)
        bytes.setLE32(0, value)
        return update(crc, bytes)
    }

    /// Feeds a little-endian 64-bit value (extended-attribute block numbers).
    static func update(_ crc: UInt32, littleEndian64 value: UInt64) -> UInt32 {
        var bytes = [UInt8](repeating: 0, count: 8)
        bytes.setLE64(0, value)
        return update(crc, bytes)
    }

    /// Feeds a big-endian 32-bit value (jbd2 transaction sequence numbers).
    static func update(_ crc: UInt32, bigEndian value: UInt32) -> UInt32 {
        var bytes = [UInt8](repeating: 0, count: 4)
        bytes.setBE32(0, value)
        return update(crc, bytes)
    }

    /// The checksum of a structure whose own 32-bit checksum field at `fieldOffset` counts as
    /// zero: the bytes before it, four zeros, the bytes after it (up to `count`).
    static func excluding(field fieldOffset: Int, width: Int = 4, seed: UInt32, _ bytes: [UInt8], count: Int? = nil) -> UInt32 {
        let length = count ?? bytes.count
        var crc = update(seed, bytes, from: 0, count: fieldOffset)
        crc = update(crc, [UInt8](repeating: 0, count: width))
        let after = fieldOffset &+ width
        if after < length { crc = update(crc, bytes, from: after, count: length &- after) }
        return crc
    }
}
