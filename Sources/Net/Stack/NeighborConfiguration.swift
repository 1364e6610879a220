/// Timing and limits of address resolution (ARP and Neighbour Discovery alike).
public struct NeighborConfiguration: Sendable {
    /// How long a confirmed link address is trusted before it is re-probed on use (RFC 4861
    /// REACHABLE_TIME is 30 s).
    public var reachableTime: Nanoseconds = NetTime.seconds(30)
    /// Time between solicitations (RFC 4861 RETRANS_TIMER, 1 s).
    public var retransmitInterval: Nanoseconds = NetTime.seconds(1)
    /// Solicitations before giving up (RFC 4861 MAX_MULTICAST_SOLICIT, 3), after which waiting
    /// packets are dropped and connecting sockets fail with `EHOSTUNREACH`.
    public var maxProbes = 3
    /// Packets parked per unresolved address.
    public var queueLimit = 16
    /// Entries per cache.
    public var cacheLimit = 256
    /// How long an unused entry stays after it stopped being reachable.
    public var staleLifetime: Nanoseconds = NetTime.seconds(600)

    public init() {}
}
