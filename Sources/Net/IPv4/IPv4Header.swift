/// An IPv4 header (RFC 791). Options are skipped (their bytes are covered by the checksum and
/// the header length, nothing else); the stack never sends any.
struct IPv4Header {
    static let minimumSize = 20
    static let protocolICMP: UInt8 = 1
    static let protocolTCP: UInt8 = 6
    static let protocolUDP: UInt8 = 17

    var headerLength: Int
    var totalLength: Int
    var identification: UInt16
    var dontFragment: Bool
    var moreFragments: Bool
    /// In bytes.
    var fragmentOffset: Int
    var ttl: UInt8
    var protocolNumber: UInt8
    var source: IPv4Address
    var destination: IPv4Address

    var isFragment: Bool { moreFragments || fragmentOffset != 0 }

    /// Validates version, header length, total length against the bytes present, and the
    /// header checksum.
    init(parsing view: PacketView) throws(DropReason) {
        guard view.count >= Self.minimumSize else { throw .ipv4Malformed }
        let versionIHL = view.u8(0)
        guard versionIHL >> 4 == 4 else { throw .ipv4Malformed }
        headerLength = Int(versionIHL & 0xF) &* 4
        totalLength = Int(view.u16(2))
        guard headerLength >= Self.minimumSize, totalLength >= headerLength, totalLength <= view.count else {
            throw .ipv4Malformed
        }
        var sum = InternetChecksum()
        sum.add(view.prefix(headerLength))
        guard sum.value == 0 else { throw .ipv4BadChecksum }
        identification = view.u16(4)
        let flagsOffset = view.u16(6)
        guard flagsOffset & 0x8000 == 0 else { throw .ipv4Malformed }  // reserved bit
        dontFragment = flagsOffset & 0x4000 != 0
        moreFragments = flagsOffset & 0x2000 != 0
        fragmentOffset = Int(flagsOffset & 0x1FFF) &* 8
        ttl = view.u8(8)
        protocolNumber = view.u8(9)
        source = IPv4Address(rawValue: view.u32(12))
        destination = IPv4Address(rawValue: view.u32(16))
    }

    /// Writes a 20-byte header with its checksum at `offset`.
    static func write(
        to packet: inout [UInt8], at offset: Int, totalLength: Int, identification: UInt16,
        dontFragment: Bool = false, moreFragments: Bool = false, fragmentOffset: Int = 0,
        ttl: UInt8, protocolNumber: UInt8, source: IPv4Address, destination: IPv4Address
    ) {
        packet[offset] = 0x45
        packet[offset &+ 1] = 0
        packet.put16(UInt16(truncatingIfNeeded: totalLength), at: offset &+ 2)
        packet.put16(identification, at: offset &+ 4)
        var flags = UInt16(truncatingIfNeeded: fragmentOffset / 8) & 0x1FFF
        if dontFragment { flags |= 0x4000 }
        if moreFragments { flags |= 0x2000 }
        packet.put16(flags, at: offset &+ 6)
        packet[offset &+ 8] = ttl
        packet[offset &+ 9] = protocolNumber
        packet.put16(0, at: offset &+ 10)
        source.write(to: &packet, at: offset &+ 12)
        destination.write(to: &packet, at: offset &+ 16)
        var sum = InternetChecksum()
        sum.add(packet, from: offset, count: minimumSize)
        packet.put16(sum.value, at: offset &+ 10)
    }
}
