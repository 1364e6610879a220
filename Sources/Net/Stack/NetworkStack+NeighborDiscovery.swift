/// IPv6 Neighbour Discovery (RFC 4861) for a host, and stateless address autoconfiguration
/// (RFC 4862): link-local addresses from the MAC, duplicate address detection, router
/// solicitation, and addresses, routes, MTU and DNS servers from router advertisements.
extension NetworkStack {
    /// Starts IPv6 on an interface: a link-local address (tentative while duplicate address
    /// detection runs), then router solicitations once it is usable.
    public func enableIPv6(on id: InterfaceID) {
        guard let i = interface(id), !i.isLoopback, !i.ipv6Enabled else { return }
        i.ipv6Enabled = true
        addIPv6Address(i, .linkLocal(mac: i.mac), prefixLength: 64, origin: .linkLocal, preferred: nil, valid: nil)
    }

    /// Statically assigns an IPv6 address with an on-link prefix route, and optionally a
    /// default route through `gateway`.
    public func configureIPv6(_ id: InterfaceID, address: IPv6Address, prefixLength: Int, gateway: IPv6Address? = nil) {
        guard let i = interface(id), !i.isLoopback else { return }
        if !i.ipv6Enabled { enableIPv6(on: id) }
        addIPv6Address(i, address, prefixLength: prefixLength, origin: .manual, preferred: nil, valid: nil)
        routes.append(Route(destination: .v6(address), prefixLength: prefixLength, gateway: nil, interface: id, origin: .connected))
        if let gateway {
            routes.append(Route(destination: .v6(.unspecified), prefixLength: 0, gateway: .v6(gateway), interface: id, origin: .manual))
        }
    }

    func addIPv6Address(
        _ i: Interface, _ address: IPv6Address, prefixLength: Int, origin: IPv6AddressOrigin, preferred: Nanoseconds?,
        valid: Nanoseconds?
    ) {
        let dad = configuration.duplicateAddressDetectionTransmits
        var entry = IPv6InterfaceAddress(
            address: address, prefixLength: prefixLength, origin: origin, isTentative: dad > 0, preferredUntil: preferred,
            validUntil: valid)
        i.ipv6Addresses.append(entry)
        configurationGeneration &+= 1
        if dad > 0 {
            sendNeighborSolicitation(for: address, unicast: nil, on: i, duplicateDetection: true)
            entry.dadProbesSent = 1
            entry.dadDeadline = now &+ configuration.neighbor.retransmitInterval
            if let index = i.ipv6Addresses.firstIndex(where: { $0.address == address }) { i.ipv6Addresses[index] = entry }
        } else {
            addressBecameUsable(i, entry)
        }
    }

    func addressBecameUsable(_ i: Interface, _ entry: IPv6InterfaceAddress) {
        configurationGeneration &+= 1
        if entry.origin == .linkLocal && configuration.routerSolicitations > 0 && i.routerSolicitationsSent == 0 {
            i.nextRouterSolicitation = now
        }
        // Tell neighbours about the address (RFC 4861 §7.2.6, unsolicited advertisement).
        sendNeighborAdvertisement(target: entry.address, to: .allNodes, solicited: false, on: i)
    }

    func ipv6Deadline(_ i: Interface) -> Nanoseconds? {
        var d = i.nextRouterSolicitation
        for a in i.ipv6Addresses {
            if a.isTentative { d = d.earliest(a.dadDeadline) }
            d = d.earliest(a.validUntil)
        }
        return d
    }

    func runIPv6Timers(_ i: Interface) {
        guard i.ipv6Enabled else { return }
        var index = 0
        while index < i.ipv6Addresses.count {
            var a = i.ipv6Addresses[index]
            if let valid = a.validUntil, valid <= now {
                i.ipv6Addresses.remove(at: index)
                configurationGeneration &+= 1
                continue
            }
            if a.isTentative && a.dadDeadline <= now {
                if a.dadProbesSent < configuration.duplicateAddressDetectionTransmits {
                    sendNeighborSolicitation(for: a.address, unicast: nil, on: i, duplicateDetection: true)
                    a.dadProbesSent &+= 1
                    a.dadDeadline = now &+ configuration.neighbor.retransmitInterval
                    i.ipv6Addresses[index] = a
                } else {
                    a.isTentative = false
                    i.ipv6Addresses[index] = a
                    addressBecameUsable(i, a)
                }
            }
            index &+= 1
        }
        if let next = i.nextRouterSolicitation, next <= now {
            if i.routerSolicitationsSent < configuration.routerSolicitations, let source = i.linkLocalIPv6 {
                sendRouterSolicitation(from: source, on: i)
                i.routerSolicitationsSent &+= 1
                i.nextRouterSolicitation =
                    i.routerSolicitationsSent < configuration.routerSolicitations
                    ? now &+ configuration.routerSolicitationInterval : nil
            } else {
                i.nextRouterSolicitation = nil
            }
        }
    }

    // MARK: Sending

    /// A neighbour solicitation for `target`: to its solicited-node group (or `unicast` to
    /// confirm a stale entry). For duplicate address detection it comes from `::` without
    /// a source link-address option (RFC 4862 §5.4.2).
    func sendNeighborSolicitation(for target: IPv6Address, unicast: MACAddress?, on i: Interface, duplicateDetection: Bool = false) {
        let source: IPv6Address
        if duplicateDetection {
            source = .unspecified
        } else {
            guard let s = i.ipv6Source(for: target, now: now) else { return }
            source = s
        }
        var message = [UInt8](repeating: 0, count: 24)
        message[0] = ICMPv6.neighborSolicitation
        target.write(to: &message, at: 8)
        if !duplicateDetection { appendLinkAddressOption(&message, type: ICMPv6.optionSourceLinkAddress, mac: i.mac) }
        let destination = unicast != nil ? target : target.solicitedNode
        sendICMPv6(message, from: source, to: destination, hopLimit: 255, on: i)
    }

    func sendNeighborAdvertisement(target: IPv6Address, to destination: IPv6Address, solicited: Bool, on i: Interface) {
        var message = [UInt8](repeating: 0, count: 24)
        message[0] = ICMPv6.neighborAdvertisement
        message[4] = (solicited ? 0x40 : 0) | 0x20  // S, O
        target.write(to: &message, at: 8)
        appendLinkAddressOption(&message, type: ICMPv6.optionTargetLinkAddress, mac: i.mac)
        sendICMPv6(message, from: target, to: destination, hopLimit: 255, on: i)
    }

    func sendRouterSolicitation(from source: IPv6Address, on i: Interface) {
        var message = [UInt8](repeating: 0, count: 8)
        message[0] = ICMPv6.routerSolicitation
        appendLinkAddressOption(&message, type: ICMPv6.optionSourceLinkAddress, mac: i.mac)
        sendICMPv6(message, from: source, to: .allRouters, hopLimit: 255, on: i)
    }

    func appendLinkAddressOption(_ message: inout [UInt8], type: UInt8, mac: MACAddress) {
        message.append(type)
        message.append(1)
        for b in 0..<6 { message.append(mac.byte(b)) }
    }

    // MARK: Receiving

    /// RFC 4861 §7.1.1: hop limit 255 (so the message cannot have come from off-link),
    /// code 0, minimum length, valid options.
    func validND(_ view: PacketView, header: IPv6Header, minimumLength: Int, on i: Interface) -> NDOptions? {
        guard header.hopLimit == 255, view.u8(1) == 0, view.count >= minimumLength,
            let options = NDOptions(parsing: view.dropFirst(minimumLength))
        else {
            drop(.ndMalformed, on: i)
            return nil
        }
        return options
    }

    func neighborSolicitationInput(_ view: PacketView, header: IPv6Header, on i: Interface) {
        guard let options = validND(view, header: header, minimumLength: 24, on: i) else { return }
        let target = IPv6Address(reading: view, at: 8)
        guard !target.isMulticast else { return drop(.ndMalformed, on: i) }
        let fromUnspecified = header.source.isUnspecified
        if fromUnspecified && (!header.destination.isMulticast || options.sourceLinkAddress != nil) {
            return drop(.ndMalformed, on: i)
        }
        guard let index = i.ipv6Addresses.firstIndex(where: { $0.address == target }) else { return }
        if i.ipv6Addresses[index].isTentative {
            // Someone else is checking the same address: it is a duplicate (RFC 4862 §5.4.3).
            if fromUnspecified { duplicateAddressDetected(i, index: index) }
            return
        }
        if let mac = options.sourceLinkAddress, !fromUnspecified {
            let waiting = i.neighbors6.learn(
                .v6(header.source), mac: mac, now: now, create: true, confirmed: false,
                configuration: configuration.neighbor)
            for packet in waiting { emit(packet, to: mac, etherType: EthernetHeader.typeIPv6, on: i) }
        }
        sendNeighborAdvertisement(
            target: target, to: fromUnspecified ? .allNodes : header.source, solicited: !fromUnspecified, on: i)
    }

    func neighborAdvertisementInput(_ view: PacketView, header: IPv6Header, on i: Interface) {
        guard let options = validND(view, header: header, minimumLength: 24, on: i) else { return }
        let target = IPv6Address(reading: view, at: 8)
        let solicited = view.u8(4) & 0x40 != 0
        guard !target.isMulticast, !(solicited && header.destination.isMulticast) else { return drop(.ndMalformed, on: i) }
        if let index = i.ipv6Addresses.firstIndex(where: { $0.address == target }) {
            if i.ipv6Addresses[index].isTentative { duplicateAddressDetected(i, index: index) }
            return
        }
        guard let mac = options.targetLinkAddress ?? (i.neighbors6.linkAddress(of: .v6(target))) else { return }
        let waiting = i.neighbors6.learn(
            .v6(target), mac: mac, now: now, create: false, confirmed: solicited, configuration: configuration.neighbor)
        for packet in waiting { emit(packet, to: mac, etherType: EthernetHeader.typeIPv6, on: i) }
    }

    func duplicateAddressDetected(_ i: Interface, index: Int) {
        i.ipv6Addresses.remove(at: index)
        duplicateAddresses &+= 1
        configurationGeneration &+= 1
    }

    /// A router advertisement (RFC 4861 §6.3.4): default router, on-link prefixes, SLAAC
    /// addresses (RFC 4862 §5.5.3), MTU and DNS servers (RFC 8106).
    func routerAdvertisementInput(_ view: PacketView, header: IPv6Header, on i: Interface) {
        guard header.source.isLinkLocal else { return drop(.ndMalformed, on: i) }
        guard let options = validND(view, header: header, minimumLength: 16, on: i) else { return }
        i.nextRouterSolicitation = nil
        i.routerSolicitationsSent = Swift.max(i.routerSolicitationsSent, 1)
        if view.u8(4) != 0 { i.advertisedHopLimit = view.u8(4) }
        let router = IPAddress.v6(header.source)
        if let mac = options.sourceLinkAddress {
            let waiting = i.neighbors6.learn(
                router, mac: mac, now: now, create: true, confirmed: false, configuration: configuration.neighbor)
            for packet in waiting { emit(packet, to: mac, etherType: EthernetHeader.typeIPv6, on: i) }
        }
        let lifetime = Nanoseconds(view.u16(6))
        routes.removeAll { $0.origin == .routerAdvertisement && $0.prefixLength == 0 && $0.gateway == router && $0.interface == i.id }
        if lifetime > 0 {
            routes.append(
                Route(
                    destination: .v6(.unspecified), prefixLength: 0, gateway: router, interface: i.id,
                    origin: .routerAdvertisement, expires: now &+ NetTime.seconds(lifetime)))
        }
        if let mtu = options.mtu, mtu >= 1280, mtu <= 65535 { i.mtu = Swift.min(mtu, i.mtu) }
        for prefix in options.prefixes {
            guard !prefix.prefix.isLinkLocal, prefix.preferredLifetime <= prefix.validLifetime else { continue }
            let valid = lifetimeDeadline(prefix.validLifetime)
            if prefix.onLink {
                routes.removeAll {
                    $0.origin == .routerAdvertisement && $0.gateway == nil && $0.interface == i.id
                        && $0.destination == .v6(prefix.prefix) && $0.prefixLength == prefix.length
                }
                if prefix.validLifetime > 0 {
                    routes.append(
                        Route(
                            destination: .v6(prefix.prefix), prefixLength: prefix.length, gateway: nil, interface: i.id,
                            origin: .routerAdvertisement, expires: valid))
                }
            }
            guard prefix.autonomous, prefix.length == 64 else { continue }
            let address = IPv6Address(high: prefix.prefix.high, low: IPv6Address.interfaceIdentifier(mac: i.mac))
            let preferred = lifetimeDeadline(prefix.preferredLifetime)
            if let index = i.ipv6Addresses.firstIndex(where: { $0.address == address }) {
                // RFC 4862 §5.5.3 e: a short valid lifetime may not cut an address below two hours.
                let twoHours = NetTime.seconds(7200)
                let remaining = (i.ipv6Addresses[index].validUntil ?? .max) &- Swift.min(now, i.ipv6Addresses[index].validUntil ?? .max)
                let requested = valid.map { $0 &- now } ?? .max
                if requested > twoHours || requested > remaining {
                    i.ipv6Addresses[index].validUntil = valid
                } else if remaining > twoHours {
                    i.ipv6Addresses[index].validUntil = now &+ twoHours
                }
                i.ipv6Addresses[index].preferredUntil = preferred
            } else if prefix.validLifetime > 0 {
                addIPv6Address(i, address, prefixLength: 64, origin: .autoconfigured, preferred: preferred, valid: valid)
            }
        }
        if !options.dnsServers.isEmpty {
            for server in options.dnsServers where !nameServers.contains(.v6(server)) {
                if options.dnsLifetime > 0 { nameServers.append(.v6(server)) }
            }
            if options.dnsLifetime == 0 { nameServers.removeAll { s in options.dnsServers.contains { .v6($0) == s } } }
        }
        configurationGeneration &+= 1
    }

    /// A lifetime in seconds as a deadline; all-ones means infinity (RFC 4861 §4.6.2).
    func lifetimeDeadline(_ seconds: UInt32) -> Nanoseconds? {
        seconds == 0xFFFF_FFFF ? nil : now &+ NetTime.seconds(UInt64(seconds))
    }
}
