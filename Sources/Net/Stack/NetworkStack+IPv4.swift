/// IPv4 input and output, fragment reassembly, and ICMPv4.
extension NetworkStack {
    /// Byte offset of the IP header in packets being built: room for the Ethernet header.
    static var linkRoom: Int { EthernetHeader.size }

    func ipv4Input(_ view: PacketView, on i: Interface, linkBroadcast: Bool) {
        let header: IPv4Header
        do { header = try IPv4Header(parsing: view) } catch { return drop(error, on: i) }
        let packet = view.prefix(header.totalLength)  // cut Ethernet padding
        let destination = header.destination
        let isBroadcast =
            destination.isBroadcast || i.ipv4Addresses.contains { $0.broadcast == destination && $0.prefixLength < 31 }
        // While DHCP runs, replies may be unicast to the address being offered (RFC 2131 §4.1).
        let acceptDHCP =
            i.dhcp != nil && header.protocolNumber == IPv4Header.protocolUDP
            && packet.count >= header.headerLength &+ UDPHeader.size
            && packet.u16(header.headerLength &+ 2) == DHCPMessage.clientPort
        if !(isBroadcast || isLocalAddress(.v4(destination)) || acceptDHCP
            || destination == IPv4Address(224, 0, 0, 1))
        {
            return drop(.ipv4NotForUs, on: i)
        }
        guard !header.source.isMulticast, !(header.source.isBroadcast) else { return drop(.ipv4Malformed, on: i) }
        var payload = packet.dropFirst(header.headerLength)
        if header.isFragment {
            receivedChecksumsVerified = false  // the device vouches for whole packets only
            switch reassembler.add(
                header: header, payload: payload, now: now, timeout: configuration.reassemblyTimeout,
                limit: configuration.reassemblyLimit)
            {
            case .incomplete: return
            case .dropped(let reason): return drop(reason, on: i)
            case .complete(let whole): payload = PacketView(whole)
            }
        }
        let source = IPAddress.v4(header.source)
        let multicast = isBroadcast || destination.isMulticast || linkBroadcast
        switch header.protocolNumber {
        case IPv4Header.protocolTCP:
            guard !multicast else { return drop(.ipv4NotForUs, on: i) }
            tcpInput(payload, source: source, destination: .v4(destination), on: i)
        case IPv4Header.protocolUDP:
            udpInput(
                payload, source: source, destination: .v4(destination), on: i, multicast: multicast,
                original: header.isFragment ? nil : packet)
        case IPv4Header.protocolICMP:
            icmpv4Input(payload, header: header, on: i, multicast: multicast)
        default:
            drop(.unknownProtocol, on: i)
        }
    }

    /// Completes a packet whose transport part starts at `linkRoom + 20` and sends it,
    /// fragmenting when it exceeds the MTU.
    func sendIPv4(
        _ packet: [UInt8], protocolNumber: UInt8, route: RouteDecision, destination: IPv4Address,
        ttl: UInt8? = nil, dontFragment: Bool = false, offload: TransportOffload? = nil
    ) {
        guard case .v4(let source) = route.source else { return }
        let room = Self.linkRoom
        let ttl = ttl ?? configuration.defaultTTL
        let total = packet.count &- room
        let pieces = offload.map { $0.segmentSize > 0 ? (total &- IPv4Header.minimumSize &- $0.transportHeaderLength &+ $0.segmentSize &- 1) / $0.segmentSize : 1 } ?? 1
        let id = nextIPIdentification(count: pieces)
        if total <= route.interface.mtu || dontFragment || (offload?.segmentSize ?? 0) > 0 {
            var p = packet
            IPv4Header.write(
                to: &p, at: room, totalLength: total, identification: id, dontFragment: dontFragment, ttl: ttl,
                protocolNumber: protocolNumber, source: source, destination: destination)
            transmit(p, etherType: EthernetHeader.typeIPv4, nextHop: route.nextHop, on: route.interface, offload: offload)
            return
        }
        var packet = packet
        if let offload {
            // Fragments cannot leave the checksum to the device: it would see only the first.
            OutgoingFrame.finishChecksum(&packet, start: room &+ IPv4Header.minimumSize, field: offload.checksumField)
        }
        let payloadStart = room &+ IPv4Header.minimumSize
        let payloadLength = packet.count &- payloadStart
        let chunk = (route.interface.mtu &- IPv4Header.minimumSize) & ~7
        var offset = 0
        while offset < payloadLength {
            let n = Swift.min(chunk, payloadLength &- offset)
            var p = [UInt8](repeating: 0, count: payloadStart &+ n)
            packet.withUnsafeBytes { p.copy(UnsafeRawBufferPointer(rebasing: $0[(payloadStart &+ offset)..<(payloadStart &+ offset &+ n)]), to: payloadStart) }
            IPv4Header.write(
                to: &p, at: room, totalLength: IPv4Header.minimumSize &+ n, identification: id,
                moreFragments: offset &+ n < payloadLength, fragmentOffset: offset, ttl: ttl,
                protocolNumber: protocolNumber, source: source, destination: destination)
            transmit(p, etherType: EthernetHeader.typeIPv4, nextHop: route.nextHop, on: route.interface)
            offset &+= n
        }
    }

    // MARK: ICMPv4

    func icmpv4Input(_ view: PacketView, header: IPv4Header, on i: Interface, multicast: Bool) {
        guard view.count >= 8 else { return drop(.icmpMalformed, on: i) }
        var sum = InternetChecksum()
        sum.add(view)
        guard sum.value == 0 else { return drop(.icmpBadChecksum, on: i) }
        switch view.u8(0) {
        case ICMPv4.echoRequest:
            // Broadcast pings are ignored, as Linux does by default.
            guard !multicast, let route = route(to: .v4(header.source), source: .v4(header.destination)) else { return }
            var p = [UInt8](repeating: 0, count: Self.linkRoom &+ IPv4Header.minimumSize &+ view.count)
            let o = Self.linkRoom &+ IPv4Header.minimumSize
            view.withBytes { p.copy($0, to: o) }
            p[o] = ICMPv4.echoReply
            p[o &+ 1] = 0
            p.put16(0, at: o &+ 2)
            var c = InternetChecksum()
            c.add(p, from: o, count: view.count)
            p.put16(c.value, at: o &+ 2)
            sendIPv4(p, protocolNumber: IPv4Header.protocolICMP, route: route, destination: header.source)
        case ICMPv4.echoReply:
            deliverEchoReply(view, from: .v4(header.source), identifier: view.u16(4), on: i)
        case ICMPv4.destinationUnreachable:
            // The original header and at least 8 bytes of its payload follow.
            let inner = view.dropFirst(8)
            guard inner.count >= IPv4Header.minimumSize, inner.u8(0) >> 4 == 4 else { return drop(.icmpMalformed, on: i) }
            let innerLength = Int(inner.u8(0) & 0xF) &* 4
            guard innerLength >= IPv4Header.minimumSize, inner.count >= innerLength &+ 8 else {
                return drop(.icmpMalformed, on: i)
            }
            let transport = inner.dropFirst(innerLength)
            let error: NetError
            switch view.u8(1) {
            case ICMPv4.codePortUnreachable, ICMPv4.codeProtocolUnreachable: error = .connectionRefused
            case ICMPv4.codeFragmentationNeeded: return
            default: error = .hostUnreachable
            }
            transportError(
                protocolNumber: inner.u8(9), local: .v4(IPv4Address(rawValue: inner.u32(12))),
                remote: .v4(IPv4Address(rawValue: inner.u32(16))), localPort: transport.u16(0),
                remotePort: transport.u16(2), quotedSequence: transport.u32(4), error: error,
                hard: view.u8(1) != ICMPv4.codeHostUnreachable)
        default:
            break
        }
    }

    /// Whether the global ICMP error budget allows another error now (token bucket refilled
    /// every second).
    func allowICMPError() -> Bool {
        if now >= icmpBudgetTime &+ NetTime.seconds(1) || icmpBudgetTime == 0 {
            icmpBudgetTime = now
            icmpErrorBudget = configuration.icmpErrorsPerSecond
        }
        guard icmpErrorBudget > 0 else { return false }
        icmpErrorBudget &-= 1
        return true
    }

    /// Sends ICMP destination unreachable (port unreachable) about `original`, an IPv4 packet
    /// we received: its header and the first 8 bytes after it go back (RFC 792, RFC 1122 §3.2.2).
    func sendPortUnreachableV4(original: PacketView, source: IPv4Address, destination: IPv4Address) {
        guard allowICMPError(), let route = route(to: .v4(source), source: .v4(destination)) else { return }
        let headerLength = Int(original.u8(0) & 0xF) &* 4
        let quoted = Swift.min(original.count, headerLength &+ 8)
        let o = Self.linkRoom &+ IPv4Header.minimumSize
        var p = [UInt8](repeating: 0, count: o &+ 8 &+ quoted)
        p[o] = ICMPv4.destinationUnreachable
        p[o &+ 1] = ICMPv4.codePortUnreachable
        original.prefix(quoted).withBytes { p.copy($0, to: o &+ 8) }
        var c = InternetChecksum()
        c.add(p, from: o, count: 8 &+ quoted)
        p.put16(c.value, at: o &+ 2)
        sendIPv4(p, protocolNumber: IPv4Header.protocolICMP, route: route, destination: source)
    }

    /// Reports an ICMP error about a packet we sent to the socket that sent it.
    func transportError(
        protocolNumber: UInt8, local: IPAddress, remote: IPAddress, localPort: UInt16, remotePort: UInt16,
        quotedSequence: UInt32, error: NetError, hard: Bool
    ) {
        switch protocolNumber {
        case IPv4Header.protocolUDP:
            for s in udpPorts.sockets(on: localPort) {
                guard let d = s.datagram, let peer = d.remote, peer.address == remote, peer.port == remotePort else {
                    continue
                }
                d.pendingError = error
                notify(d)
            }
        case IPv4Header.protocolTCP:
            let key = ConnectionKey(localAddress: local, localPort: localPort, remoteAddress: remote, remotePort: remotePort)
            guard let s = connections.lookup(key) else { return }
            // Only errors about data in flight count; others are stale or forged (RFC 5927 §4.1).
            guard quotedSequence.seqGreaterOrEqual(s.sndUna), quotedSequence.seqLess(s.sndMax) else { return }
            if s.state == .synSent && hard {
                tcpAbort(s, error: error, sendReset: false)
            } else {
                s.softError = error
            }
        default:
            break
        }
    }
}
