import Testing
@testable import Net

/// Builds a complete Ethernet + IPv6 + ICMPv6 frame with a correct checksum.
func icmpv6Frame(
    from mac: MACAddress, to destinationMAC: MACAddress, source: IPv6Address, destination: IPv6Address,
    message: [UInt8], hopLimit: UInt8 = 255
) -> [UInt8] {
    var p = [UInt8](repeating: 0, count: 54 + message.count)
    message.withUnsafeBytes { p.copy($0, to: 54) }
    var c = InternetChecksum.pseudoHeader(source: source, destination: destination, protocol: 58, length: message.count)
    c.add(p, from: 54, count: message.count)
    p.put16(c.value, at: 56)
    IPv6Header.write(
        to: &p, at: 14, payloadLength: message.count, nextHeader: 58, hopLimit: hopLimit, source: source, destination: destination)
    EthernetHeader(destination: destinationMAC, source: mac, etherType: 0x86DD).write(to: &p)
    return p
}

/// A router that answers router solicitations with an advertisement for one prefix, and
/// neighbour solicitations for its own link-local address.
final class TestRouter {
    let mac = MACAddress(0x52, 0x54, 0, 0, 0, 0xFE)
    var linkLocal: IPv6Address { .linkLocal(mac: mac) }
    var prefix = IPv6Address(0x2001, 0xDB8, 1, 0, 0, 0, 0, 0)
    var validLifetime: UInt32 = 86400
    var preferredLifetime: UInt32 = 14400
    var routerLifetime: UInt16 = 1800
    var mtu: UInt32 = 1400
    var dns = [IPv6Address(0x2001, 0xDB8, 1, 0, 0, 0, 0, 0x53)]
    var solicitations = 0

    func advertisement() -> [UInt8] {
        var m: [UInt8] = [134, 0, 0, 0, 64, 0]
        m.append16(routerLifetime)
        m.append32(0)  // reachable time
        m.append32(0)  // retransmit timer
        m += [1, 1] + (0..<6).map { mac.byte($0) }  // source link-layer address
        m += [3, 4, 64, 0xC0]  // prefix information: on-link, autonomous
        m.append32(validLifetime)
        m.append32(preferredLifetime)
        m.append32(0)
        for i in 0..<16 { m.append(prefix.byte(i)) }
        m += [5, 1, 0, 0]
        m.append32(mtu)
        m += [25, UInt8(1 + 2 * dns.count), 0, 0]
        m.append32(3600)
        for server in dns { for i in 0..<16 { m.append(server.byte(i)) } }
        return icmpv6Frame(from: mac, to: .ipv6Multicast(.allNodes), source: linkLocal, destination: .allNodes, message: m)
    }

    func handle(_ frame: [UInt8], _ now: UInt64) -> [[UInt8]] {
        guard frame.count >= 62, frame[12] == 0x86, frame[13] == 0xDD, frame[20] == 58 else { return [] }
        let view = PacketView(frame)
        switch frame[54] {
        case 133:
            solicitations += 1
            return [advertisement()]
        case 135 where IPv6Address(reading: view, at: 62) == linkLocal:
            let asker = IPv6Address(reading: view, at: 22)
            var m: [UInt8] = [136, 0, 0, 0, 0xE0, 0, 0, 0]  // router, solicited, override
            for i in 0..<16 { m.append(linkLocal.byte(i)) }
            m += [2, 1] + (0..<6).map { mac.byte($0) }
            return [icmpv6Frame(from: mac, to: MACAddress(reading: view, at: 6), source: linkLocal, destination: asker, message: m)]
        default:
            return []
        }
    }
}

@Suite struct IPv6Tests {
    static func setUp(seed: UInt64 = 1) -> (TwoHosts, TestRouter) {
        let h = TwoHosts(seed: seed)
        let router = TestRouter()
        h.net.attachHost(router.handle)
        h.a.enableIPv6(on: h.aIf)
        h.b.enableIPv6(on: h.bIf)
        return (h, router)
    }

    static func global(_ mac: MACAddress) -> IPv6Address {
        IPv6Address(high: IPv6Address(0x2001, 0xDB8, 1, 0, 0, 0, 0, 0).high, low: IPv6Address.interfaceIdentifier(mac: mac))
    }

    @Test func linkLocalFromMAC() {
        let ll = IPv6Address.linkLocal(mac: MACAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56))
        #expect(ll == IPv6Address(0xFE80, 0, 0, 0, 0x5054, 0x00FF, 0xFE12, 0x3456))
        #expect(ll.isLinkLocal && !ll.isMulticast)
        #expect(ll.solicitedNode == IPv6Address(0xFF02, 0, 0, 0, 0, 1, 0xFF12, 0x3456))
        #expect(MACAddress.ipv6Multicast(ll.solicitedNode) == MACAddress(0x33, 0x33, 0xFF, 0x12, 0x34, 0x56))
    }

    @Test func slaacFromRouterAdvertisement() throws {
        let (h, router) = Self.setUp()
        // Link-local addresses are tentative during duplicate address detection.
        let tentative = h.a.ipv6Addresses(of: h.aIf)
        #expect(tentative.count == 1 && tentative[0].isTentative && tentative[0].origin == .linkLocal)
        h.net.run(for: 3_000_000_000)
        #expect(router.solicitations >= 2)  // one from each host
        let addresses = h.a.ipv6Addresses(of: h.aIf)
        #expect(addresses.count == 2)
        let slaac = try #require(addresses.first { $0.origin == .autoconfigured })
        #expect(slaac.address == Self.global(TwoHosts.aMAC))
        #expect(!slaac.isTentative && slaac.prefixLength == 64)
        #expect(slaac.validUntil != nil && slaac.preferredUntil! < slaac.validUntil!)
        #expect(h.a.routes.contains { $0.prefixLength == 0 && $0.gateway == .v6(router.linkLocal) })
        #expect(h.a.routes.contains { $0.prefixLength == 64 && $0.gateway == nil && !$0.destination.isV4 })
        #expect(h.a.nameServers.contains(.v6(router.dns[0])))
        #expect(h.a.mtu(of: h.aIf) == 1400)
        // No more solicitations after the advertisement.
        let before = router.solicitations
        h.net.run(for: 20_000_000_000)
        #expect(router.solicitations == before)
    }

    @Test func tcpAndPingOverIPv6() throws {
        let (h, router) = Self.setUp()
        h.net.run(for: 3_000_000_000)
        let l = try h.b.socket(domain: .inet6, type: .stream)
        try h.b.bind(l, to: SocketAddress(.v6(.unspecified), port: 80))
        try h.b.listen(l, backlog: 2)
        let c = try h.a.socket(domain: .inet6, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(Self.global(TwoHosts.bMAC), port: 80))
        #expect(h.net.run(for: 1_000_000_000) { (try? h.b.readiness(l))?.contains(.readable) == true })
        let (s, peer) = try h.b.accept(l)
        #expect(peer.address == .v6(Self.global(TwoHosts.aMAC)))
        let data = pattern(100_000)
        var sent = 0
        var got: [UInt8] = []
        #expect(h.net.run(for: 5_000_000_000) {
            while sent < data.count, let n = try? h.a.send(c, Array(data[sent..<min(data.count, sent + 65536)])) { sent += n }
            while let chunk = try? h.b.receive(s, maxCount: 65536), !chunk.isEmpty { got += chunk }
            return got.count == data.count
        })
        let same = got == data
        #expect(same)
        // MSS follows the advertised MTU: 1400 - 40 - 20 - 12 bytes of timestamps.
        #expect(try h.a.getOption(c, .maximumSegment) == 1328)
        // The neighbour caches learned each other directly (on-link prefix, no router).
        #expect(h.a.interface(h.aIf)!.neighbors6.linkAddress(of: .v6(Self.global(TwoHosts.bMAC))) == TwoHosts.bMAC)
        _ = router
        // Ping the peer's link-local address (scope = interface).
        let p = try h.a.socket(domain: .inet6, type: .datagram, protocol: 58)
        let target = SocketAddress(.linkLocal(mac: TwoHosts.bMAC), port: 0, scopeID: h.aIf.rawValue)
        try h.a.send(p, [128, 0, 0, 0, 0, 0, 0, 9, 1, 2, 3], to: target)
        h.net.run(for: 10_000_000)
        let (reply, from) = try h.a.receiveFrom(p, maxCount: 100)
        #expect(reply.count == 11 && reply[0] == 129 && reply[7] == 9)
        #expect(from == target)
    }

    @Test func duplicateAddressIsGivenUp() throws {
        let h = TwoHosts()
        // A host that claims every address anyone probes for.
        let squatter = MACAddress(0x52, 0x54, 0, 0, 0, 0x66)
        h.net.attachHost { frame, _ in
            guard frame.count >= 78, frame[12] == 0x86, frame[54] == 135 else { return [] }
            let target = IPv6Address(reading: PacketView(frame), at: 62)
            var m: [UInt8] = [136, 0, 0, 0, 0x20, 0, 0, 0]
            for i in 0..<16 { m.append(target.byte(i)) }
            m += [2, 1] + (0..<6).map { squatter.byte($0) }
            return [icmpv6Frame(from: squatter, to: .ipv6Multicast(.allNodes), source: target, destination: .allNodes, message: m)]
        }
        h.a.enableIPv6(on: h.aIf)
        h.net.run(for: 2_000_000_000)
        #expect(h.a.ipv6Addresses(of: h.aIf).isEmpty)
        #expect(h.a.duplicateAddresses == 1)
    }

    @Test func neighborDiscoveryRequiresHopLimit255() throws {
        let (h, router) = Self.setUp()
        h.net.run(for: 1_500_000_000)
        let before = h.a.drops[.ndMalformed]
        let addresses = h.a.ipv6Addresses(of: h.aIf)
        router.prefix = IPv6Address(0x2001, 0xDB8, 0x99, 0, 0, 0, 0, 0)
        var frame = router.advertisement()
        frame[21] = 64  // hop limit: forwarded, so not from this link
        h.a.receive(frame: frame, on: h.aIf)
        #expect(h.a.drops[.ndMalformed] == before + 1)
        #expect(h.a.ipv6Addresses(of: h.aIf) == addresses)
    }

    @Test func unresolvableIPv6NeighborFailsConnect() throws {
        let (h, _) = Self.setUp()
        h.net.run(for: 3_000_000_000)
        let c = try h.a.socket(domain: .inet6, type: .stream)
        let nobody = IPv6Address(0x2001, 0xDB8, 1, 0, 0, 0, 0, 0x99)
        try h.a.startConnect(c, to: SocketAddress(nobody, port: 80))
        #expect(h.net.run(for: 5_000_000_000) { (try? h.a.tcpState(c)) == .closed })
        #expect(try h.a.getOption(c, .error) == NetError.hostUnreachable.rawValue)
    }

    @Test func addressesExpireWithTheirLifetime() throws {
        let (h, router) = Self.setUp()
        router.validLifetime = 30
        router.preferredLifetime = 20
        router.routerLifetime = 25
        h.net.run(for: 3_000_000_000)
        #expect(h.a.ipv6Addresses(of: h.aIf).count == 2)
        h.net.run(for: 40_000_000_000)
        #expect(h.a.ipv6Addresses(of: h.aIf).count == 1)
        #expect(!h.a.routes.contains { $0.origin == .routerAdvertisement })
    }

    @Test func closedPortAnswersICMPv6PortUnreachable() throws {
        let (h, _) = Self.setUp()
        h.net.run(for: 3_000_000_000)
        let u = try h.a.socket(domain: .inet6, type: .datagram)
        try h.a.connect(u, to: SocketAddress(Self.global(TwoHosts.bMAC), port: 999))
        try h.a.send(u, [1])
        h.net.run(for: 10_000_000)
        #expect(throws: NetError.connectionRefused) { try h.a.receive(u, maxCount: 1) }
        // Datagrams larger than the MTU are refused rather than fragmented.
        #expect(throws: NetError.messageTooLong) { try h.a.send(u, pattern(1400)) }
    }

    @Test func tcpOverLinkLocalKeepsTheScope() throws {
        let (h, _) = Self.setUp()
        h.net.run(for: 1_500_000_000)
        let l = try h.b.socket(domain: .inet6, type: .stream)
        try h.b.bind(l, to: SocketAddress(.v6(.unspecified), port: 22))
        try h.b.listen(l, backlog: 1)
        let c = try h.a.socket(domain: .inet6, type: .stream)
        let target = SocketAddress(.linkLocal(mac: TwoHosts.bMAC), port: 22, scopeID: h.aIf.rawValue)
        try h.a.startConnect(c, to: target)
        #expect(h.net.run(for: 1_000_000_000) { (try? h.b.readiness(l))?.contains(.readable) == true })
        let (s, peer) = try h.b.accept(l)
        #expect(peer.address == .v6(.linkLocal(mac: TwoHosts.aMAC)) && peer.scopeID == h.bIf.rawValue)
        #expect(try h.a.peerAddress(c) == target)
        #expect(try h.a.localAddress(c).address == .v6(.linkLocal(mac: TwoHosts.aMAC)))
        try h.b.send(s, [1, 2, 3])
        h.net.run(for: 100_000_000)
        #expect(try h.a.receive(c, maxCount: 10) == [1, 2, 3])
    }
}
