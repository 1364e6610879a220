/// CRC-16 (the ANSI/IBM polynomial, reflected, no final inversion) over group descriptors.
///
/// Volumes with `uninit_bg` (gdt_csum) but not `metadata_csum` protect group descriptors with
/// this; `metadata_csum` volumes use the low 16 bits of CRC-32C instead.
enum CRC16 {
    static let table: [UInt16] = {
        var table = [UInt16](repeating: 0, count: 256)
        for byte in 0..<256 {
            var value = UInt16(byte)
            for _ in 0..<8 { value = value & 1 != 0 ? (value >> 1) ^ 0xA001 : value >> 1 }
            table[byte] = value
        }
        return table
    }()

    static func update(_ crc: UInt16, _ bytes: [UInt8], from offset: Int = 0, count: Int? = nil) -> UInt16 {
        let end = offset &+ (count ?? (bytes.count &- offset))
        var register = crc
        var index = offset
        while index < end {
            register = (register >> 8) ^ table[Int((register ^ UInt16(bytes[index])) & 0xFF)]
            index &+= 1
        }
        return register
    }
}
