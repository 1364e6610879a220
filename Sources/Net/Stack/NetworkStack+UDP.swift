/// UDP input and output, and ICMP echo sockets.
extension NetworkStack {
    func udpInput(
        _ view: PacketView, source: IPAddress, destination: IPAddress, on i: Interface, multicast: Bool,
        original: PacketView?
    ) {
        let header: UDPHeader
        do { header = try UDPHeader(parsing: view) } catch { return drop(error, on: i) }
        let datagram = view.prefix(header.length)
        if (header.checksum != 0 || !source.isV4) && !receivedChecksumsVerified {
            // The checksum is optional for IPv4 (0 = none) and mandatory for IPv6 (RFC 8200 §8.1).
            guard header.checksum != 0 else { return drop(.udpBadChecksum, on: i) }
            var sum = InternetChecksum.pseudoHeader(
                source: source, destination: destination, protocol: IPv4Header.protocolUDP, length: header.length)
            sum.add(datagram)
            guard sum.value == 0 else { return drop(.udpBadChecksum, on: i) }
        }
        let payload = datagram.dropFirst(UDPHeader.size)
        if let client = i.dhcp, header.destinationPort == DHCPMessage.clientPort,
            header.sourcePort == DHCPMessage.serverPort, source.isV4
        {
            dhcpInput(payload, client: client, on: i)
            return
        }
        guard header.sourcePort != 0 || multicast else { return drop(.udpMalformed, on: i) }

        var best: [DatagramSocket] = []
        var bestScore = -1
        for candidate in udpPorts.sockets(on: header.destinationPort) {
            guard let s = candidate.datagram, s.localMatches(destination) else { continue }
            var score = s.localAddress.isUnspecified ? 0 : 2
            if let peer = s.remote {
                guard peer.address == source, peer.port == header.sourcePort else { continue }
                score &+= 4
            }
            if multicast {
                best.append(s)
            } else if score > bestScore {
                best = [s]
                bestScore = score
            } else if score == bestScore {
                best.append(s)
            }
        }
        if best.isEmpty {
            drop(.udpNoSocket, on: i)
            if !multicast && !destination.isMulticast {
                switch (source, destination) {
                case (.v4(let s), .v4(let d)):
                    if let original { sendPortUnreachableV4(original: original, source: s, destination: d) }
                case (.v6(let s), .v6(let d)):
                    if let original { sendPortUnreachableV6(original: original, source: s, destination: d) }
                default: break
                }
            }
            return
        }
        if !multicast && best.count > 1 {
            // SO_REUSEPORT group: spread by the sender's address and port.
            let reusable = best.filter { $0.reusePort }
            if reusable.count == best.count {
                let h = SplitMix64.mix(source.hashWord ^ UInt64(header.sourcePort))
                best = [best[Int(h % UInt64(best.count))]]
            } else {
                best = [best[best.count &- 1]]  // the most recent binding wins, like Linux
            }
        }
        let bytes = payload.copyBytes()
        let scope: UInt32 = (!source.isV4 && source.mappedToV6.isLinkLocal) ? i.id.rawValue : 0
        for s in best {
            if s.readShutdown { continue }
            var from = s.presented(source, port: header.sourcePort)
            from.scopeID = scope
            if s.enqueue(DatagramSocket.Datagram(source: from, payload: bytes), countLimit: configuration.datagramQueueLimit) {
                notify(s)
            } else {
                drop(.udpReceiveBufferFull, on: nil)
            }
        }
    }

    /// Builds and sends a UDP datagram from `source:sourcePort`.
    func sendUDP(
        _ payload: UnsafeRawBufferPointer, route: RouteDecision, sourcePort: UInt16, destination: IPAddress,
        destinationPort: UInt16, hopLimit: UInt8?
    ) throws(NetError) {
        let isV4 = route.source.isV4
        let ipSize = isV4 ? IPv4Header.minimumSize : IPv6Header.size
        let length = UDPHeader.size &+ payload.count
        // 65,507 payload bytes over IPv4 and 65,527 over IPv6, as Linux allows.
        guard length &+ (isV4 ? IPv4Header.minimumSize : 0) <= 65535 else { throw .messageTooLong }
        if !isV4 && length &+ ipSize > route.interface.mtu { throw .messageTooLong }
        let o = Self.linkRoom &+ ipSize
        var p = [UInt8](repeating: 0, count: o &+ length)
        p.put16(sourcePort, at: o)
        p.put16(destinationPort, at: o &+ 2)
        p.put16(UInt16(truncatingIfNeeded: length), at: o &+ 4)
        p.copy(payload, to: o &+ UDPHeader.size)
        var sum = InternetChecksum.pseudoHeader(
            source: route.source, destination: destination, protocol: IPv4Header.protocolUDP, length: length)
        var offload: TransportOffload? = nil
        if route.interface.offloads.contains(.transmitChecksum) && length &+ ipSize <= route.interface.mtu {
            p.put16(~sum.value, at: o &+ 6)  // the folded pseudo-header sum; the device adds the rest
            offload = .udpChecksum
        } else {
            sum.add(p, from: o, count: length)
            let checksum = sum.value
            p.put16(checksum == 0 ? 0xFFFF : checksum, at: o &+ 6)
        }
        switch destination {
        case .v4(let d):
            sendIPv4(p, protocolNumber: IPv4Header.protocolUDP, route: route, destination: d, ttl: hopLimit, offload: offload)
        case .v6(let d):
            sendIPv6(p, nextHeader: IPv4Header.protocolUDP, route: route, destination: d, hopLimit: hopLimit, offload: offload)
        }
    }

    /// Delivers an echo reply to the ICMP echo sockets using `identifier`.
    func deliverEchoReply(_ view: PacketView, from source: IPAddress, identifier: UInt16, on i: Interface) {
        let bytes = view.copyBytes()
        for candidate in icmpPorts.sockets(on: identifier) {
            guard let s = candidate.datagram, s.accepts(v4: source.isV4), !s.readShutdown else { continue }
            if let peer = s.remote, peer.address != source { continue }
            var from = s.presented(source, port: 0)
            if !source.isV4 && source.mappedToV6.isLinkLocal { from.scopeID = i.id.rawValue }
            if s.enqueue(DatagramSocket.Datagram(source: from, payload: bytes), countLimit: configuration.datagramQueueLimit) {
                notify(s)
            }
        }
    }

    /// Sends an echo request written by the application: the stack sets the identifier to the
    /// socket's and computes the checksum, as Linux ping sockets do.
    func sendEchoRequest(
        _ message: UnsafeRawBufferPointer, route: RouteDecision, identifier: UInt16, destination: IPAddress,
        hopLimit: UInt8?
    ) throws(NetError) {
        let isV4 = destination.isV4
        guard message.count >= 8, message[0] == (isV4 ? ICMPv4.echoRequest : ICMPv6.echoRequest), message[1] == 0 else {
            throw .invalidArgument
        }
        let ipSize = isV4 ? IPv4Header.minimumSize : IPv6Header.size
        guard message.count &+ ipSize <= (isV4 ? 65535 : route.interface.mtu) else { throw .messageTooLong }
        let o = Self.linkRoom &+ ipSize
        var p = [UInt8](repeating: 0, count: o &+ message.count)
        p.copy(message, to: o)
        p.put16(0, at: o &+ 2)
        p.put16(identifier, at: o &+ 4)
        switch (route.source, destination) {
        case (.v4, .v4(let d)):
            var sum = InternetChecksum()
            sum.add(p, from: o, count: message.count)
            p.put16(sum.value, at: o &+ 2)
            sendIPv4(p, protocolNumber: IPv4Header.protocolICMP, route: route, destination: d, ttl: hopLimit)
        case (.v6(let s), .v6(let d)):
            var sum = InternetChecksum.pseudoHeader(source: s, destination: d, protocol: ICMPv6.protocolNumber, length: message.count)
            sum.add(p, from: o, count: message.count)
            p.put16(sum.value, at: o &+ 2)
            sendIPv6(p, nextHeader: ICMPv6.protocolNumber, route: route, destination: d, hopLimit: hopLimit)
        default:
            throw .addressFamilyNotSupported
        }
    }
}
