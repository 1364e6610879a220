import Testing
@testable import Net

/// A DHCP server on the simulated link, scripted by the tests.
final class TestDHCPServer {
    let mac = MACAddress(0x52, 0x54, 0, 0, 0, 0xD0)
    let address = IPv4Address(10, 0, 0, 254)
    var pool = IPv4Address(10, 0, 0, 50)
    var leaseSeconds: UInt32 = 120
    var silent = false
    var nakNextRequest = false
    /// Every client message: type, ciaddr, and whether it was broadcast.
    var received: [(type: UInt8, clientAddress: IPv4Address, broadcast: Bool, time: UInt64)] = []

    func frame(to destinationMAC: MACAddress, destination: IPv4Address, _ message: DHCPMessage) -> [UInt8] {
        let body = message.encode()
        let length = 8 + body.count
        var p = [UInt8](repeating: 0, count: 34 + length)
        p.put16(67, at: 34)
        p.put16(68, at: 36)
        p.put16(UInt16(length), at: 38)
        body.withUnsafeBytes { p.copy($0, to: 42) }
        var c = InternetChecksum.pseudoHeader(source: address, destination: destination, protocol: 17, length: length)
        c.add(p, from: 34, count: length)
        p.put16(c.value, at: 40)
        IPv4Header.write(
            to: &p, at: 14, totalLength: 20 + length, identification: 1, ttl: 64, protocolNumber: 17, source: address,
            destination: destination)
        EthernetHeader(destination: destinationMAC, source: mac, etherType: 0x0800).write(to: &p)
        return p
    }

    func handle(_ bytes: [UInt8], _ now: UInt64) -> [[UInt8]] {
        let view = PacketView(bytes)
        guard let eth = EthernetHeader(parsing: view) else { return [] }
        if eth.etherType == 0x0806, let arp = ARPPacket(parsing: view.dropFirst(14)), arp.operation == 1,
            arp.targetIP == address
        {
            let reply = ARPPacket(operation: 2, senderMAC: mac, senderIP: address, targetMAC: arp.senderMAC, targetIP: arp.senderIP)
            return [reply.frame(destination: arp.senderMAC)]
        }
        guard eth.etherType == 0x0800, let ip = try? IPv4Header(parsing: view.dropFirst(14)), ip.protocolNumber == 17,
            bytes.count >= 42, view.u16(36) == 67,
            let request = DHCPMessage(parsing: view.dropFirst(42)), let type = request.messageType
        else { return [] }
        received.append((type, request.clientAddress, ip.destination.isBroadcast, now))
        if silent { return [] }
        var reply = DHCPMessage()
        reply.op = 2
        reply.transactionID = request.transactionID
        reply.clientMAC = request.clientMAC
        reply.broadcastFlag = request.broadcastFlag
        reply.serverIdentifier = address
        switch type {
        case DHCPMessage.discover:
            reply.messageType = DHCPMessage.offer
        case DHCPMessage.request:
            let wanted = request.requestedAddress ?? request.clientAddress
            if nakNextRequest || wanted != pool {
                nakNextRequest = false
                reply.messageType = DHCPMessage.nak
                return [frame(to: .broadcast, destination: .broadcast, reply)]
            }
            reply.messageType = DHCPMessage.ack
        default:
            return []
        }
        reply.yourAddress = pool
        reply.subnetMask = IPv4Address(255, 255, 255, 0)
        reply.routers = [address]
        reply.dnsServers = [IPv4Address(10, 0, 0, 53), IPv4Address(10, 0, 0, 54)]
        reply.leaseTime = leaseSeconds
        reply.renewalTime = leaseSeconds / 2
        reply.rebindingTime = leaseSeconds * 7 / 8
        reply.mtu = 1400
        if request.clientAddress.isAny {
            return [frame(to: .broadcast, destination: .broadcast, reply)]
        }
        return [frame(to: request.clientMAC, destination: request.clientAddress, reply)]
    }
}

@Suite struct DHCPTests {
    static func setUp() -> (SimulatedNetwork, NetworkStack, InterfaceID, TestDHCPServer) {
        let net = SimulatedNetwork(seed: 3)
        var c = StackConfiguration()
        c.randomSeed = 42
        let s = NetworkStack(configuration: c)
        let id = s.addEthernetInterface(mac: MACAddress(0x52, 0x54, 0, 0, 0, 0x10))
        net.attach(s, id)
        let server = TestDHCPServer()
        net.attachHost(server.handle)
        return (net, s, id, server)
    }

    @Test func messageRoundTrip() throws {
        var m = DHCPMessage()
        m.op = 2
        m.transactionID = 0xDEAD_BEEF
        m.clientMAC = MACAddress(1, 2, 3, 4, 5, 6)
        m.yourAddress = IPv4Address(192, 168, 1, 9)
        m.messageType = DHCPMessage.ack
        m.subnetMask = IPv4Address(255, 255, 252, 0)
        m.routers = [IPv4Address(192, 168, 1, 1)]
        m.dnsServers = [IPv4Address(1, 1, 1, 1), IPv4Address(8, 8, 8, 8)]
        m.leaseTime = 86400
        m.mtu = 9000
        let bytes = m.encode()
        #expect(bytes.count == 300)
        #expect(Array(bytes[236..<240]) == [99, 130, 83, 99])
        #expect(DHCPMessage(parsing: PacketView(bytes)) == m)
        #expect(IPv4Address.prefixLength(ofMask: m.subnetMask!) == 22)
        // Truncated options and a bad cookie are rejected.
        var bad = bytes
        bad[236] = 0
        #expect(DHCPMessage(parsing: PacketView(bad)) == nil)
        var truncated = Array(bytes[0..<243])
        truncated[240] = 51
        truncated[241] = 4
        #expect(DHCPMessage(parsing: PacketView(truncated)) == nil)
    }

    @Test func leaseIsObtainedAndConfiguresTheInterface() throws {
        let (net, s, id, server) = Self.setUp()
        s.startDHCP(on: id)
        #expect(s.dhcpState(of: id) == .selecting)
        #expect(net.run(for: 5_000_000_000) { s.dhcpState(of: id) == .bound })
        #expect(server.received.map(\.type) == [DHCPMessage.discover, DHCPMessage.request])
        #expect(server.received.allSatisfy { $0.broadcast && $0.clientAddress.isAny })
        let lease = try #require(s.dhcpLease(of: id))
        #expect(lease.address == IPv4Address(10, 0, 0, 50) && lease.prefixLength == 24)
        #expect(lease.router == server.address && lease.server == server.address && lease.mtu == 1400)
        #expect(s.ipv4Addresses(of: id) == [IPv4InterfaceAddress(address: IPv4Address(10, 0, 0, 50), prefixLength: 24)])
        #expect(s.routes.contains { $0.prefixLength == 0 && $0.gateway == .v4(server.address) && $0.origin == .dhcp })
        #expect(s.nameServers == [.v4(IPv4Address(10, 0, 0, 53)), .v4(IPv4Address(10, 0, 0, 54))])
        #expect(s.mtu(of: id) == 1400)
        #expect(lease.renewAt - lease.obtained == 60_000_000_000)
        #expect(lease.rebindAt - lease.obtained == 105_000_000_000)
        // The address works: the server's host answers… its own ARP at least, and we answer pings.
        let p = try s.socket(domain: .inet, type: .datagram, protocol: 1)
        try s.send(p, [8, 0, 0, 0, 0, 0, 0, 1], to: SocketAddress(IPv4Address(10, 0, 0, 50), port: 0))
        #expect(try s.receive(p, maxCount: 8).count == 8)
    }

    @Test func renewsWithTheServerAtT1() throws {
        let (net, s, id, server) = Self.setUp()
        s.startDHCP(on: id)
        net.run(for: 5_000_000_000) { s.dhcpState(of: id) == .bound }
        let obtained = try #require(s.dhcpLease(of: id)).obtained
        server.received = []
        net.run(for: 61_000_000_000)
        #expect(server.received.count == 1)
        let renewal = try #require(server.received.first)
        #expect(renewal.type == DHCPMessage.request && !renewal.broadcast)
        #expect(renewal.clientAddress == IPv4Address(10, 0, 0, 50))
        #expect(renewal.time - obtained >= 60_000_000_000 && renewal.time - obtained < 60_100_000_000)
        #expect(s.dhcpState(of: id) == .bound)
        #expect(try #require(s.dhcpLease(of: id)).obtained > obtained)
    }

    @Test func rebindsByBroadcastWhenTheServerIsSilentAtT1() throws {
        let (net, s, id, server) = Self.setUp()
        s.startDHCP(on: id)
        net.run(for: 5_000_000_000) { s.dhcpState(of: id) == .bound }
        let obtained = try #require(s.dhcpLease(of: id)).obtained
        server.received = []
        server.silent = true
        net.run(for: 62_000_000_000)
        #expect(s.dhcpState(of: id) == .renewing)
        // Renewal retries wait half the time to T2 but at least 60 s, so the next message is
        // the broadcast at T2; the server answers that one.
        server.silent = false
        #expect(net.run(for: 50_000_000_000) { s.dhcpState(of: id) == .bound })
        let rebind = try #require(server.received.last)
        #expect(rebind.broadcast && rebind.type == DHCPMessage.request)
        #expect(rebind.time - obtained >= 105_000_000_000 && rebind.time - obtained < 105_100_000_000)
        #expect(rebind.clientAddress == IPv4Address(10, 0, 0, 50))
        #expect(server.received.count == 2)
        #expect(s.ipv4Addresses(of: id).first?.address == IPv4Address(10, 0, 0, 50))
    }

    @Test func nakRestartsConfiguration() throws {
        let (net, s, id, server) = Self.setUp()
        s.startDHCP(on: id)
        net.run(for: 5_000_000_000) { s.dhcpState(of: id) == .bound }
        // The network was renumbered: the renewal is refused and a new address offered.
        server.pool = IPv4Address(10, 0, 0, 77)
        server.received = []
        var sawUnconfigured = false
        #expect(net.run(for: 70_000_000_000) {
            if s.ipv4Addresses(of: id).isEmpty { sawUnconfigured = true }
            return sawUnconfigured && s.dhcpState(of: id) == .bound
        })
        #expect(server.received.map(\.type) == [DHCPMessage.request, DHCPMessage.discover, DHCPMessage.request])
        #expect(s.interface(id)!.dhcp!.naks == 1)
        #expect(s.dhcpLease(of: id)?.address == IPv4Address(10, 0, 0, 77))
        #expect(s.ipv4Addresses(of: id).first?.address == IPv4Address(10, 0, 0, 77))
    }

    @Test func retransmissionsBackOffExponentially() throws {
        let (net, s, id, server) = Self.setUp()
        server.silent = true
        s.startDHCP(on: id)
        net.run(for: 70_000_000_000)
        let times = server.received.map(\.time)
        #expect(times.count == 5)  // 0, ~4, ~12, ~28, ~60 s
        var gaps: [UInt64] = []
        for i in 1..<times.count { gaps.append(times[i] - times[i - 1]) }
        for (i, gap) in gaps.enumerated() {
            let expected = UInt64(4_000_000_000) << UInt64(i)
            #expect(gap + 1_000_000_000 >= expected && gap <= expected + 1_000_000_000)
        }
        #expect(server.received.allSatisfy { $0.type == DHCPMessage.discover })
        // Once the server answers, the client binds.
        server.silent = false
        #expect(net.run(for: 70_000_000_000) { s.dhcpState(of: id) == .bound })
    }

    @Test func expiredLeaseIsDropped() throws {
        let (net, s, id, server) = Self.setUp()
        s.startDHCP(on: id)
        net.run(for: 5_000_000_000) { s.dhcpState(of: id) == .bound }
        server.silent = true
        #expect(net.run(for: 130_000_000_000) { s.ipv4Addresses(of: id).isEmpty })
        #expect(s.dhcpState(of: id) == .selecting)
        #expect(!s.routes.contains { $0.destination.isV4 })
    }

    @Test func malformedRepliesAreCounted() throws {
        let (_, s, id, server) = Self.setUp()
        s.startDHCP(on: id)
        var reply = DHCPMessage()
        reply.op = 2
        reply.transactionID = s.interface(id)!.dhcp!.transactionID
        reply.clientMAC = s.macAddress(of: id)!
        reply.messageType = DHCPMessage.offer
        var frame = server.frame(to: .broadcast, destination: .broadcast, reply)
        frame[42 + 236] ^= 0xFF  // break the magic cookie; fix the UDP checksum by zeroing it
        frame[40] = 0
        frame[41] = 0
        s.receive(frame: frame, on: id)
        #expect(s.drops[.dhcpMalformed] == 1)
        #expect(s.dhcpState(of: id) == .selecting)
    }
}
