/// An IPv4 address assigned to an interface, with its subnet.
public struct IPv4InterfaceAddress: Equatable, Sendable {
    public var address: IPv4Address
    public var prefixLength: Int

    public init(address: IPv4Address, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The subnet-directed broadcast address (`10.0.2.255` for `10.0.2.15/24`).
    public var broadcast: IPv4Address {
        IPv4Address(rawValue: address.rawValue | ~IPv4Address.mask(prefixLength: prefixLength))
    }
}

/// Where an IPv6 address came from, which decides how it expires.
public enum IPv6AddressOrigin: Equatable, Sendable {
    /// Derived from the MAC address (`fe80::/64`), never expires.
    case linkLocal
    /// Formed from a router advertisement prefix (RFC 4862 SLAAC).
    case autoconfigured
    /// Configured by the caller.
    case manual
}

/// An IPv6 address assigned to an interface.
public struct IPv6InterfaceAddress: Equatable, Sendable {
    public var address: IPv6Address
    public var prefixLength: Int
    public var origin: IPv6AddressOrigin
    /// True while duplicate address detection runs (RFC 4862 §5.4): the address may not be
    /// used as a source yet.
    public var isTentative: Bool
    /// When the address stops being preferred and valid (nil: never).
    public var preferredUntil: Nanoseconds?
    public var validUntil: Nanoseconds?

    var dadProbesSent = 0
    var dadDeadline: Nanoseconds = 0
}
