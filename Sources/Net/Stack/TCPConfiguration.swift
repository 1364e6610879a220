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
