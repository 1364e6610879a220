/// Where a packet goes: the interface, the next hop on that link, and the source address.
struct RouteDecision {
    let interface: Interface
    let nextHop: IPAddress
    let source: IPAddress
}

extension NetworkStack {
    /// Whether `address` (unmapped) belongs to this host: assigned to any interface (the weak
    /// host model of RFC 1122 §3.3.4.2, as Linux does it) or in `127.0.0.0/8`.
    func isLocalAddress(_ address: IPAddress) -> Bool {
        if case .v4(let a) = address, a.isLoopback { return true }
        return interfaces.contains { $0.owns(address) }
    }

    /// Routes a packet to `destination` (unmapped). `source` is the socket's bound address,
    /// nil or unspecified to let the stack choose; `scopeID` picks the interface of an IPv6
    /// link-local destination. Nil means no route (`ENETUNREACH`).
    func route(to destination: IPAddress, source: IPAddress? = nil, scopeID: UInt32 = 0) -> RouteDecision? {
        let fixedSource: IPAddress? = (source?.isUnspecified ?? true) ? nil : source
        // A socket bound to an address of one family cannot reach the other.
        if let fixedSource, fixedSource.isV4 != destination.isV4 { return nil }
        if isLocalAddress(destination) {
            return RouteDecision(interface: interfaces[0], nextHop: destination, source: fixedSource ?? destination)
        }
        switch destination {
        case .v4(let d):
            if d.isBroadcast || d.isMulticast {
                guard let i = interfaces.first(where: { !$0.isLoopback && !$0.ipv4Addresses.isEmpty }) else { return nil }
                guard let s = fixedSource ?? i.ipv4Source(for: d).map({ IPAddress.v4($0) }) else { return nil }
                return RouteDecision(interface: i, nextHop: destination, source: s)
            }
        case .v6(let d):
            if d.isLinkLocal || d.isMulticast {
                let i: Interface?
                if scopeID != 0 {
                    i = interface(InterfaceID(rawValue: scopeID))
                } else {
                    i = interfaces.first { !$0.isLoopback && $0.ipv6Enabled }
                }
                guard let i, i.ipv6Enabled, !i.isLoopback else { return nil }
                guard let s = fixedSource ?? i.ipv6Source(for: d, now: now).map({ IPAddress.v6($0) }) else {
                    return nil
                }
                return RouteDecision(interface: i, nextHop: destination, source: s)
            }
        }
        var best: Route? = nil
        for r in routes where r.matches(destination) {
            if let b = best, b.prefixLength >= r.prefixLength { continue }
            best = r
        }
        guard let r = best, let i = interface(r.interface) else { return nil }
        let nextHop = r.gateway ?? destination
        let chosen: IPAddress?
        if let fixedSource {
            chosen = fixedSource
        } else {
            switch destination {
            case .v4(let d): chosen = i.ipv4Source(for: d).map { .v4($0) }
            case .v6(let d): chosen = i.ipv6Source(for: d, now: now).map { .v6($0) }
            }
        }
        guard let s = chosen else { return nil }
        return RouteDecision(interface: i, nextHop: nextHop, source: s)
    }

    /// The largest transport payload that fits one packet of `decision`'s interface.
    func maximumTransportPayload(_ decision: RouteDecision) -> Int {
        // IPv4's total length and IPv6's payload length are 16-bit fields, whatever the MTU.
        decision.source.isV4
            ? Swift.min(decision.interface.mtu, 65535) &- IPv4Header.minimumSize
            : Swift.min(decision.interface.mtu &- IPv6Header.size, 65535)
    }
}
