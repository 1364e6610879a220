/// A TCP endpoint: listener, connection, or a connection being closed after the application
/// let go of it. Holds the transmission control block of RFC 9293 §3.3.1 plus the buffers,
/// timers and congestion state; the protocol logic that drives it lives in the
/// `NetworkStack+TCP*.swift` extensions, which have the routes and queues it needs.
final class TCPSocket: SocketBase {
    var state: TCPState = .closed
    /// The peer, unmapped. Meaningful from `connect`/SYN on.
    var remoteAddress: IPAddress = .v4(.any)
    var remotePort: UInt16 = 0
    /// The interface of a link-local peer (`sin6_scope_id`); 0 otherwise.
    var scopeID: UInt32 = 0
    var inConnectionTable = false
    /// Set once the connection reached ESTABLISHED: `recv` then reports end of stream rather
    /// than `ENOTCONN` after it closes.
    var wasConnected = false
    /// A connection the application asked for with `connect` (not one accepted).
    var isActiveOpen = false

    // MARK: Listener

    var backlog = 0
    /// Half-open connections (SYN-RECEIVED) of a listener.
    var synQueue: [TCPSocket] = []
    /// Established connections waiting for `accept`.
    var acceptQueue: [TCPSocket] = []
    /// The listener of a connection that has not been accepted yet. A strong reference: it is
    /// cleared on `accept` or when either side goes away, which breaks the cycle.
    var listener: TCPSocket?

    // MARK: Send sequence space (RFC 9293 §3.3.1)

    var iss: UInt32 = 0
    var sndUna: UInt32 = 0
    var sndNxt: UInt32 = 0
    /// The highest sequence number sent so far; `sndNxt` drops below it after a timeout.
    var sndMax: UInt32 = 0
    /// The peer's window in bytes, scaled.
    var sndWnd = 0
    var maxSndWnd = 0
    var sndWl1: UInt32 = 0
    var sndWl2: UInt32 = 0
    /// Unacknowledged and unsent data; its first byte has sequence number `sendBufferSeq`.
    var sendBuffer: ByteRing
    var sendBufferSeq: UInt32 = 0
    /// The application finished sending (`shutdown(SHUT_WR)` or `close`): a FIN follows the data.
    var finQueued = false
    /// The FIN went out at least once.
    var finSent = false
    /// Where the FIN sits in sequence space once queued.
    var finSequence: UInt32 { sendBufferSeq &+ UInt32(truncatingIfNeeded: sendBuffer.count) }

    // MARK: Receive sequence space

    var irs: UInt32 = 0
    var rcvNxt: UInt32 = 0
    /// The right edge of the window last advertised; never moved left (RFC 9293 §3.8.6.2.2).
    var rcvAdvertisedRight: UInt32 = 0
    var receiveBuffer: ByteRing
    var outOfOrder = TCPReassemblyQueue()
    var finReceived = false
    /// `shutdown(SHUT_RD)`: reads return end of stream, arriving data is discarded.
    var readShutdown = false

    // MARK: Negotiated options

    /// The largest payload the peer accepts (its MSS option, bounded by our MTU), before
    /// per-segment options.
    var sendMSS = 536
    /// The MSS we advertised.
    var receiveMSS = 536
    /// Shift applied to windows the peer sends (its window scale option).
    var sendWindowShift: UInt8 = 0
    /// Shift applied to windows we send (our option, if the peer also sent one).
    var receiveWindowShift: UInt8 = 0
    /// Both sides sent the window scale option, so both shifts apply (RFC 7323 §2.2).
    var windowScaleAgreed = false
    var timestampsEnabled = false
    var tsRecent: UInt32 = 0
    var lastAckSent: UInt32 = 0
    /// Random per-connection offset of our timestamp clock (RFC 7323 §7.1).
    var timestampOffset: UInt32 = 0
    var sackEnabled = false

    // MARK: Round-trip time and retransmission (RFC 6298)

    var srtt: Nanoseconds = 0
    var rttvar: Nanoseconds = 0
    var hasRTTSample = false
    var rto: Nanoseconds
    /// Segment being timed when timestamps are off (Karn's algorithm applies).
    var rttTimedSequence: UInt32?
    var rttTimedSince: Nanoseconds = 0
    /// Consecutive retransmission timeouts; reset by new acknowledgments.
    var retransmissionCount = 0

    // MARK: Congestion control (RFC 5681, RFC 6582, SACK-based hole selection)

    var cwnd = 0
    var ssthresh = Int.max / 2
    var dupAcks = 0
    var inRecovery = false
    /// `SND.MAX` when recovery started (RFC 6582 "recover").
    var recover: UInt32 = 0
    /// Everything below this was retransmitted in the current recovery already.
    var highRetransmitted: UInt32 = 0
    var scoreboard = SACKScoreboard()

    // MARK: Acknowledgments

    /// Send an ACK with the next output, without waiting.
    var ackNow = false
    var delayedAckDeadline: Nanoseconds?
    /// Full-sized segments received since the last ACK (every second one is acknowledged
    /// at once, RFC 5681 §4.2).
    var unackedSegments = 0

    // MARK: Timers

    var retransmitDeadline: Nanoseconds?
    var persistDeadline: Nanoseconds?
    var persistBackoff = 0
    var keepAliveDeadline: Nanoseconds?
    var keepAliveProbes = 0
    /// TIME-WAIT expiry, or the FIN-WAIT-2 timeout of a closed socket.
    var closeDeadline: Nanoseconds?
    var lastReceived: Nanoseconds = 0
    /// Unanswered zero-window probes.
    var persistProbes = 0
    /// An ICMP error seen while connecting or retransmitting; reported instead of `ETIMEDOUT`
    /// if the connection times out (RFC 1122 §4.2.3.9 "soft errors").
    var softError: NetError?

    // MARK: Options

    var noDelay = false
    var cork = false
    var keepAliveEnabled = false
    var keepAliveIdle: Nanoseconds
    var keepAliveInterval: Nanoseconds
    var keepAliveCount: Int
    var linger: Linger?
    /// `SO_RCVBUF` / `SO_SNDBUF` as set (the buffers' limits).
    var receiveBufferSize: Int
    var sendBufferSize: Int

    init(domain: SocketDomain, configuration: TCPConfiguration) {
        receiveBufferSize = configuration.receiveBufferSize
        sendBufferSize = configuration.sendBufferSize
        sendBuffer = ByteRing(limit: configuration.sendBufferSize)
        // The window, not the ring, bounds received data: it is sized from
        // `receiveBufferSize`, and a window already offered must still be honoured after
        // SO_RCVBUF shrinks, so the ring's own limit is only a safety cap.
        receiveBuffer = ByteRing(limit: 2 &* configuration.maximumBufferSize)
        rto = configuration.initialRTO
        keepAliveIdle = configuration.keepAliveIdle
        keepAliveInterval = configuration.keepAliveInterval
        keepAliveCount = configuration.keepAliveCount
        super.init(domain: domain, protocol: .tcp)
    }

    override var tcp: TCPSocket? { self }

    /// A connection for a SYN arriving at `listener`, inheriting its options.
    convenience init(child listener: TCPSocket, configuration: TCPConfiguration) {
        self.init(domain: listener.domain, configuration: configuration)
        reuseAddress = listener.reuseAddress
        reusePort = listener.reusePort
        v6Only = listener.v6Only
        hopLimit = listener.hopLimit
        noDelay = listener.noDelay
        keepAliveEnabled = listener.keepAliveEnabled
        keepAliveIdle = listener.keepAliveIdle
        keepAliveInterval = listener.keepAliveInterval
        keepAliveCount = listener.keepAliveCount
        linger = listener.linger
        receiveBufferSize = listener.receiveBufferSize
        sendBufferSize = listener.sendBufferSize
        sendBuffer.limit = listener.sendBufferSize
        self.listener = listener
        userOwned = false
    }

    // MARK: Derived values

    /// Payload bytes per full-sized segment after the options every segment carries.
    var effectiveMSS: Int { Swift.max(1, sendMSS &- (timestampsEnabled ? 12 : 0)) }

    /// Bytes (and SYN/FIN) sent but not acknowledged.
    var bytesInFlight: Int { sndNxt.seqDistance(from: sndUna) }

    /// Buffered data not yet sent at `sndNxt`.
    var unsentBytes: Int {
        let offset = sndNxt.seqDistance(from: sendBufferSeq)
        return Swift.max(0, sendBuffer.count &- offset)
    }

    /// Whether the application may write: room in the send buffer, by Linux's rule of at
    /// least a third of the buffer free (`sk_stream_is_writeable`), so a writer woken by
    /// `POLLOUT` can make progress.
    var hasSendSpace: Bool {
        let free = sendBuffer.freeSpace
        return free > 0 && free >= sendBuffer.count / 2
    }

    /// Data the application can read now (or an end of stream to report).
    var hasReadableData: Bool { !receiveBuffer.isEmpty }

    /// A connection in a state where the application sees it as closed for good.
    /// The earliest of the connection's timers.
    var nextDeadline: Nanoseconds? {
        retransmitDeadline.earliest(persistDeadline).earliest(keepAliveDeadline).earliest(closeDeadline)
            .earliest(delayedAckDeadline)
    }

    var wasConnectedOrTried: Bool { wasConnected || isActiveOpen }
}
