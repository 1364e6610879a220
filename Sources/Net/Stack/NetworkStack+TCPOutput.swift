/// TCP output: what to send and when (Nagle, sender silly-window avoidance, congestion and
/// flow control), how segments are built, and the window we advertise.
extension NetworkStack {
    /// The window scale we offer: just enough for the largest allowed buffer (7 for 4 MiB, as
    /// Linux uses), so `SO_RCVBUF` can grow after the handshake.
    var offeredWindowShift: UInt8 {
        var shift: UInt8 = 0
        while shift < 14 && configuration.tcp.maximumBufferSize >> Int(shift) > 65535 { shift &+= 1 }
        return shift
    }

    /// Our timestamp clock for `t`: milliseconds plus the connection's random offset.
    func timestampClock(_ t: TCPSocket) -> UInt32 {
        UInt32(truncatingIfNeeded: now / 1_000_000) &+ t.timestampOffset
    }

    /// The initial congestion window (RFC 6928: ten segments, for large segments fewer).
    func initialWindow(_ t: TCPSocket) -> Int {
        Swift.max(1, configuration.tcp.initialWindowSegments) &* t.effectiveMSS
    }

    /// The window field for the next segment, and the right edge it commits us to.
    ///
    /// Receiver silly-window avoidance (RFC 1122 §4.2.3.3): free space below
    /// min(buffer/2, MSS) is not offered. The right edge never moves left (RFC 9293 §3.8.6.2.2);
    /// scaling rounds down, which may withdraw less than one scale unit, as RFC 7323 §2.4 allows.
    func advertisedWindow(_ t: TCPSocket, syn: Bool) -> UInt16 {
        var window = Swift.max(0, t.receiveBufferSize &- t.receiveBuffer.count)
        if window < Swift.min(t.receiveBufferSize / 2, t.receiveMSS) { window = 0 }
        let promised = t.rcvAdvertisedRight.seqDistance(from: t.rcvNxt)
        window = Swift.max(window, promised)
        if syn {
            let raw = Swift.min(window, 65535)
            t.rcvAdvertisedRight = t.rcvNxt &+ UInt32(truncatingIfNeeded: raw)
            return UInt16(truncatingIfNeeded: raw)
        }
        let shift = Int(t.receiveWindowShift)
        let raw = Swift.min(window >> shift, 65535)
        let right = t.rcvNxt &+ UInt32(truncatingIfNeeded: raw << shift)
        if right.seqGreater(t.rcvAdvertisedRight) { t.rcvAdvertisedRight = right }
        return UInt16(truncatingIfNeeded: raw)
    }

    /// Sends whatever flow control, congestion control and Nagle allow. `force` sends one
    /// segment that Nagle or silly-window avoidance would hold back (retransmission timeout,
    /// persist timer with a small open window); the peer's window is always respected — a
    /// closed window is the persist timer's business.
    func tcpOutput(_ t: TCPSocket, force: Bool = false) {
        switch t.state {
        case .established, .closeWait, .finWait1, .closing, .lastAck:
            break
        case .synReceived, .finWait2, .timeWait:
            if t.ackNow { tcpSendAck(t) }
            return
        default:
            return
        }
        var sent = false
        var forcing = force
        let burst = segmentationBurst(t)
        while true {
            let offset = t.sndNxt.seqDistance(from: t.sendBufferSeq)
            let unsent = Swift.max(0, t.sendBuffer.count &- offset)
            let window = Swift.min(t.sndWnd, t.cwnd)
            let inFlight = t.bytesInFlight
            let capacity = segmentCapacity(t)
            let usable = Swift.max(0, window &- inFlight)
            let length = Swift.min(unsent, usable, capacity &* burst)
            let finNow = t.finQueued && !t.sndNxt.seqGreater(t.finSequence) && length == unsent
            if length == 0 && !finNow { break }
            if length < capacity && !forcing {
                if length < unsent {
                    // Window-limited: wait for a useful window (sender SWS avoidance).
                    if length < t.maxSndWnd / 2 { break }
                } else if !finNow {
                    if t.cork { break }
                    if !t.noDelay && inFlight > 0 { break }  // Nagle (RFC 896)
                }
            }
            var flags: TCPFlags = .ack
            if length > 0 && length == unsent { flags.insert(.psh) }
            if finNow { flags.insert(.fin) }
            let isRetransmission = t.sndNxt.seqLess(t.sndMax)
            if !isRetransmission && !t.timestampsEnabled && t.rttTimedSequence == nil && length > 0 {
                t.rttTimedSequence = t.sndNxt
                t.rttTimedSince = now
            }
            tcpSendSegment(
                t, sequence: t.sndNxt, flags: flags, dataOffset: offset, dataLength: length,
                segmentSize: length > capacity ? capacity : 0)
            if isRetransmission { tcpStatistics.retransmittedSegments &+= 1 }
            t.sndNxt &+= UInt32(truncatingIfNeeded: length &+ (finNow ? 1 : 0))
            if finNow { t.finSent = true }
            if t.sndNxt.seqGreater(t.sndMax) { t.sndMax = t.sndNxt }
            if t.retransmitDeadline == nil { t.retransmitDeadline = now &+ t.rto }
            t.persistDeadline = nil
            sent = true
            forcing = false
            if finNow { break }
        }
        if !sent && t.unsentBytes > 0 && t.bytesInFlight == 0 && t.retransmitDeadline == nil
            && t.persistDeadline == nil
        {
            t.persistDeadline = now &+ persistInterval(t)
        }
        if !sent && t.ackNow { tcpSendAck(t) }
    }

    /// Payload bytes the next segment may carry: the MSS less the options it will have
    /// (timestamps, and SACK blocks while we hold out-of-order data), so no packet exceeds the
    /// MTU (RFC 6691).
    func segmentCapacity(_ t: TCPSocket) -> Int {
        var options = t.timestampsEnabled ? 12 : 0
        if t.sackEnabled && !t.outOfOrder.blocks.isEmpty {
            options &+= 4 &+ 8 &* Swift.min(t.outOfOrder.blocks.count, t.timestampsEnabled ? 3 : 4)
        }
        return Swift.max(1, t.sendMSS &- options)
    }

    /// How many segments one send may carry: 1, or as many as fit 64 KiB when the route's
    /// link cuts TCP segments itself (TSO) — one pass through the stack and the driver for
    /// up to 45 segments.
    func segmentationBurst(_ t: TCPSocket) -> Int {
        guard let decision = route(to: t.remoteAddress, source: t.localAddress, scopeID: t.scopeID),
            decision.interface.offloads.segments(ipv4: t.remoteAddress.isV4)
        else { return 1 }
        return Swift.max(1, Self.largestSegmentedPayload / segmentCapacity(t))
    }

    /// Payload bytes of the largest segment handed to a segmenting device: IPv4's total length
    /// and IPv6's payload length are 16-bit, and the headers (20 + 60 bytes at most) count.
    static var largestSegmentedPayload: Int { 65535 &- 80 }

    func persistInterval(_ t: TCPSocket) -> Nanoseconds {
        let base = Swift.max(t.rto, configuration.tcp.minimumRTO)
        let shifted = base << UInt64(Swift.min(t.persistBackoff, 16))
        return Swift.min(shifted, configuration.tcp.maximumPersistInterval)
    }

    /// A pure acknowledgment. It carries `SND.MAX`, not `SND.NXT`: after a timeout pulls
    /// `SND.NXT` back, a sequence number the peer has already passed would make the ACK
    /// unacceptable to it, and two peers retransmitting at once would ignore each other's
    /// acknowledgments for good (BSD does the same).
    func tcpSendAck(_ t: TCPSocket) {
        tcpSendSegment(t, sequence: t.sndMax, flags: .ack, dataOffset: 0, dataLength: 0)
    }

    /// A segment one below `SND.UNA`: the peer answers it with an ACK showing its window,
    /// which is how keepalive and zero-window probes work (Linux sends the same).
    func tcpSendProbe(_ t: TCPSocket) {
        tcpSendSegment(t, sequence: t.sndUna &- 1, flags: .ack, dataOffset: 0, dataLength: 0)
    }

    /// (Re)sends the SYN or SYN-ACK with our options.
    func tcpSendSYN(_ t: TCPSocket) {
        let flags: TCPFlags = t.state == .synReceived ? [.syn, .ack] : .syn
        if t.retransmissionCount == 0 && !t.timestampsEnabled {
            t.rttTimedSequence = t.iss
            t.rttTimedSince = now
        }
        tcpSendSegment(t, sequence: t.iss, flags: flags, dataOffset: 0, dataLength: 0)
        t.sndNxt = t.iss &+ 1
        if t.sndMax.seqLess(t.sndNxt) { t.sndMax = t.sndNxt }
    }

    /// Resends `length` bytes (at most a segment) starting at `sequence`, FIN included when
    /// it follows them, without touching `SND.NXT`.
    func tcpRetransmit(_ t: TCPSocket, from sequence: UInt32, length: Int) {
        let offset = sequence.seqDistance(from: t.sendBufferSeq)
        let n = Swift.min(length, segmentCapacity(t), Swift.max(0, t.sendBuffer.count &- offset))
        var flags: TCPFlags = .ack
        if t.finSent && sequence &+ UInt32(truncatingIfNeeded: n) == t.finSequence { flags.insert(.fin) }
        guard n > 0 || flags.contains(.fin) else { return }
        if let timed = t.rttTimedSequence, !timed.seqLess(sequence) { t.rttTimedSequence = nil }  // Karn
        tcpSendSegment(t, sequence: sequence, flags: flags, dataOffset: offset, dataLength: n)
        tcpStatistics.retransmittedSegments &+= 1
        if t.retransmitDeadline == nil { t.retransmitDeadline = now &+ t.rto }
    }

    /// Builds one segment of connection `t` and sends it; with `segmentSize` the device cuts
    /// it into segments of that many payload bytes.
    func tcpSendSegment(
        _ t: TCPSocket, sequence: UInt32, flags: TCPFlags, dataOffset: Int, dataLength: Int, segmentSize: Int = 0
    ) {
        guard let decision = route(to: t.remoteAddress, source: t.localAddress, scopeID: t.scopeID) else {
            drops.count(.noRoute)
            return
        }
        var options = TCPOptions()
        let syn = flags.contains(.syn)
        if syn {
            options.mss = UInt16(truncatingIfNeeded: Swift.min(t.receiveMSS, 65535))
            if t.state == .synSent {
                if configuration.tcp.windowScaling { options.windowScale = t.receiveWindowShift }
                options.sackPermitted = configuration.tcp.selectiveAcknowledgments
                if configuration.tcp.timestamps { options.timestampValue = timestampClock(t) }
            } else {
                if t.windowScaleAgreed { options.windowScale = t.receiveWindowShift }
                options.sackPermitted = t.sackEnabled
                if t.timestampsEnabled {
                    options.timestampValue = timestampClock(t)
                    options.timestampEcho = t.tsRecent
                }
            }
        } else {
            if t.timestampsEnabled {
                options.timestampValue = timestampClock(t)
                options.timestampEcho = t.tsRecent
            }
            if t.sackEnabled && flags.contains(.ack) && !t.outOfOrder.blocks.isEmpty {
                options.sackBlocks = t.outOfOrder.sackBlocks(limit: t.timestampsEnabled ? 3 : 4)
            }
        }
        let window = flags.contains(.rst) ? 0 : advertisedWindow(t, syn: syn)
        let ack = flags.contains(.ack) ? t.rcvNxt : 0
        var offload: TransportOffload? = nil
        if decision.interface.offloads.contains(.transmitChecksum) {
            offload = TransportOffload(
                checksumField: 16, segmentSize: segmentSize,
                transportHeaderLength: TCPSegment.headerSize &+ options.encodedLength)
        }
        let packet = buildTCPPacket(
            source: decision.source, destination: t.remoteAddress, sourcePort: t.localPort,
            destinationPort: t.remotePort, sequence: sequence, acknowledgment: ack, flags: flags, window: window,
            options: options, dataLength: dataLength, partialChecksum: offload != nil
        ) { packet, at in
            if dataLength > 0 {
                packet.withUnsafeMutableBytes { t.sendBuffer.readRaw(from: dataOffset, count: dataLength, into: $0.baseAddress! + at) }
            }
        }
        if flags.contains(.ack) {
            t.ackNow = false
            t.delayedAckDeadline = nil
            t.unackedSegments = 0
            t.lastAckSent = t.rcvNxt
        }
        tcpStatistics.segmentsSent &+= UInt64(segmentSize > 0 ? (dataLength &+ segmentSize &- 1) / segmentSize : 1)
        sendIP(
            packet, protocolNumber: IPv4Header.protocolTCP, route: decision, destination: t.remoteAddress,
            hopLimit: t.hopLimit, offload: offload)
    }

    /// A segment with 14 bytes of link room and room for the IP header; `fill` writes the
    /// payload at the given offset before the checksum is computed. A `partialChecksum`
    /// leaves the pseudo-header sum for the device to finish.
    func buildTCPPacket(
        source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16, sequence: UInt32,
        acknowledgment: UInt32, flags: TCPFlags, window: UInt16, options: TCPOptions, dataLength: Int,
        partialChecksum: Bool = false, fill: (inout [UInt8], Int) -> Void
    ) -> [UInt8] {
        let ipSize = source.isV4 ? IPv4Header.minimumSize : IPv6Header.size
        let o = Self.linkRoom &+ ipSize
        let headerLength = TCPSegment.headerSize &+ options.encodedLength
        let length = headerLength &+ dataLength
        var p = [UInt8](repeating: 0, count: o &+ length)
        p.put16(sourcePort, at: o)
        p.put16(destinationPort, at: o &+ 2)
        p.put32(sequence, at: o &+ 4)
        p.put32(acknowledgment, at: o &+ 8)
        p[o &+ 12] = UInt8(truncatingIfNeeded: headerLength / 4) << 4
        p[o &+ 13] = flags.rawValue
        p.put16(window, at: o &+ 14)
        options.write(to: &p, at: o &+ TCPSegment.headerSize)
        fill(&p, o &+ headerLength)
        var sum = InternetChecksum.pseudoHeader(
            source: source, destination: destination, protocol: IPv4Header.protocolTCP, length: length)
        if partialChecksum {
            p.put16(~sum.value, at: o &+ 16)
            return p
        }
        sum.add(p, from: o, count: length)
        p.put16(sum.value, at: o &+ 16)
        return p
    }

    /// Sends a packet built with room for the IP header of `route`'s family.
    func sendIP(
        _ packet: [UInt8], protocolNumber: UInt8, route: RouteDecision, destination: IPAddress, hopLimit: UInt8?,
        offload: TransportOffload? = nil
    ) {
        switch destination {
        case .v4(let d):
            sendIPv4(packet, protocolNumber: protocolNumber, route: route, destination: d, ttl: hopLimit, offload: offload)
        case .v6(let d):
            sendIPv6(packet, nextHeader: protocolNumber, route: route, destination: d, hopLimit: hopLimit, offload: offload)
        }
    }

    /// A reset (or other bare segment) outside any connection: the answer to segments for
    /// closed ports (RFC 9293 §3.10.7.1).
    func tcpSendBare(
        local: IPAddress, localPort: UInt16, remote: IPAddress, remotePort: UInt16, sequence: UInt32,
        acknowledgment: UInt32, flags: TCPFlags, scopeID: UInt32 = 0
    ) {
        guard let decision = route(to: remote, source: local, scopeID: scopeID) else { return }
        let packet = buildTCPPacket(
            source: decision.source, destination: remote, sourcePort: localPort, destinationPort: remotePort,
            sequence: sequence, acknowledgment: acknowledgment, flags: flags, window: 0, options: TCPOptions(),
            dataLength: 0, fill: { _, _ in })
        if flags.contains(.rst) { tcpStatistics.resetsSent &+= 1 }
        tcpStatistics.segmentsSent &+= 1
        sendIP(packet, protocolNumber: IPv4Header.protocolTCP, route: decision, destination: remote, hopLimit: nil)
    }

    /// The reset answering `segment`, which reached no connection.
    func tcpSendReset(answering segment: TCPSegment, local: IPAddress, remote: IPAddress) {
        guard !segment.flags.contains(.rst) else { return }
        if segment.flags.contains(.ack) {
            tcpSendBare(
                local: local, localPort: segment.destinationPort, remote: remote, remotePort: segment.sourcePort,
                sequence: segment.acknowledgment, acknowledgment: 0, flags: .rst)
        } else {
            tcpSendBare(
                local: local, localPort: segment.destinationPort, remote: remote, remotePort: segment.sourcePort,
                sequence: 0, acknowledgment: segment.sequence &+ UInt32(truncatingIfNeeded: segment.sequenceLength),
                flags: [.rst, .ack])
        }
    }

    /// A reset from connection `t` (abort): `<SEQ=SND.NXT><CTL=RST,ACK>`.
    func tcpSendConnectionReset(_ t: TCPSocket) {
        tcpSendBare(
            local: t.localAddress, localPort: t.localPort, remote: t.remoteAddress, remotePort: t.remotePort,
            sequence: t.sndNxt, acknowledgment: t.rcvNxt, flags: [.rst, .ack], scopeID: t.scopeID)
    }
}
