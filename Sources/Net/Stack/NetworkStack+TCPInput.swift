/// TCP input: demultiplexing, the listener's SYN handling, and segment processing per
/// RFC 9293 §3.10.7 with the RFC 7323 (PAWS), RFC 5961 (challenge ACKs), RFC 2018 (SACK),
/// RFC 5681/6582 (congestion control, NewReno) and RFC 6298 (RTO) additions.
extension NetworkStack {
    func tcpInput(_ view: PacketView, source: IPAddress, destination: IPAddress, on i: Interface) {
        if !receivedChecksumsVerified {
            var sum = InternetChecksum.pseudoHeader(
                source: source, destination: destination, protocol: IPv4Header.protocolTCP, length: view.count)
            sum.add(view)
            guard sum.value == 0 else { return drop(.tcpBadChecksum, on: i) }
        }
        let segment: TCPSegment
        do { segment = try TCPSegment(parsing: view) } catch { return drop(error, on: i) }
        tcpStatistics.segmentsReceived &+= 1
        let key = ConnectionKey(
            localAddress: destination, localPort: segment.destinationPort, remoteAddress: source,
            remotePort: segment.sourcePort)
        if let t = connections.lookup(key) {
            // A new SYN for a connection in TIME-WAIT starts a new incarnation when its sequence
            // number is beyond the old one (RFC 9293 §3.6.1, as Linux does).
            if t.state == .timeWait && segment.flags.contains(.syn) && !segment.flags.contains(.ack)
                && !segment.flags.contains(.rst) && segment.sequence.seqGreater(t.rcvNxt),
                let listener = findListener(destination, port: segment.destinationPort, source: source, sourcePort: segment.sourcePort)
            {
                tcpEnterClosed(t, error: nil)
                releaseTCP(t)
                tcpListenInput(listener, segment, key: key, on: i)
                return
            }
            tcpProcess(t, segment, on: i)
            notify(t)
            return
        }
        if let listener = findListener(destination, port: segment.destinationPort, source: source, sourcePort: segment.sourcePort) {
            tcpListenInput(listener, segment, key: key, on: i)
            return
        }
        drop(.tcpNoSocket, on: i)
        tcpSendReset(answering: segment, local: destination, remote: source)
    }

    /// The listener for a SYN to `address:port`: an exact address beats the wildcard; within a
    /// `SO_REUSEPORT` group the four-tuple hash picks one.
    func findListener(_ address: IPAddress, port: UInt16, source: IPAddress, sourcePort: UInt16) -> TCPSocket? {
        var exact: [TCPSocket] = []
        var wildcard: [TCPSocket] = []
        for s in tcpPorts.sockets(on: port) {
            guard let t = s.tcp, t.state == .listen, t.localMatches(address) else { continue }
            if t.localAddress.isUnspecified { wildcard.append(t) } else { exact.append(t) }
        }
        let group = exact.isEmpty ? wildcard : exact
        guard !group.isEmpty else { return nil }
        if group.count == 1 { return group[0] }
        let h = SplitMix64.mix(source.hashWord ^ UInt64(sourcePort) << 17)
        return group[Int(h % UInt64(group.count))]
    }

    // MARK: Listener

    func tcpListenInput(_ l: TCPSocket, _ segment: TCPSegment, key: ConnectionKey, on i: Interface) {
        if segment.flags.contains(.rst) { return }
        if segment.flags.contains(.ack) {
            tcpSendReset(answering: segment, local: key.localAddress, remote: key.remoteAddress)
            return
        }
        guard segment.flags.contains(.syn), !segment.flags.contains(.fin) else { return drop(.tcpMalformed, on: i) }
        guard l.acceptQueue.count <= l.backlog, l.synQueue.count < configuration.tcp.synQueueLimit else {
            return drop(.tcpListenOverflow, on: i)
        }
        let scope: UInt32 = key.remoteAddress.mappedToV6.isLinkLocal ? i.id.rawValue : 0
        guard let decision = route(to: key.remoteAddress, source: key.localAddress, scopeID: scope) else {
            return drop(.noRoute, on: i)
        }
        let c = TCPSocket(child: l, configuration: configuration.tcp)
        c.localAddress = key.localAddress
        c.localPort = key.localPort
        c.remoteAddress = key.remoteAddress
        c.remotePort = key.remotePort
        c.scopeID = scope
        _ = sockets.insert(c)
        addToPortIndex(c)
        c.irs = segment.sequence
        c.rcvNxt = segment.sequence &+ 1
        c.rcvAdvertisedRight = c.rcvNxt
        c.iss = initialSequenceNumber(key)
        c.sndUna = c.iss
        c.sndNxt = c.iss
        c.sndMax = c.iss
        c.sendBufferSeq = c.iss &+ 1
        c.recover = c.iss
        c.timestampOffset = UInt32(truncatingIfNeeded: random.next())
        negotiateOptions(c, peer: segment.options, route: decision)
        c.sndWnd = Int(segment.window)
        c.maxSndWnd = c.sndWnd
        c.sndWl1 = segment.sequence
        c.sndWl2 = c.iss
        c.cwnd = initialWindow(c)
        c.lastReceived = now
        c.state = .synReceived
        connections.insert(key, c)
        c.inConnectionTable = true
        l.synQueue.append(c)
        tcpStatistics.passiveOpens &+= 1
        tcpSendSYN(c)
        c.retransmitDeadline = now &+ c.rto
    }

    /// Applies the options of the peer's SYN: MSS, window scaling, timestamps, SACK.
    func negotiateOptions(_ t: TCPSocket, peer: TCPOptions, route decision: RouteDecision) {
        let ourLimit = maximumTransportPayload(decision) &- TCPSegment.headerSize
        t.receiveMSS = ourLimit
        let peerMSS = Int(peer.mss ?? (decision.source.isV4 ? 536 : 1220))
        t.sendMSS = Swift.max(64, Swift.min(peerMSS, ourLimit))
        if configuration.tcp.windowScaling, let shift = peer.windowScale {
            t.windowScaleAgreed = true
            t.sendWindowShift = shift
            t.receiveWindowShift = offeredWindowShift
        } else {
            t.windowScaleAgreed = false
            t.sendWindowShift = 0
            t.receiveWindowShift = 0
        }
        if configuration.tcp.timestamps, let value = peer.timestampValue {
            t.timestampsEnabled = true
            t.tsRecent = value
        } else {
            t.timestampsEnabled = false
        }
        t.sackEnabled = configuration.tcp.selectiveAcknowledgments && peer.sackPermitted
        t.cwnd = initialWindow(t)
    }

    // MARK: Connections

    func tcpProcess(_ t: TCPSocket, _ segment: TCPSegment, on i: Interface) {
        t.lastReceived = now
        // A peer that keeps answering zero-window probes keeps a connection alive forever;
        // for one the application has closed, the probes are counted anyway (Linux's
        // `tcp_orphan_retries` idea), so it cannot pin memory indefinitely.
        if t.userOwned || t.listener != nil { t.persistProbes = 0 }
        if t.state == .synSent { return tcpSynSentInput(t, segment) }
        let flags = segment.flags
        if t.keepAliveEnabled {
            t.keepAliveProbes = 0
            t.keepAliveDeadline = now &+ t.keepAliveIdle
        }

        // A duplicate of the peer's SYN while our SYN-ACK is outstanding: send it again.
        if t.state == .synReceived && flags.contains(.syn) && !flags.contains(.ack) && segment.sequence == t.irs {
            tcpSendSYN(t)
            return
        }

        // PAWS (RFC 7323 §5.3): an older timestamp marks an old duplicate.
        if t.timestampsEnabled, let value = segment.options.timestampValue, !flags.contains(.rst),
            value.seqLess(t.tsRecent)
        {
            drop(.tcpOutOfWindow, on: i)
            tcpSendAck(t)
            return
        }

        // Acceptability (RFC 9293 §3.10.7.4, first check).
        let length = segment.sequenceLength
        let window = t.rcvAdvertisedRight.seqDistance(from: t.rcvNxt)
        let seq = segment.sequence
        let right = t.rcvNxt &+ UInt32(truncatingIfNeeded: window)
        func inWindow(_ s: UInt32) -> Bool { s.seqGreaterOrEqual(t.rcvNxt) && s.seqLess(right) }
        var acceptable: Bool
        if length == 0 {
            acceptable = window == 0 ? seq == t.rcvNxt : inWindow(seq)
        } else {
            acceptable = window > 0 && (inWindow(seq) || inWindow(seq &+ UInt32(truncatingIfNeeded: length &- 1)))
        }
        // With a zero window, ACKs and RSTs at RCV.NXT are still processed (RFC 9293 §3.10.7.4),
        // and so is a bare FIN there, which needs no buffer space (as Linux does).
        var controlOnly = false
        if !acceptable && window == 0 && seq == t.rcvNxt {
            acceptable = true
            controlOnly = true
        }
        guard acceptable else {
            if !flags.contains(.rst) {
                if t.state == .timeWait && flags.contains(.fin) {
                    t.closeDeadline = now &+ configuration.tcp.timeWaitDuration
                }
                tcpSendAck(t)
            }
            return drop(.tcpOutOfWindow, on: i)
        }

        // RST (RFC 5961 §3): only an exact match resets; others in the window get a challenge.
        if flags.contains(.rst) {
            if t.state == .timeWait {
                return  // RFC 1337: a reset must not cut TIME-WAIT short
            }
            if seq == t.rcvNxt {
                tcpStatistics.resetsReceived &+= 1
                tcpReceivedReset(t)
            } else {
                tcpStatistics.challengeAcks &+= 1
                tcpSendAck(t)
            }
            return
        }

        if t.timestampsEnabled, let value = segment.options.timestampValue, seq.seqLessOrEqual(t.lastAckSent) {
            t.tsRecent = value
        }

        // A SYN in a synchronized state (RFC 5961 §4): challenge ACK, never a reset.
        if flags.contains(.syn) {
            tcpStatistics.challengeAcks &+= 1
            tcpSendAck(t)
            return
        }
        guard flags.contains(.ack) else { return }

        if t.state == .synReceived {
            guard segment.acknowledgment.seqGreater(t.sndUna), segment.acknowledgment.seqLessOrEqual(t.sndMax) else {
                tcpSendBare(
                    local: t.localAddress, localPort: t.localPort, remote: t.remoteAddress, remotePort: t.remotePort,
                    sequence: segment.acknowledgment, acknowledgment: 0, flags: .rst, scopeID: t.scopeID)
                return
            }
            if let l = t.listener, l.acceptQueue.count > l.backlog {
                // The accept queue is full: ignore the ACK; the SYN-ACK is retransmitted later
                // and the client's next ACK may find room (Linux's default behaviour).
                drop(.tcpListenOverflow, on: i)
                return
            }
            tcpEstablished(t)
            t.sndWnd = Int(segment.window) << Int(t.sendWindowShift)
            t.maxSndWnd = Swift.max(t.maxSndWnd, t.sndWnd)
            t.sndWl1 = seq
            t.sndWl2 = segment.acknowledgment
            if let l = t.listener {
                l.synQueue.removeAll { $0 === t }
                l.acceptQueue.append(t)
                notify(l)
            }
        }

        if segment.acknowledgment.seqGreater(t.sndMax) {
            tcpSendAck(t)
            return
        }
        tcpProcessAck(t, segment)
        if t.state == .closed { return }

        // Trim to the window.
        var payload = controlOnly ? PacketView(bytes: [], start: 0, count: 0) : segment.payload
        var fin = flags.contains(.fin) && (!controlOnly || segment.payload.count == 0)
        var start = seq
        if start.seqLess(t.rcvNxt) {
            let skip = t.rcvNxt.seqDistance(from: start)
            if skip > payload.count {
                fin = false
                payload = payload.dropFirst(payload.count)
            } else {
                payload = payload.dropFirst(skip)
            }
            start = t.rcvNxt
        }
        let room = right.seqDistance(from: start)
        if payload.count > room {
            payload = payload.prefix(room)
            fin = false
        }
        if payload.count > 0 || fin { tcpReceiveData(t, sequence: start, payload: payload, fin: fin) }
        if t.state == .closed { return }
        tcpOutput(t)
    }

    /// Segment processing in SYN-SENT (RFC 9293 §3.10.7.3).
    func tcpSynSentInput(_ t: TCPSocket, _ segment: TCPSegment) {
        let flags = segment.flags
        let hasAck = flags.contains(.ack)
        if hasAck && (segment.acknowledgment.seqLessOrEqual(t.iss) || segment.acknowledgment.seqGreater(t.sndMax)) {
            if !flags.contains(.rst) {
                tcpSendBare(
                    local: t.localAddress, localPort: t.localPort, remote: t.remoteAddress, remotePort: t.remotePort,
                    sequence: segment.acknowledgment, acknowledgment: 0, flags: .rst, scopeID: t.scopeID)
            }
            return
        }
        if flags.contains(.rst) {
            if hasAck {
                tcpStatistics.resetsReceived &+= 1
                tcpAbort(t, error: .connectionRefused, sendReset: false)
            }
            return
        }
        guard flags.contains(.syn) else { return }
        guard let decision = route(to: t.remoteAddress, source: t.localAddress, scopeID: t.scopeID) else { return }
        t.irs = segment.sequence
        t.rcvNxt = segment.sequence &+ 1
        negotiateOptions(t, peer: segment.options, route: decision)
        t.rcvAdvertisedRight = t.rcvNxt &+ UInt32(truncatingIfNeeded: Swift.min(Swift.max(0, t.receiveBufferSize &- t.receiveBuffer.count), 65535))
        t.sndWnd = Int(segment.window)  // never scaled in a SYN (RFC 7323 §2.2)
        t.maxSndWnd = t.sndWnd
        t.sndWl1 = segment.sequence
        t.sndWl2 = segment.acknowledgment
        if hasAck {
            if t.timestampsEnabled, segment.options.timestampEcho != 0 {
                tcpRTTSample(t, timestampDelta(t, echo: segment.options.timestampEcho))
            } else if t.retransmissionCount == 0, t.rttTimedSequence != nil {
                tcpRTTSample(t, now &- t.rttTimedSince)
            }
            t.rttTimedSequence = nil
            t.sndUna = segment.acknowledgment
            t.retransmitDeadline = nil
            t.retransmissionCount = 0
            t.cwnd = initialWindow(t)
            tcpEstablished(t)
            if segment.payload.count > 0 || flags.contains(.fin) {
                tcpReceiveData(t, sequence: t.rcvNxt, payload: segment.payload, fin: flags.contains(.fin))
            }
            t.ackNow = true
            tcpOutput(t)
            notify(t)
        } else {
            // Simultaneous open.
            t.state = .synReceived
            tcpSendSYN(t)
        }
    }

    func tcpEstablished(_ t: TCPSocket) {
        t.state = .established
        t.wasConnected = true
        if t.retransmissionCount > 0 && !t.hasRTTSample {
            // The SYN or SYN-ACK was lost: start data with a 3 s RTO (RFC 6298 §5.7).
            t.rto = Swift.min(Swift.max(t.rto, NetTime.seconds(3)), configuration.tcp.maximumRTO)
        }
        if t.keepAliveEnabled { t.keepAliveDeadline = now &+ t.keepAliveIdle }
        notify(t)
    }

    /// The RTT implied by an echoed timestamp, in nanoseconds.
    func timestampDelta(_ t: TCPSocket, echo: UInt32) -> Nanoseconds {
        let ms = timestampClock(t) &- echo
        return Nanoseconds(ms > 0x7FFF_FFFF ? 0 : ms) &* 1_000_000
    }

    /// RFC 6298 §2: smoothed RTT and variance, RTO = SRTT + 4·RTTVAR, clamped.
    func tcpRTTSample(_ t: TCPSocket, _ sample: Nanoseconds) {
        let r = Swift.max(sample, 1000)
        if !t.hasRTTSample {
            t.srtt = r
            t.rttvar = r / 2
            t.hasRTTSample = true
        } else {
            let delta = t.srtt > r ? t.srtt &- r : r &- t.srtt
            t.rttvar = (3 &* t.rttvar &+ delta) / 4
            t.srtt = (7 &* t.srtt &+ r) / 8
        }
        let rto = t.srtt &+ Swift.max(NetTime.milliseconds(1), 4 &* t.rttvar)
        t.rto = Swift.min(Swift.max(rto, configuration.tcp.minimumRTO), configuration.tcp.maximumRTO)
    }

    /// The ACK field: new data acknowledged, duplicate ACKs and recovery, window updates, and
    /// the state changes an acknowledged FIN causes.
    func tcpProcessAck(_ t: TCPSocket, _ segment: TCPSegment) {
        let ack = segment.acknowledgment
        var newlySacked = false
        if t.sackEnabled && !segment.options.sackBlocks.isEmpty {
            let before = t.scoreboard.sackedBytes
            for block in segment.options.sackBlocks { t.scoreboard.add(block, una: t.sndUna, max: t.sndMax) }
            newlySacked = t.scoreboard.sackedBytes > before
        }
        var retransmitted = false
        let newWindow = Int(segment.window) << Int(t.sendWindowShift)
        let mss = t.effectiveMSS
        if ack.seqGreater(t.sndUna) {
            let acked = ack.seqDistance(from: t.sndUna)
            if t.timestampsEnabled, segment.options.timestampValue != nil, segment.options.timestampEcho != 0 {
                tcpRTTSample(t, timestampDelta(t, echo: segment.options.timestampEcho))
            } else if let timed = t.rttTimedSequence, ack.seqGreater(timed) {
                tcpRTTSample(t, now &- t.rttTimedSince)
                t.rttTimedSequence = nil
            }
            t.retransmissionCount = 0
            if ack.seqGreater(t.sendBufferSeq) {
                let dataAcked = Swift.min(ack.seqDistance(from: t.sendBufferSeq), t.sendBuffer.count)
                t.sendBuffer.discard(dataAcked)
                t.sendBufferSeq &+= UInt32(truncatingIfNeeded: dataAcked)
            }
            t.sndUna = ack
            if t.sndNxt.seqLess(ack) { t.sndNxt = ack }
            t.scoreboard.acknowledge(upTo: ack)
            if t.inRecovery {
                if ack.seqGreaterOrEqual(t.recover) {
                    // Full acknowledgment: leave recovery (RFC 6582 §3.2 step 3, option 1).
                    t.inRecovery = false
                    t.dupAcks = 0
                    t.cwnd = Swift.max(Swift.min(t.ssthresh, t.bytesInFlight &+ mss), mss)
                } else {
                    // Partial acknowledgment: the next hole was lost too.
                    tcpRetransmitNextHole(t, partialAck: true)
                    retransmitted = true
                    t.cwnd = Swift.max(t.cwnd &- acked &+ mss, mss)
                    t.retransmitDeadline = now &+ t.rto
                }
            } else {
                t.dupAcks = 0
                if t.cwnd < t.ssthresh {
                    t.cwnd &+= Swift.min(acked, mss)  // slow start
                } else {
                    t.cwnd &+= Swift.max(1, mss &* mss / Swift.max(t.cwnd, 1))  // congestion avoidance
                }
                t.cwnd = Swift.min(t.cwnd, 2 &* configuration.tcp.maximumBufferSize)
            }
            t.retransmitDeadline = t.sndUna == t.sndMax ? nil : now &+ t.rto
            notify(t)
            if t.finSent && ack.seqGreater(t.finSequence) {
                switch t.state {
                case .finWait1:
                    t.state = .finWait2
                    if !t.userOwned && t.listener == nil { t.closeDeadline = now &+ configuration.tcp.finWait2Timeout }
                case .closing:
                    tcpEnterTimeWait(t)
                case .lastAck:
                    tcpEnterClosed(t, error: nil)
                    return
                default:
                    break
                }
            }
        } else if ack == t.sndUna && segment.payload.count == 0
            && !segment.flags.contains(.syn) && !segment.flags.contains(.fin)
            && newWindow == t.sndWnd && t.sndMax != t.sndUna
        {
            // A duplicate ACK (RFC 5681 §2).
            t.dupAcks &+= 1
            if t.inRecovery {
                t.cwnd &+= mss  // inflation: one segment left the network
                tcpRetransmitNextHole(t, partialAck: false)
                retransmitted = true
            } else if t.dupAcks == 3 && ack.seqGreater(t.recover) {
                tcpEnterRecovery(t)
                retransmitted = true
            }
        }
        // SACK-based loss detection (RFC 6675 §5): three segments' worth SACKed above
        // SND.UNA means it was lost, even when the ACKs carry data and so are not duplicates
        // in the RFC 5681 sense (both directions busy). Each ACK with new SACK information
        // during recovery clocks out one more hole.
        if newlySacked && !retransmitted && t.state != .closed {
            if t.inRecovery {
                tcpRetransmitNextHole(t, partialAck: false)
            } else if t.scoreboard.sackedBytes >= 3 &* mss && t.sndUna.seqGreater(t.recover) {
                tcpEnterRecovery(t)
            }
        }
        // Window update (RFC 9293 §3.10.7.4: SND.WL1/SND.WL2 guard against old segments).
        if t.sndWl1.seqLess(segment.sequence) || (t.sndWl1 == segment.sequence && t.sndWl2.seqLessOrEqual(ack)) {
            if newWindow > t.sndWnd { notify(t) }
            t.sndWnd = newWindow
            t.maxSndWnd = Swift.max(t.maxSndWnd, newWindow)
            t.sndWl1 = segment.sequence
            t.sndWl2 = ack
            if newWindow > 0 {
                t.persistBackoff = 0
                if t.persistDeadline != nil && t.unsentBytes > 0 { t.persistDeadline = nil }
            }
        }
    }

    /// Fast retransmit (RFC 5681 §3.2, RFC 6582 §3.2 step 2).
    func tcpEnterRecovery(_ t: TCPSocket) {
        let mss = t.effectiveMSS
        let flight = t.sndMax.seqDistance(from: t.sndUna)
        t.ssthresh = Swift.max(flight / 2, 2 &* mss)
        t.recover = t.sndMax
        t.inRecovery = true
        t.highRetransmitted = t.sndUna
        tcpStatistics.fastRetransmits &+= 1
        tcpRetransmit(t, from: t.sndUna, length: mss)
        t.highRetransmitted = t.sndUna &+ UInt32(truncatingIfNeeded: mss)
        t.cwnd = t.ssthresh &+ 3 &* mss
        t.retransmitDeadline = now &+ t.rto
    }

    /// During recovery: resends the next range the peer is missing. With SACK that is the
    /// next hole below the highest SACKed byte not yet resent; without SACK (or on a partial
    /// ACK with no known hole) it is the segment at `SND.UNA`.
    func tcpRetransmitNextHole(_ t: TCPSocket, partialAck: Bool) {
        let from = t.highRetransmitted.seqMax(t.sndUna)
        if t.sackEnabled, let hole = t.scoreboard.nextHole(from: from) {
            let n = Swift.min(hole.length, t.effectiveMSS)
            tcpRetransmit(t, from: hole.start, length: n)
            t.highRetransmitted = hole.start &+ UInt32(truncatingIfNeeded: n)
            return
        }
        // The segment at SND.UNA, unless this recovery already resent it (SACK clocking may
        // have run ahead of the cumulative acknowledgment).
        if partialAck && t.sndUna.seqGreaterOrEqual(t.highRetransmitted) {
            tcpRetransmit(t, from: t.sndUna, length: t.effectiveMSS)
            t.highRetransmitted = t.highRetransmitted.seqMax(t.sndUna &+ UInt32(truncatingIfNeeded: t.effectiveMSS))
        }
    }

    /// In-order data goes to the receive buffer (pulling any queued out-of-order data after
    /// it), out-of-order data to the reassembly queue; then the FIN, if it is next.
    func tcpReceiveData(_ t: TCPSocket, sequence: UInt32, payload: PacketView, fin: Bool) {
        guard t.state.canReceiveData else { return }
        if payload.count > 0 && !t.userOwned && t.listener == nil {
            // Data for a closed socket: nobody will read it (RFC 9293 §3.10.7.4, Linux).
            tcpAbort(t, error: nil, sendReset: true)
            return
        }
        if payload.count > 0 {
            if sequence == t.rcvNxt {
                let stored = t.readShutdown ? payload.count : t.receiveBuffer.append(payload)
                t.rcvNxt &+= UInt32(truncatingIfNeeded: stored)
                if !t.outOfOrder.blocks.isEmpty {
                    while let more = t.outOfOrder.takeContiguous(at: t.rcvNxt) {
                        let n = more.withUnsafeBytes { t.readShutdown ? more.count : t.receiveBuffer.append($0) }
                        t.rcvNxt &+= UInt32(truncatingIfNeeded: n)
                        if n < more.count { break }
                    }
                    t.ackNow = true  // a hole was filled: acknowledge at once (RFC 5681 §4.2)
                }
                // A segment the NIC coalesced (large receive) counts as the segments it holds:
                // every second full-sized one is acknowledged (RFC 5681 §4.2).
                t.unackedSegments &+= Swift.max(1, payload.count / Swift.max(1, t.receiveMSS))
                if t.unackedSegments >= 2 || stored < payload.count {
                    t.ackNow = true
                } else if t.delayedAckDeadline == nil {
                    t.delayedAckDeadline = now &+ configuration.tcp.delayedAckTimeout
                }
                notify(t)
            } else {
                t.outOfOrder.insert(sequence: sequence, payload: payload)
                tcpStatistics.outOfOrderSegments &+= 1
                t.ackNow = true  // duplicate ACK with SACK blocks
            }
        }
        if fin {
            let finSequence = sequence &+ UInt32(truncatingIfNeeded: payload.count)
            if finSequence == t.rcvNxt {
                tcpReceivedFIN(t)
            } else if finSequence.seqGreater(t.rcvNxt) {
                t.outOfOrder.finSequence = finSequence
                t.ackNow = true
            }
        } else if let f = t.outOfOrder.finSequence, f == t.rcvNxt {
            tcpReceivedFIN(t)
        }
    }

    func tcpReceivedFIN(_ t: TCPSocket) {
        t.outOfOrder.finSequence = nil
        t.rcvNxt &+= 1
        t.finReceived = true
        t.ackNow = true
        switch t.state {
        case .established:
            t.state = .closeWait
        case .finWait1:
            if t.finSent && t.sndUna.seqGreater(t.finSequence) {
                tcpEnterTimeWait(t)
            } else {
                t.state = .closing
            }
        case .finWait2:
            tcpEnterTimeWait(t)
        default:
            break
        }
        notify(t)
    }

    func tcpEnterTimeWait(_ t: TCPSocket) {
        t.state = .timeWait
        t.retransmitDeadline = nil
        t.persistDeadline = nil
        t.keepAliveDeadline = nil
        t.closeDeadline = now &+ configuration.tcp.timeWaitDuration
        // A TIME-WAIT connection only answers retransmitted FINs for a minute: it keeps no
        // buffer storage (unread data stays until the owner reads or closes).
        t.sendBuffer.removeAll()
        if t.receiveBuffer.isEmpty { t.receiveBuffer.removeAll() }
        notify(t)
    }

    /// A valid RST arrived.
    func tcpReceivedReset(_ t: TCPSocket) {
        switch t.state {
        case .synReceived:
            if t.listener != nil {
                tcpAbort(t, error: nil, sendReset: false)
            } else {
                tcpAbort(t, error: .connectionRefused, sendReset: false)
            }
        case .established, .finWait1, .finWait2, .closeWait:
            tcpAbort(t, error: .connectionReset, sendReset: false)
        default:
            tcpAbort(t, error: nil, sendReset: false)
        }
    }
}
