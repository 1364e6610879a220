/// The 14-byte Ethernet II header. 802.1Q tags and 802.3 length fields are not understood:
/// such frames are dropped as an unknown EtherType.
struct EthernetHeader {
    static let size = 14

    static let typeIPv4: UInt16 = 0x0800
    static let typeARP: UInt16 = 0x0806
    static let typeIPv6: UInt16 = 0x86DD

    var destination: MACAddress
    var source: MACAddress
    var etherType: UInt16

    /// Nil when the frame is shorter than a header.
    init?(parsing frame: PacketView) {
        guard frame.count >= Self.size else { return nil }
        destination = MACAddress(reading: frame, at: 0)
        source = MACAddress(reading: frame, at: 6)
        etherType = frame.u16(12)
    }

    init(destination: MACAddress, source: MACAddress, etherType: UInt16) {
        self.destination = destination
        self.source = source
        self.etherType = etherType
    }

    /// Fills the first 14 bytes of `frame`, which every outgoing packet reserves.
    func write(to frame: inout [UInt8]) {
        destination.write(to: &frame, at: 0)
        source.write(to: &frame, at: 6)
        frame.put16(etherType, at: 12)
    }
}
