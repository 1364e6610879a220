/// One network interface of the stack: its link address, IP addresses, neighbour caches, the
/// queue of frames waiting for the driver, and the per-interface protocol state (IPv6 router
/// discovery, the DHCP client).
final class Interface {
    let id: InterfaceID
    let isLoopback: Bool
    var mac: MACAddress
    var mtu: Int

    var ipv4Addresses: [IPv4InterfaceAddress] = []
    var ipv6Addresses: [IPv6InterfaceAddress] = []
    var arp = NeighborCache()
    var neighbors6 = NeighborCache()
    var transmitQueue: [OutgoingFrame] = []
    /// What the device finishes for us; see ``LinkOffloads``.
    var offloads: LinkOffloads = []
    var statistics = InterfaceStatistics()

    // IPv6 state.
    var ipv6Enabled = false
    var routerSolicitationsSent = 0
    var nextRouterSolicitation: Nanoseconds?
    /// The hop limit routers advertise (RFC 4861 Cur Hop Limit); 0 keeps the stack default.
    var advertisedHopLimit: UInt8 = 0

    var dhcp: DHCPClient?

    init(id: InterfaceID, mac: MACAddress, mtu: Int, isLoopback: Bool) {
        self.id = id
        self.mac = mac
        self.mtu = mtu
        self.isLoopback = isLoopback
    }

    /// Whether `address` is assigned here (tentative IPv6 addresses do not count).
    func owns(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let a): return ipv4Addresses.contains { $0.address == a }
        case .v6(let a): return ipv6Addresses.contains { $0.address == a && !$0.isTentative }
        }
    }

    /// The IPv4 address to speak from towards `destination`: one in its subnet, else the first.
    func ipv4Source(for destination: IPv4Address) -> IPv4Address? {
        if let match = ipv4Addresses.first(where: { $0.address.sharesPrefix(with: destination, length: $0.prefixLength) }) {
            return match.address
        }
        return ipv4Addresses.first?.address
    }

    var linkLocalIPv6: IPv6Address? {
        ipv6Addresses.first { $0.origin == .linkLocal && !$0.isTentative }?.address
    }

    /// The IPv6 source for `destination` (RFC 6724 reduced to scope matching): link-local for
    /// link-local and multicast-on-link destinations, otherwise a preferred global address.
    func ipv6Source(for destination: IPv6Address, now: Nanoseconds) -> IPv6Address? {
        if destination.isLinkLocal || (destination.isMulticast && destination.high >> 48 & 0xF == 2) {
            return linkLocalIPv6
        }
        let usable = ipv6Addresses.filter { !$0.isTentative && !$0.address.isLinkLocal }
        if let preferred = usable.first(where: { ($0.preferredUntil ?? .max) > now }) { return preferred.address }
        return usable.first?.address ?? linkLocalIPv6
    }
}
