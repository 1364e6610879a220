/// An IPv4 or IPv6 address: what sockets, routes and connection keys hold.
public enum IPAddress: Equatable, Hashable, Sendable {
    case v4(IPv4Address)
    case v6(IPv6Address)

    public var isV4: Bool { if case .v4 = self { true } else { false } }

    /// Whether this is the wildcard address of its family.
    public var isUnspecified: Bool {
        switch self {
        case .v4(let a): a.isAny
        case .v6(let a): a.isUnspecified
        }
    }

    public var isMulticast: Bool {
        switch self {
        case .v4(let a): a.isMulticast
        case .v6(let a): a.isMulticast
        }
    }

    public var isLoopback: Bool {
        switch self {
        case .v4(let a): a.isLoopback
        case .v6(let a): a.isLoopback
        }
    }

    /// IPv4-mapped IPv6 addresses become plain IPv4; everything else is unchanged. Connection
    /// tables hold this form so a dual-stack socket and an IPv4 packet meet on one key.
    public var unmapped: IPAddress {
        if case .v6(let a) = self, let v4 = a.ipv4Mapped { return .v4(v4) }
        return self
    }

    /// The form an IPv6 socket reports: IPv4 addresses mapped into `::ffff:0:0/96`.
    public var mappedToV6: IPv6Address {
        switch self {
        case .v4(let a): IPv6Address(ipv4Mapped: a)
        case .v6(let a): a
        }
    }

    /// A 64-bit digest for the stack's hash tables.
    var hashWord: UInt64 {
        switch self {
        case .v4(let a): UInt64(a.rawValue)
        case .v6(let a): SplitMix64.mix(a.high) ^ a.low
        }
    }
}
