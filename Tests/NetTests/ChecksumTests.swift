import Testing
@testable import Net

@Suite struct ChecksumTests {
    @Test func rfc1071Example() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded); the checksum is its complement.
        var c = InternetChecksum()
        [UInt8]([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]).withUnsafeBytes { c.add($0) }
        #expect(c.value == ~UInt16(0xDDF2))
    }

    @Test func oddLengthPadsWithZero() {
        var a = InternetChecksum()
        [UInt8]([0x12, 0x34, 0x56]).withUnsafeBytes { a.add($0) }
        var b = InternetChecksum()
        [UInt8]([0x12, 0x34, 0x56, 0x00]).withUnsafeBytes { b.add($0) }
        #expect(a.value == b.value)
        #expect(a.value == ~UInt16(0x1234 + 0x5600))
    }

    @Test func knownIPv4Header() throws {
        // A well-known sample header (192.168.0.1 → 192.168.0.199, UDP, TTL 64) with checksum b861.
        var p = [UInt8](repeating: 0, count: 20)
        IPv4Header.write(
            to: &p, at: 0, totalLength: 0x73, identification: 0, dontFragment: true, ttl: 64, protocolNumber: 17,
            source: IPv4Address(192, 168, 0, 1), destination: IPv4Address(192, 168, 0, 199))
        #expect(p == [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xB8, 0x61,
                      0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7])
        var padded = p
        padded += [UInt8](repeating: 0, count: 0x73 - 20)
        let header = try IPv4Header(parsing: PacketView(padded))
        #expect(header.totalLength == 0x73 && header.protocolNumber == 17 && header.dontFragment)
        padded[11] ^= 1
        #expect(throws: DropReason.ipv4BadChecksum) { try IPv4Header(parsing: PacketView(padded)) }
    }

    @Test func udpPseudoHeaderChecksum() {
        // UDP 10.0.0.1:1234 → 10.0.0.2:5678, payload "hi": checksum worked out by hand.
        // Pseudo header: 0a00 0001 + 0a00 0002 + 0011 + 000a; header 04d2 162e 000a; data 6869.
        let sum: UInt32 = 0x0A00 + 0x0001 + 0x0A00 + 0x0002 + 0x0011 + 0x000A + 0x04D2 + 0x162E + 0x000A + 0x6869
        let folded = (sum & 0xFFFF) + (sum >> 16)
        var c = InternetChecksum.pseudoHeader(
            source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 0, 0, 2), protocol: 17, length: 10)
        [UInt8]([0x04, 0xD2, 0x16, 0x2E, 0x00, 0x0A, 0x00, 0x00, 0x68, 0x69]).withUnsafeBytes { c.add($0) }
        #expect(c.value == ~UInt16(folded))
    }

    @Test func ipv6PseudoHeaderCoversLengthAndNextHeader() {
        let s = IPv6Address(0xFE80, 0, 0, 0, 0, 0, 0, 1)
        let d = IPv6Address(0xFE80, 0, 0, 0, 0, 0, 0, 2)
        let c = InternetChecksum.pseudoHeader(source: s, destination: d, protocol: 58, length: 8)
        // fe80 + 1 + fe80 + 2 + 0 + 8 + 58
        let sum: UInt32 = 0xFE80 + 1 + 0xFE80 + 2 + 8 + 58
        #expect(c.value == ~UInt16((sum & 0xFFFF) + (sum >> 16)))
    }
}
