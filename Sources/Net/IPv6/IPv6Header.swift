/// The fixed 40-byte IPv6 header (RFC 8200 §3).
struct IPv6Header {
    static let size = 40

    static let nextHopByHop: UInt8 = 0
    static let nextRouting: UInt8 = 43
    static let nextFragment: UInt8 = 44
    static let nextNone: UInt8 = 59
    static let nextDestinationOptions: UInt8 = 60

    var payloadLength: Int
    var nextHeader: UInt8
    var hopLimit: UInt8
    var source: IPv6Address
    var destination: IPv6Address

    /// Validates the version and that the payload length fits the bytes present.
    init(parsing view: PacketView) throws(DropReason) {
        guard view.count >= Self.size, view.u8(0) >> 4 == 6 else { throw .ipv6Malformed }
        payloadLength = Int(view.u16(4))
        guard payloadLength <= view.count &- Self.size else { throw .ipv6Malformed }
        nextHeader = view.u8(6)
        hopLimit = view.u8(7)
        source = IPv6Address(reading: view, at: 8)
        destination = IPv6Address(reading: view, at: 24)
    }

    static func write(
        to packet: inout [UInt8], at offset: Int, payloadLength: Int, nextHeader: UInt8, hopLimit: UInt8,
        source: IPv6Address, destination: IPv6Address
    ) {
        packet.put32(0x6000_0000, at: offset)
        packet.put16(UInt16(truncatingIfNeeded: payloadLength), at: offset &+ 4)
        packet[offset &+ 6] = nextHeader
        packet[offset &+ 7] = hopLimit
        source.write(to: &packet, at: offset &+ 8)
        destination.write(to: &packet, at: offset &+ 24)
    }
}
