/// An ARP packet for IPv4 over Ethernet (RFC 826): the only hardware/protocol pair the stack
/// speaks, so anything else is malformed for it.
struct ARPPacket: Equatable {
    static let size = 28
    static let request: UInt16 = 1
    static let reply: UInt16 = 2

    var operation: UInt16
    var senderMAC: MACAddress
    var senderIP: IPv4Address
    var targetMAC: MACAddress
    var targetIP: IPv4Address

    init(operation: UInt16, senderMAC: MACAddress, senderIP: IPv4Address, targetMAC: MACAddress, targetIP: IPv4Address) {
        self.operation = operation
        self.senderMAC = senderMAC
        self.senderIP = senderIP
        self.targetMAC = targetMAC
        self.targetIP = targetIP
    }

    /// Nil unless the packet is Ethernet/IPv4 with the right address lengths and a known
    /// operation; trailing padding is allowed.
    init?(parsing view: PacketView) {
        guard view.count >= Self.size, view.u16(0) == 1, view.u16(2) == EthernetHeader.typeIPv4,
            view.u8(4) == 6, view.u8(5) == 4
        else { return nil }
        operation = view.u16(6)
        guard operation == Self.request || operation == Self.reply else { return nil }
        senderMAC = MACAddress(reading: view, at: 8)
        senderIP = IPv4Address(rawValue: view.u32(14))
        targetMAC = MACAddress(reading: view, at: 18)
        targetIP = IPv4Address(rawValue: view.u32(24))
    }

    /// The whole frame: Ethernet header and ARP body.
    func frame(destination: MACAddress) -> [UInt8] {
        var f = [UInt8](repeating: 0, count: EthernetHeader.size &+ Self.size)
        EthernetHeader(destination: destination, source: senderMAC, etherType: EthernetHeader.typeARP).write(to: &f)
        let o = EthernetHeader.size
        f.put16(1, at: o)
        f.put16(EthernetHeader.typeIPv4, at: o &+ 2)
        f[o &+ 4] = 6
        f[o &+ 5] = 4
        f.put16(operation, at: o &+ 6)
        senderMAC.write(to: &f, at: o &+ 8)
        senderIP.write(to: &f, at: o &+ 14)
        targetMAC.write(to: &f, at: o &+ 18)
        targetIP.write(to: &f, at: o &+ 24)
        return f
    }
}
