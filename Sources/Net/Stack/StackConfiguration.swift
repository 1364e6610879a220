/// Everything tunable about a ``NetworkStack``. Defaults follow Linux where Linux has a
/// setting (`net.ipv4.tcp_*`), the RFCs otherwise; tests shorten the long timers.
public struct StackConfiguration: Sendable {
    /// Seeds the stack's ``SplitMix64``: ISNs, ephemeral ports, DHCP transaction IDs, jitter.
    /// The kernel passes RDRAND output; tests pass constants.
    public var randomSeed: UInt64 = 0x5EED
    public var tcp = TCPConfiguration()
    public var neighbor = NeighborConfiguration()
    /// How long an incomplete IPv4 datagram waits for its missing fragments (RFC 791 suggests
    /// 15 s; Linux `ipfrag_time` is 30 s).
    public var reassemblyTimeout: Nanoseconds = NetTime.seconds(30)
    /// Incomplete datagrams reassembled at once; more are dropped.
    public var reassemblyLimit = 16
    /// Frames an interface's transmit queue holds before new ones are dropped.
    public var transmitQueueLimit = 4096
    /// Default TTL / hop limit of outgoing packets.
    public var defaultTTL: UInt8 = 64
    /// Datagrams (UDP, ICMP echo) queued per socket at most, whatever the buffer size.
    public var datagramQueueLimit = 1024
    /// Default `SO_RCVBUF` / `SO_SNDBUF` of datagram sockets, in bytes.
    public var datagramBufferSize = 212_992
    /// ICMP errors (port unreachable) the stack sends per second at most (Linux
    /// `icmp_ratelimit` is one per second per destination; this is simpler and global).
    public var icmpErrorsPerSecond = 100
    /// Neighbour solicitations sent to check a new IPv6 address is unique (RFC 4862
    /// DupAddrDetectTransmits, 1); 0 skips duplicate address detection.
    public var duplicateAddressDetectionTransmits = 1
    /// Router solicitations sent when IPv6 starts (RFC 4861 MAX_RTR_SOLICITATIONS, 3) and their
    /// spacing (RTR_SOLICITATION_INTERVAL, 4 s).
    public var routerSolicitations = 3
    public var routerSolicitationInterval: Nanoseconds = NetTime.seconds(4)
    /// DHCP retransmission: the first wait and its cap (RFC 2131 §4.1: 4 s doubling to 64 s,
    /// each randomized by ±1 s), and how many REQUESTs go unanswered before starting over.
    public var dhcpInitialRetransmit: Nanoseconds = NetTime.seconds(4)
    public var dhcpMaximumRetransmit: Nanoseconds = NetTime.seconds(64)
    public var dhcpRequestAttempts = 4
    /// The shortest wait between retransmissions while renewing or rebinding (RFC 2131 §4.4.5: 60 s).
    public var dhcpMinimumRenewalRetransmit: Nanoseconds = NetTime.seconds(60)
    /// Ephemeral port range (Linux `ip_local_port_range`).
    public var ephemeralPorts: ClosedRange<UInt16> = 32768...60999

    public init() {}
}
