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

/// TCP timers, buffers and features.
public struct TCPConfiguration: Sendable {
    /// RTO before any RTT sample (RFC 6298: 1 s).
    public var initialRTO: Nanoseconds = NetTime.seconds(1)
    /// Lower RTO bound (Linux 200 ms; RFC 6298 says 1 s, which hurts on fast links).
    public var minimumRTO: Nanoseconds = NetTime.milliseconds(200)
    /// Upper RTO bound (Linux `TCP_RTO_MAX`, 120 s).
    public var maximumRTO: Nanoseconds = NetTime.seconds(120)
    /// SYN retransmissions before `connect` fails with `ETIMEDOUT` (Linux `tcp_syn_retries`).
    public var synRetries = 6
    /// SYN-ACK retransmissions before a half-open connection is dropped (`tcp_synack_retries`).
    public var synAckRetries = 5
    /// Data retransmissions before the connection fails with `ETIMEDOUT` (`tcp_retries2`).
    public var maxRetransmissions = 15
    /// Delayed-ACK timeout (Linux ~40 ms; RFC 5681 allows up to 500 ms).
    public var delayedAckTimeout: Nanoseconds = NetTime.milliseconds(40)
    /// TIME-WAIT duration, 2*MSL (Linux: 60 s).
    public var timeWaitDuration: Nanoseconds = NetTime.seconds(60)
    /// How long a closed socket waits in FIN-WAIT-2 for the peer's FIN (`tcp_fin_timeout`).
    public var finWait2Timeout: Nanoseconds = NetTime.seconds(60)
    /// Default `TCP_KEEPIDLE`, `TCP_KEEPINTVL`, `TCP_KEEPCNT` (Linux: 7200 s, 75 s, 9).
    public var keepAliveIdle: Nanoseconds = NetTime.seconds(7200)
    public var keepAliveInterval: Nanoseconds = NetTime.seconds(75)
    public var keepAliveCount = 9
    /// Default receive and send buffer sizes in bytes.
    public var receiveBufferSize = 262_144
    public var sendBufferSize = 262_144
    /// Largest buffer `SO_RCVBUF`/`SO_SNDBUF` may ask for; the window scale advertised in the
    /// SYN is chosen so that a buffer this large can be offered.
    public var maximumBufferSize = 4 << 20
    /// Initial congestion window in segments (RFC 6928).
    public var initialWindowSegments = 10
    /// SYN_RCVD connections a listener holds beyond its accept queue (`tcp_max_syn_backlog`).
    public var synQueueLimit = 256
    /// Largest `listen` backlog (`somaxconn`).
    public var maximumBacklog = 4096
    /// Offer RFC 7323 timestamps, RFC 7323 window scaling and RFC 2018 SACK.
    public var timestamps = true
    public var windowScaling = true
    public var selectiveAcknowledgments = true
    /// Maximum interval between zero-window probes.
    public var maximumPersistInterval: Nanoseconds = NetTime.seconds(60)

    public init() {}
}
