/// TCP connection life cycle: active open, the application's reads and writes, timers, and
/// the ways a connection ends.
extension NetworkStack {
    // MARK: Opening

    func tcpOpenActive(_ t: TCPSocket, key: ConnectionKey, route decision: RouteDecision) {
        t.iss = initialSequenceNumber(key)
        t.sndUna = t.iss
        t.sndNxt = t.iss
        t.sndMax = t.iss
        t.sendBufferSeq = t.iss &+ 1
        t.recover = t.iss
        t.receiveMSS = maximumTransportPayload(decision) &- TCPSegment.headerSize
        t.sendMSS = Swift.min(decision.source.isV4 ? 536 : 1220, t.receiveMSS)
        t.receiveWindowShift = configuration.tcp.windowScaling ? offeredWindowShift : 0
        t.timestampOffset = UInt32(truncatingIfNeeded: random.next())
        t.rto = configuration.tcp.initialRTO
        t.retransmissionCount = 0
        t.finReceived = false
        t.finQueued = false
        t.finSent = false
        t.state = .synSent
        connections.insert(key, t)
        t.inConnectionTable = true
        tcpStatistics.activeOpens &+= 1
        tcpSendSYN(t)
        t.retransmitDeadline = now &+ t.rto
        notify(t)
        flushLoopback()
    }

    // MARK: Application data

    func tcpSend(_ t: TCPSocket, _ bytes: UnsafeRawBufferPointer, flags: MessageFlags) throws(NetError) -> Int {
        if let error = t.pendingError {
            t.pendingError = nil
            throw error
        }
        switch t.state {
        case .synSent, .synReceived: throw .wouldBlock
        case .established, .closeWait: break
        default: throw .brokenPipe
        }
        guard !t.finQueued else { throw .brokenPipe }
        guard bytes.count > 0 else { return 0 }
        let n = t.sendBuffer.append(bytes)
        guard n > 0 else { throw .wouldBlock }
        let corked = t.cork
        if flags.contains(.more) { t.cork = true }
        tcpOutput(t)
        t.cork = corked
        flushLoopback()
        return n
    }

    func tcpReceive(_ t: TCPSocket, into buffer: UnsafeMutableRawBufferPointer, peek: Bool) throws(NetError) -> Int {
        if t.state == .listen { throw .notConnected }
        if !t.receiveBuffer.isEmpty {
            if peek { return t.receiveBuffer.peek(from: 0, into: buffer) }
            let n = t.receiveBuffer.read(into: buffer)
            if n > 0 {
                tcpReceiveWindowUpdate(t)
                flushLoopback()
            }
            return n
        }
        if buffer.count == 0 { return 0 }
        if t.readShutdown || t.finReceived { return 0 }
        if let error = t.pendingError {
            t.pendingError = nil
            throw error
        }
        switch t.state {
        case .closed:
            if t.wasConnected { return 0 }
            throw .notConnected
        default:
            throw .wouldBlock
        }
    }

    /// After the application read: tell the peer when the window grew enough to matter
    /// (receiver SWS avoidance, RFC 1122 §4.2.3.3), in particular when it reopens from zero.
    func tcpReceiveWindowUpdate(_ t: TCPSocket) {
        guard t.state.canReceiveData else { return }
        let potential = t.rcvNxt &+ UInt32(truncatingIfNeeded: Swift.max(0, t.receiveBufferSize &- t.receiveBuffer.count))
        let growth = potential.seqDistance(from: t.rcvAdvertisedRight)
        if growth >= Swift.min(t.receiveBufferSize / 2, t.receiveMSS) && growth >= 1 << Int(t.receiveWindowShift) {
            tcpSendAck(t)
        }
    }

    /// The application is done sending: a FIN follows the queued data (RFC 9293 §3.10.4).
    func tcpQueueFIN(_ t: TCPSocket) {
        guard !t.finQueued else { return }
        switch t.state {
        case .established: t.state = .finWait1
        case .closeWait: t.state = .lastAck
        case .synReceived: t.state = .finWait1
        default: return
        }
        t.finQueued = true
        tcpOutput(t)
    }

    // MARK: Timers

    func tcpTimers(_ t: TCPSocket) {
        if let d = t.delayedAckDeadline, d <= now {
            t.delayedAckDeadline = nil
            if t.state != .closed { tcpSendAck(t) }
        }
        if let d = t.retransmitDeadline, d <= now {
            t.retransmitDeadline = nil
            tcpRetransmissionTimeout(t)
        }
        if t.state == .closed { return }
        if let d = t.persistDeadline, d <= now {
            t.persistDeadline = nil
            tcpPersistTimeout(t)
        }
        if t.state == .closed { return }
        if let d = t.keepAliveDeadline, d <= now {
            t.keepAliveDeadline = nil
            tcpKeepAliveTimeout(t)
        }
        if t.state == .closed { return }
        if let d = t.closeDeadline, d <= now {
            t.closeDeadline = nil
            if t.state == .timeWait || t.state == .finWait2 {
                tcpEnterClosed(t, error: nil)
            }
        }
    }

    /// RFC 6298 §5.4–5.7: retransmit the earliest unacknowledged segment, back off the RTO;
    /// RFC 5681 §3.1: collapse the congestion window to one segment.
    func tcpRetransmissionTimeout(_ t: TCPSocket) {
        tcpStatistics.timeouts &+= 1
        t.retransmissionCount &+= 1
        t.rttTimedSequence = nil
        t.rto = Swift.min(t.rto &* 2, configuration.tcp.maximumRTO)
        switch t.state {
        case .synSent:
            if t.retransmissionCount > configuration.tcp.synRetries {
                return tcpAbort(t, error: t.softError ?? .timedOut, sendReset: false)
            }
            tcpStatistics.retransmittedSegments &+= 1
            tcpSendSYN(t)
            t.retransmitDeadline = now &+ t.rto
        case .synReceived:
            if t.retransmissionCount > configuration.tcp.synAckRetries {
                return tcpAbort(t, error: t.listener == nil ? .timedOut : nil, sendReset: false)
            }
            tcpStatistics.retransmittedSegments &+= 1
            tcpSendSYN(t)
            t.retransmitDeadline = now &+ t.rto
        case .established, .closeWait, .finWait1, .closing, .lastAck:
            if t.retransmissionCount > configuration.tcp.maxRetransmissions {
                return tcpAbort(t, error: t.softError ?? .timedOut, sendReset: true)
            }
            let mss = t.effectiveMSS
            t.ssthresh = Swift.max(t.sndMax.seqDistance(from: t.sndUna) / 2, 2 &* mss)
            t.cwnd = mss
            t.inRecovery = false
            t.dupAcks = 0
            t.recover = t.sndMax
            t.scoreboard.removeAll()  // the receiver may have reneged (RFC 2018 §8)
            t.highRetransmitted = t.sndUna
            t.sndNxt = t.sndUna
            tcpOutput(t, force: true)
            // With the peer's window closed nothing went out and the persist timer runs instead.
            t.retransmitDeadline = t.bytesInFlight > 0 ? now &+ t.rto : nil
        default:
            break
        }
    }

    /// The persist timer: probe a zero window, or send into a window too small for the
    /// sender's silly-window rule once the timer says waiting longer is pointless.
    func tcpPersistTimeout(_ t: TCPSocket) {
        guard t.state == .established || t.state == .closeWait, t.unsentBytes > 0 || (t.finQueued && !t.finSent) else { return }
        if t.sndWnd > 0 {
            tcpOutput(t, force: true)
            return
        }
        t.persistProbes &+= 1
        if t.persistProbes > configuration.tcp.maxRetransmissions {
            return tcpAbort(t, error: .timedOut, sendReset: true)
        }
        tcpStatistics.zeroWindowProbes &+= 1
        tcpSendProbe(t)
        t.persistBackoff &+= 1
        t.persistDeadline = now &+ persistInterval(t)
    }

    func tcpKeepAliveTimeout(_ t: TCPSocket) {
        guard t.keepAliveEnabled, t.state == .established || t.state == .closeWait else { return }
        if t.bytesInFlight > 0 {
            // Retransmission already watches the peer.
            t.keepAliveDeadline = now &+ t.keepAliveIdle
            return
        }
        if t.keepAliveProbes >= t.keepAliveCount {
            return tcpAbort(t, error: .timedOut, sendReset: true)
        }
        t.keepAliveProbes &+= 1
        tcpStatistics.keepAliveProbes &+= 1
        tcpSendProbe(t)
        t.keepAliveDeadline = now &+ t.keepAliveInterval
    }

    // MARK: Ending

    /// Ends the connection at once: optionally with a reset, recording `error` for the
    /// application.
    func tcpAbort(_ t: TCPSocket, error: NetError?, sendReset: Bool) {
        if sendReset && (t.state.isSynchronized || t.state == .synReceived) && t.state != .timeWait {
            tcpSendConnectionReset(t)
        }
        tcpEnterClosed(t, error: error)
    }

    /// CLOSED: out of the connection table, timers off; released entirely when nobody holds it.
    func tcpEnterClosed(_ t: TCPSocket, error: NetError?) {
        if let error { t.pendingError = error }
        t.state = .closed
        if t.inConnectionTable {
            connections.remove(connectionKey(t), t)
            t.inConnectionTable = false
        }
        t.retransmitDeadline = nil
        t.persistDeadline = nil
        t.keepAliveDeadline = nil
        t.delayedAckDeadline = nil
        t.closeDeadline = nil
        t.ackNow = false
        t.sendBuffer.removeAll()
        t.outOfOrder.removeAll()
        t.scoreboard.removeAll()
        if let l = t.listener, let index = l.synQueue.firstIndex(where: { $0 === t }) {
            l.synQueue.remove(at: index)
            t.listener = nil
        }
        if !t.userOwned && t.listener == nil {
            releaseTCP(t)
        } else if !t.explicitlyBound {
            removeFromPortIndex(t)
        }
        notify(t)
    }

    func connectionKey(_ t: TCPSocket) -> ConnectionKey {
        ConnectionKey(localAddress: t.localAddress, localPort: t.localPort, remoteAddress: t.remoteAddress, remotePort: t.remotePort)
    }

    /// Removes a TCP socket from every table.
    func releaseTCP(_ t: TCPSocket) {
        if t.inConnectionTable {
            connections.remove(connectionKey(t), t)
            t.inConnectionTable = false
        }
        if let l = t.listener {
            l.synQueue.removeAll { $0 === t }
            l.acceptQueue.removeAll { $0 === t }
            t.listener = nil
        }
        t.receiveBuffer.removeAll()
        t.sendBuffer.removeAll()
        release(t)
    }

    /// Stops listening: pending connections are reset and released.
    func tcpCloseListener(_ l: TCPSocket) {
        let pending = l.synQueue + l.acceptQueue
        l.synQueue = []
        l.acceptQueue = []
        for c in pending {
            c.listener = nil
            tcpAbort(c, error: nil, sendReset: true)
            releaseTCP(c)
        }
        l.state = .closed
        if !l.explicitlyBound { removeFromPortIndex(l) }
        notify(l)
    }
}

extension NetworkStack {
    /// Whether some TCP connection holds data or a FIN the peer has not acknowledged yet: what
    /// powering the machine off now would lose.
    public var hasUnacknowledgedData: Bool {
        connections.contains { socket in
            switch socket.state {
            case .established, .closeWait: socket.sendBuffer.count > 0
            case .finWait1, .closing, .lastAck: true
            default: false
            }
        }
    }
}
