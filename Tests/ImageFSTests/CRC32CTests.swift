import Testing

@testable import ImageFS

@Test func crc32cCheckValue() {
    #expect(CRC32C.checksum(bytes("123456789")) == 0xE306_9283)
}

@Test func crc32cKnownVectors() {
    // RFC 3720 (iSCSI) appendix B.4 test vectors.
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    #expect(CRC32C.checksum([]) == 0)
}

@Test func crc32cIncrementalMatchesOneShot() {
    var random = SplitMix64(seed: 7)
    let data = random.bytes(10_000)
    var crc = CRC32C()
    crc.update(Array(data[0..<1]))
    crc.update(Array(data[1..<4321]))
    crc.update(Array(data[4321...]))
    #expect(crc.value == CRC32C.checksum(data))

    var zeros = CRC32C()
    zeros.update(Array(data[0..<10]))
    zeros.updateZeros(count: 17)
    #expect(zeros.value == CRC32C.checksum(Array(data[0..<10]) + [UInt8](repeating: 0, count: 17)))
}
