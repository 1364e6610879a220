/// The DHCPv4 client (RFC 2131): DISCOVER → OFFER → REQUEST → ACK, renewal at T1 (unicast to
/// the server), rebinding at T2 (broadcast), expiry, NAKs, and retransmission with randomized
/// exponential backoff. A bound lease configures the interface address, subnet route,
/// default route, DNS servers and MTU.
///
/// Not done: checking the offered address with ARP before using it (RFC 2131 §4.4.1 DECLINE),
/// INIT-REBOOT with a remembered address, and option overload.
extension NetworkStack {
    /// Starts (or restarts) DHCP on an interface.
    public func startDHCP(on id: InterfaceID) {
        guard let i = interface(id), !i.isLoopback else { return }
        let client = DHCPClient(transactionID: UInt32(truncatingIfNeeded: random.next()), now: now)
        i.dhcp = client
        sendDiscover(client, on: i)
    }

    /// Stops DHCP; with `release`, tells the server (DHCPRELEASE) and removes the address.
    public func stopDHCP(on id: InterfaceID, release: Bool) {
        guard let i = interface(id), let client = i.dhcp else { return }
        if release, let lease = client.lease {
            var m = baseMessage(client, on: i, type: DHCPMessage.release)
            m.clientAddress = lease.address
            m.serverIdentifier = lease.server
            sendDHCP(m, from: lease.address, to: lease.server, on: i)
            removeIPv4(i)
        }
        i.dhcp = nil
    }

    public func dhcpState(of id: InterfaceID) -> DHCPState? { interface(id)?.dhcp?.state }
    public func dhcpLease(of id: InterfaceID) -> DHCPLease? { interface(id)?.dhcp?.lease }

    // MARK: Sending

    func baseMessage(_ client: DHCPClient, on i: Interface, type: UInt8) -> DHCPMessage {
        var m = DHCPMessage()
        m.op = 1
        m.transactionID = client.transactionID
        m.seconds = UInt16(truncatingIfNeeded: Swift.min((now &- client.started) / 1_000_000_000, 0xFFFF))
        m.clientMAC = i.mac
        m.messageType = type
        m.clientIdentifier = [1, i.mac.byte(0), i.mac.byte(1), i.mac.byte(2), i.mac.byte(3), i.mac.byte(4), i.mac.byte(5)]
        m.parameterRequestList = [
            DHCPMessage.optionSubnetMask, DHCPMessage.optionRouter, DHCPMessage.optionDNS, DHCPMessage.optionDomainName,
            DHCPMessage.optionMTU, DHCPMessage.optionLeaseTime, DHCPMessage.optionRenewalTime,
            DHCPMessage.optionRebindingTime,
        ]
        return m
    }

    /// The wait before retransmission number `attempt`: 4, 8, 16, … 64 s, ±1 s.
    func dhcpBackoff(_ attempt: Int) -> Nanoseconds {
        let base = Swift.min(
            configuration.dhcpInitialRetransmit << UInt64(Swift.min(attempt, 16)), configuration.dhcpMaximumRetransmit)
        let jitter = random.next(below: 2_000_000_001)
        return base &+ jitter > 1_000_000_000 ? base &+ jitter &- 1_000_000_000 : base
    }

    func sendDiscover(_ client: DHCPClient, on i: Interface) {
        client.state = .selecting
        var m = baseMessage(client, on: i, type: DHCPMessage.discover)
        m.broadcastFlag = true
        sendDHCP(m, from: .any, to: .broadcast, on: i)
        client.deadline = now &+ dhcpBackoff(client.attempts)
    }

    func sendRequest(_ client: DHCPClient, on i: Interface) {
        var m = baseMessage(client, on: i, type: DHCPMessage.request)
        switch client.state {
        case .requesting:
            m.broadcastFlag = true
            m.requestedAddress = client.offeredAddress
            m.serverIdentifier = client.offeringServer
            sendDHCP(m, from: .any, to: .broadcast, on: i)
        case .renewing:
            guard let lease = client.lease else { return }
            m.clientAddress = lease.address
            sendDHCP(m, from: lease.address, to: lease.server, on: i)
        case .rebinding:
            guard let lease = client.lease else { return }
            m.clientAddress = lease.address
            sendDHCP(m, from: lease.address, to: .broadcast, on: i)
        default:
            break
        }
    }

    /// Sends a DHCP message over UDP 68 → 67. Broadcasts go out directly (the source may be
    /// `0.0.0.0`, which routing cannot produce); unicasts to the server are routed.
    func sendDHCP(_ message: DHCPMessage, from source: IPv4Address, to destination: IPv4Address, on i: Interface) {
        let body = message.encode()
        let o = Self.linkRoom &+ IPv4Header.minimumSize
        let length = UDPHeader.size &+ body.count
        var p = [UInt8](repeating: 0, count: o &+ length)
        p.put16(DHCPMessage.clientPort, at: o)
        p.put16(DHCPMessage.serverPort, at: o &+ 2)
        p.put16(UInt16(truncatingIfNeeded: length), at: o &+ 4)
        body.withUnsafeBytes { p.copy($0, to: o &+ UDPHeader.size) }
        var sum = InternetChecksum.pseudoHeader(source: source, destination: destination, protocol: IPv4Header.protocolUDP, length: length)
        sum.add(p, from: o, count: length)
        p.put16(sum.value == 0 ? 0xFFFF : sum.value, at: o &+ 6)
        IPv4Header.write(
            to: &p, at: Self.linkRoom, totalLength: IPv4Header.minimumSize &+ length, identification: nextIPIdentification(),
            ttl: configuration.defaultTTL, protocolNumber: IPv4Header.protocolUDP, source: source, destination: destination)
        if destination.isBroadcast {
            emit(p, to: .broadcast, etherType: EthernetHeader.typeIPv4, on: i)
        } else if let decision = route(to: .v4(destination), source: .v4(source)) {
            transmit(p, etherType: EthernetHeader.typeIPv4, nextHop: decision.nextHop, on: decision.interface)
        }
    }

    // MARK: Receiving

    func dhcpInput(_ payload: PacketView, client: DHCPClient, on i: Interface) {
        guard let m = DHCPMessage(parsing: payload), m.op == 2 else { return drop(.dhcpMalformed, on: i) }
        guard m.transactionID == client.transactionID, m.clientMAC == i.mac, let type = m.messageType else { return }
        switch (client.state, type) {
        case (.selecting, DHCPMessage.offer):
            guard !m.yourAddress.isAny, !m.yourAddress.isBroadcast, !m.yourAddress.isMulticast,
                let server = m.serverIdentifier
            else { return drop(.dhcpMalformed, on: i) }
            client.offeredAddress = m.yourAddress
            client.offeringServer = server
            client.state = .requesting
            client.attempts = 0
            sendRequest(client, on: i)
            client.deadline = now &+ dhcpBackoff(0)
        case (.requesting, DHCPMessage.ack), (.renewing, DHCPMessage.ack), (.rebinding, DHCPMessage.ack):
            guard !m.yourAddress.isAny else { return drop(.dhcpMalformed, on: i) }
            bindLease(m, client: client, on: i)
        case (.requesting, DHCPMessage.nak), (.renewing, DHCPMessage.nak), (.rebinding, DHCPMessage.nak):
            if client.state == .requesting, let server = m.serverIdentifier, server != client.offeringServer { return }
            client.naks &+= 1
            if client.lease != nil {
                removeIPv4(i)
                client.lease = nil
            }
            restartDHCP(client, on: i)
        default:
            break
        }
    }

    func restartDHCP(_ client: DHCPClient, on i: Interface) {
        client.transactionID = UInt32(truncatingIfNeeded: random.next())
        client.started = now
        client.attempts = 0
        sendDiscover(client, on: i)
    }

    func bindLease(_ m: DHCPMessage, client: DHCPClient, on i: Interface) {
        let prefix: Int
        if let mask = m.subnetMask, let p = IPv4Address.prefixLength(ofMask: mask) {
            prefix = p
        } else {
            let first = m.yourAddress.rawValue >> 24
            prefix = first < 128 ? 8 : first < 192 ? 16 : 24  // classful default
        }
        let leaseSeconds = UInt64(m.leaseTime ?? 3600)
        let infinite = m.leaseTime == 0xFFFF_FFFF
        let expires = infinite ? Nanoseconds.max : now &+ NetTime.seconds(leaseSeconds)
        let renew = infinite ? Nanoseconds.max : now &+ NetTime.seconds(UInt64(m.renewalTime ?? UInt32(leaseSeconds / 2)))
        let rebind =
            infinite ? Nanoseconds.max : now &+ NetTime.seconds(UInt64(m.rebindingTime ?? UInt32(leaseSeconds * 7 / 8)))
        let server = m.serverIdentifier ?? client.lease?.server ?? client.offeringServer
        let lease = DHCPLease(
            address: m.yourAddress, prefixLength: prefix, router: m.routers.first, dnsServers: m.dnsServers, mtu: m.mtu,
            server: server, obtained: now, renewAt: Swift.min(renew, rebind), rebindAt: Swift.min(rebind, expires),
            expiresAt: expires)
        let old = client.lease
        client.lease = lease
        client.state = .bound
        client.attempts = 0
        client.deadline = lease.renewAt == .max ? nil : lease.renewAt
        if old?.address != lease.address || old?.prefixLength != lease.prefixLength || old?.router != lease.router
            || i.ipv4Addresses.first?.address != lease.address
        {
            assignIPv4(i, address: lease.address, prefixLength: prefix, gateway: lease.router, origin: .dhcp)
        }
        if let mtu = lease.mtu, mtu >= 576 { setMTU(mtu, on: i.id) }
        if !lease.dnsServers.isEmpty {
            nameServers = lease.dnsServers.map { IPAddress.v4($0) } + nameServers.filter { !$0.isV4 }
        }
        configurationGeneration &+= 1
    }

    func runDHCPTimers(_ i: Interface) {
        guard let client = i.dhcp, let deadline = client.deadline, deadline <= now else { return }
        switch client.state {
        case .selecting:
            client.attempts &+= 1
            sendDiscover(client, on: i)
        case .requesting:
            client.attempts &+= 1
            if client.attempts >= configuration.dhcpRequestAttempts {
                restartDHCP(client, on: i)
            } else {
                sendRequest(client, on: i)
                client.deadline = now &+ dhcpBackoff(client.attempts)
            }
        case .bound, .renewing, .rebinding:
            guard let lease = client.lease else { return restartDHCP(client, on: i) }
            if now >= lease.expiresAt {
                // The lease ran out: stop using the address and start over (RFC 2131 §4.4.5).
                removeIPv4(i)
                client.lease = nil
                return restartDHCP(client, on: i)
            }
            client.state = now >= lease.rebindAt ? .rebinding : .renewing
            if client.state == .renewing {
                client.transactionID = client.attempts == 0 ? UInt32(truncatingIfNeeded: random.next()) : client.transactionID
            }
            client.attempts &+= 1
            sendRequest(client, on: i)
            // Wait half the time left until T2 (renewing) or expiry (rebinding), at least 60 s,
            // but never past that point (RFC 2131 §4.4.5).
            let limit = client.state == .renewing ? lease.rebindAt : lease.expiresAt
            let half = (limit &- now) / 2
            client.deadline = Swift.min(now &+ Swift.max(half, configuration.dhcpMinimumRenewalRetransmit), limit)
        }
    }
}
