/// The 8-byte UDP header (RFC 768).
struct UDPHeader {
    static let size = 8

    var sourcePort: UInt16
    var destinationPort: UInt16
    /// Header plus payload, from the header.
    var length: Int
    var checksum: UInt16

    /// Validates the length field against the bytes present; a length shorter than what
    /// arrived trims the payload (the rest is link padding or junk).
    init(parsing view: PacketView) throws(DropReason) {
        guard view.count >= Self.size else { throw .udpMalformed }
        sourcePort = view.u16(0)
        destinationPort = view.u16(2)
        length = Int(view.u16(4))
        checksum = view.u16(6)
        guard length >= Self.size, length <= view.count else { throw .udpMalformed }
    }
}
