/// Stack-wide TCP counters, like the `Tcp:` line of `/proc/net/snmp`.
public struct TCPStatistics: Equatable, Sendable {
    public var activeOpens: UInt64 = 0
    public var passiveOpens: UInt64 = 0
    public var segmentsReceived: UInt64 = 0
    public var segmentsSent: UInt64 = 0
    /// Segments sent again after a timeout or during fast recovery.
    public var retransmittedSegments: UInt64 = 0
    public var fastRetransmits: UInt64 = 0
    public var timeouts: UInt64 = 0
    public var resetsSent: UInt64 = 0
    public var resetsReceived: UInt64 = 0
    public var challengeAcks: UInt64 = 0
    public var zeroWindowProbes: UInt64 = 0
    public var keepAliveProbes: UInt64 = 0
    public var outOfOrderSegments: UInt64 = 0

    public init() {}
}
