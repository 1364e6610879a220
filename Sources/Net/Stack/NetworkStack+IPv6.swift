/// IPv6 input and output and ICMPv6 (echo, errors). Neighbour Discovery and address
/// autoconfiguration are in `NetworkStack+NeighborDiscovery.swift`.
///
/// Extension headers: hop-by-hop, destination options and routing headers (with no segments
/// left) are skipped; fragments are not reassembled and are dropped, as is anything else
/// unknown — the stack sends nothing that would need them back (UDP datagrams larger than the
/// MTU fail with `EMSGSIZE` instead of being fragmented).
extension NetworkStack {
    func ipv6Input(_ view: PacketView, on i: Interface, linkSource: MACAddress) {
        guard i.ipv6Enabled else { return drop(.unknownEtherType, on: i) }
        let header: IPv6Header
        do { header = try IPv6Header(parsing: view) } catch { return drop(error, on: i) }
        let packet = view.prefix(IPv6Header.size &+ header.payloadLength)
        let destination = header.destination
        guard !header.source.isMulticast else { return drop(.ipv6Malformed, on: i) }
        let forUs: Bool
        if destination.isMulticast {
            forUs = destination == .allNodes
                || i.ipv6Addresses.contains { $0.address.solicitedNode == destination }
        } else {
            forUs = isLocalAddress(.v6(destination)) || (i.ipv6Addresses.contains { $0.address == destination })
        }
        guard forUs else { return drop(.ipv6NotForUs, on: i) }

        // Walk the extension headers.
        var next = header.nextHeader
        var offset = IPv6Header.size
        while true {
            switch next {
            case IPv6Header.nextHopByHop, IPv6Header.nextDestinationOptions, IPv6Header.nextRouting:
                guard packet.count >= offset &+ 8 else { return drop(.ipv6Malformed, on: i) }
                let length = (Int(packet.u8(offset &+ 1)) &+ 1) &* 8
                guard packet.count >= offset &+ length else { return drop(.ipv6Malformed, on: i) }
                if next == IPv6Header.nextRouting && packet.u8(offset &+ 3) != 0 {
                    return drop(.ipv6ExtensionUnsupported, on: i)  // segments left: we are no router
                }
                next = packet.u8(offset)
                offset &+= length
                continue
            case IPv6Header.nextNone:
                return
            default:
                break
            }
            break
        }
        let payload = packet.dropFirst(offset)
        let source = IPAddress.v6(header.source)
        // A packet to a tentative address is only for duplicate address detection.
        let tentative = i.ipv6Addresses.contains { $0.address == destination && $0.isTentative }
        switch next {
        case IPv4Header.protocolTCP:
            guard !destination.isMulticast, !tentative else { return drop(.ipv6NotForUs, on: i) }
            tcpInput(payload, source: source, destination: .v6(destination), on: i)
        case IPv4Header.protocolUDP:
            guard !tentative else { return drop(.ipv6NotForUs, on: i) }
            udpInput(
                payload, source: source, destination: .v6(destination), on: i, multicast: destination.isMulticast,
                original: packet)
        case ICMPv6.protocolNumber:
            icmpv6Input(payload, header: header, packet: packet, on: i)
        case IPv6Header.nextFragment:
            drop(.ipv6ExtensionUnsupported, on: i)
        default:
            drop(.unknownProtocol, on: i)
        }
    }

    /// Completes a packet whose transport part starts at `linkRoom + 40` and sends it.
    func sendIPv6(
        _ packet: [UInt8], nextHeader: UInt8, route: RouteDecision, destination: IPv6Address, hopLimit: UInt8? = nil,
        offload: TransportOffload? = nil
    ) {
        guard case .v6(let source) = route.source else { return }
        var p = packet
        let limit = hopLimit ?? (route.interface.advertisedHopLimit != 0 ? route.interface.advertisedHopLimit : configuration.defaultTTL)
        IPv6Header.write(
            to: &p, at: Self.linkRoom, payloadLength: p.count &- Self.linkRoom &- IPv6Header.size, nextHeader: nextHeader,
            hopLimit: limit, source: source, destination: destination)
        transmit(p, etherType: EthernetHeader.typeIPv6, nextHop: route.nextHop, on: route.interface, offload: offload)
    }

    /// Sends an ICMPv6 message (checksum field zero in `message`) with an explicit source,
    /// bypassing routing: Neighbour Discovery speaks from `::` or link-local addresses.
    func sendICMPv6(_ message: [UInt8], from source: IPv6Address, to destination: IPv6Address, hopLimit: UInt8, on i: Interface) {
        let o = Self.linkRoom &+ IPv6Header.size
        var p = [UInt8](repeating: 0, count: o &+ message.count)
        message.withUnsafeBytes { p.copy($0, to: o) }
        var sum = InternetChecksum.pseudoHeader(
            source: source, destination: destination, protocol: ICMPv6.protocolNumber, length: message.count)
        sum.add(p, from: o, count: message.count)
        p.put16(sum.value, at: o &+ 2)
        IPv6Header.write(
            to: &p, at: Self.linkRoom, payloadLength: message.count, nextHeader: ICMPv6.protocolNumber, hopLimit: hopLimit,
            source: source, destination: destination)
        transmit(p, etherType: EthernetHeader.typeIPv6, nextHop: .v6(destination), on: i)
    }

    func icmpv6Input(_ view: PacketView, header: IPv6Header, packet: PacketView, on i: Interface) {
        guard view.count >= 4 else { return drop(.icmpMalformed, on: i) }
        var sum = InternetChecksum.pseudoHeader(
            source: header.source, destination: header.destination, protocol: ICMPv6.protocolNumber, length: view.count)
        sum.add(view)
        guard sum.value == 0 else { return drop(.icmpBadChecksum, on: i) }
        switch view.u8(0) {
        case ICMPv6.echoRequest:
            guard view.count >= 8 else { return drop(.icmpMalformed, on: i) }
            let from: IPv6Address
            if header.destination.isMulticast {
                guard let s = i.ipv6Source(for: header.source, now: now) else { return }
                from = s
            } else {
                from = header.destination
            }
            guard let decision = route(to: .v6(header.source), source: .v6(from), scopeID: i.id.rawValue) else { return }
            let o = Self.linkRoom &+ IPv6Header.size
            var p = [UInt8](repeating: 0, count: o &+ view.count)
            view.withBytes { p.copy($0, to: o) }
            p[o] = ICMPv6.echoReply
            p.put16(0, at: o &+ 2)
            var c = InternetChecksum.pseudoHeader(
                source: from, destination: header.source, protocol: ICMPv6.protocolNumber, length: view.count)
            c.add(p, from: o, count: view.count)
            p.put16(c.value, at: o &+ 2)
            sendIPv6(p, nextHeader: ICMPv6.protocolNumber, route: decision, destination: header.source)
        case ICMPv6.echoReply:
            guard view.count >= 8 else { return drop(.icmpMalformed, on: i) }
            deliverEchoReply(view, from: .v6(header.source), identifier: view.u16(4), on: i)
        case ICMPv6.destinationUnreachable:
            let inner = view.dropFirst(8)
            guard inner.count >= IPv6Header.size &+ 8, inner.u8(0) >> 4 == 6 else { return drop(.icmpMalformed, on: i) }
            let transport = inner.dropFirst(IPv6Header.size)
            let code = view.u8(1)
            transportError(
                protocolNumber: inner.u8(6), local: .v6(IPv6Address(reading: inner, at: 8)),
                remote: .v6(IPv6Address(reading: inner, at: 24)), localPort: transport.u16(0), remotePort: transport.u16(2),
                quotedSequence: transport.u32(4), error: code == ICMPv6.codePortUnreachable ? .connectionRefused : .hostUnreachable,
                hard: code == ICMPv6.codePortUnreachable)
        case ICMPv6.routerAdvertisement:
            routerAdvertisementInput(view, header: header, on: i)
        case ICMPv6.neighborSolicitation:
            neighborSolicitationInput(view, header: header, on: i)
        case ICMPv6.neighborAdvertisement:
            neighborAdvertisementInput(view, header: header, on: i)
        default:
            break
        }
    }

    /// ICMPv6 destination unreachable, port unreachable (RFC 4443 §3.1), quoting as much of
    /// `original` as keeps the error within the minimum MTU.
    func sendPortUnreachableV6(original: PacketView, source: IPv6Address, destination: IPv6Address) {
        guard allowICMPError(), let decision = route(to: .v6(source), source: .v6(destination)),
            case .v6(let from) = decision.source
        else { return }
        let quoted = Swift.min(original.count, 1280 &- IPv6Header.size &- 8)
        let o = Self.linkRoom &+ IPv6Header.size
        var p = [UInt8](repeating: 0, count: o &+ 8 &+ quoted)
        p[o] = ICMPv6.destinationUnreachable
        p[o &+ 1] = ICMPv6.codePortUnreachable
        original.prefix(quoted).withBytes { p.copy($0, to: o &+ 8) }
        var c = InternetChecksum.pseudoHeader(source: from, destination: source, protocol: ICMPv6.protocolNumber, length: 8 &+ quoted)
        c.add(p, from: o, count: 8 &+ quoted)
        p.put16(c.value, at: o &+ 2)
        sendIPv6(p, nextHeader: ICMPv6.protocolNumber, route: decision, destination: source)
    }
}
