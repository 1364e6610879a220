/// A received TCP segment: header fields, parsed options and the payload window.
struct TCPSegment {
    static let headerSize = 20

    var sourcePort: UInt16
    var destinationPort: UInt16
    var sequence: UInt32
    var acknowledgment: UInt32
    var flags: TCPFlags
    var window: UInt16
    var options: TCPOptions
    var payload: PacketView

    /// Validates the data offset; the checksum is verified by the caller, which knows the
    /// pseudo-header.
    init(parsing view: PacketView) throws(DropReason) {
        guard view.count >= Self.headerSize else { throw .tcpMalformed }
        let dataOffset = Int(view.u8(12) >> 4) &* 4
        guard dataOffset >= Self.headerSize, dataOffset <= view.count else { throw .tcpMalformed }
        sourcePort = view.u16(0)
        destinationPort = view.u16(2)
        sequence = view.u32(4)
        acknowledgment = view.u32(8)
        flags = TCPFlags(rawValue: view.u8(13) & 0x3F)
        window = view.u16(14)
        options = TCPOptions(parsing: view.slice(from: Self.headerSize, count: dataOffset &- Self.headerSize))
        payload = view.dropFirst(dataOffset)
        guard sourcePort != 0, destinationPort != 0 else { throw .tcpMalformed }
    }

    /// Sequence space the segment occupies: data plus one each for SYN and FIN.
    var sequenceLength: Int {
        payload.count &+ (flags.contains(.syn) ? 1 : 0) &+ (flags.contains(.fin) ? 1 : 0)
    }
}
