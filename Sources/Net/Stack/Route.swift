/// One routing table entry: packets for `destination/prefixLength` leave through `interface`,
/// directly (`gateway` nil: on-link) or through `gateway`.
public struct Route: Equatable, Sendable {
    public enum Origin: Equatable, Sendable {
        /// The subnet of an assigned address.
        case connected
        /// Added by the caller (static configuration).
        case manual
        /// From a DHCP lease.
        case dhcp
        /// From an IPv6 router advertisement; expires.
        case routerAdvertisement
    }

    public var destination: IPAddress
    public var prefixLength: Int
    public var gateway: IPAddress?
    public var interface: InterfaceID
    public var origin: Origin
    /// When an advertised route lapses.
    public var expires: Nanoseconds?

    public init(
        destination: IPAddress, prefixLength: Int, gateway: IPAddress?, interface: InterfaceID,
        origin: Origin = .manual, expires: Nanoseconds? = nil
    ) {
        self.destination = destination
        self.prefixLength = prefixLength
        self.gateway = gateway
        self.interface = interface
        self.origin = origin
        self.expires = expires
    }

    func matches(_ address: IPAddress) -> Bool {
        switch (destination, address) {
        case (.v4(let d), .v4(let a)): a.sharesPrefix(with: d, length: prefixLength)
        case (.v6(let d), .v6(let a)): a.sharesPrefix(with: d, length: prefixLength)
        default: false
        }
    }
}
