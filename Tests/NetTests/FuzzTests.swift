import Testing
@testable import Net

/// Hostile input: truncated, bit-flipped and field-mutated packets must be dropped and
/// counted, never crash the stack, and never corrupt a connection.
@Suite struct FuzzTests {
    /// Frames of a busy session: ARP, ICMP, UDP, a TCP connection with data and close,
    /// IPv6 neighbour discovery and router advertisements, DHCP, IPv4 fragments.
    static func corpus() throws -> [[UInt8]] {
        let h = TwoHosts(configure: fastTimers)
        let router = TestRouter()
        h.net.attachHost(router.handle)
        let dhcp = TestDHCPServer()
        h.net.attachHost(dhcp.handle)
        var frames: [[UInt8]] = []
        h.net.filter = { _, frame in
            frames.append(frame)
            return true
        }
        h.a.enableIPv6(on: h.aIf)
        h.b.enableIPv6(on: h.bIf)
        let third = NetworkStack()
        let thirdIf = third.addEthernetInterface(mac: MACAddress(0x52, 0x54, 0, 0, 0, 3))
        h.net.attach(third, thirdIf)
        third.startDHCP(on: thirdIf)
        h.net.run(for: 3_000_000_000)
        let l = try h.b.socket(domain: .inet6, type: .stream)
        try h.b.bind(l, to: SocketAddress(.v6(.unspecified), port: 80))
        try h.b.listen(l, backlog: 4)
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 80))
        h.net.run(for: 100_000_000)
        let (s, _) = try h.b.accept(l)
        try h.a.send(c, pattern(20_000))
        h.net.run(for: 100_000_000)
        _ = try h.b.receive(s, maxCount: 100_000)
        let c6 = try h.a.socket(domain: .inet6, type: .stream)
        try h.a.startConnect(c6, to: SocketAddress(IPv6Tests.global(TwoHosts.bMAC), port: 80))
        let u = try h.a.socket(domain: .inet, type: .datagram)
        try h.a.send(u, pattern(3000), to: SocketAddress(TwoHosts.bAddress, port: 53))
        let p = try h.a.socket(domain: .inet, type: .datagram, protocol: 1)
        try h.a.send(p, [8, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3], to: SocketAddress(TwoHosts.bAddress, port: 0))
        h.net.run(for: 100_000_000)
        try h.a.close(c)
        h.net.run(for: 1_000_000_000)
        return frames
    }

    /// A stack with some state for the frames to hit: addresses, IPv6, sockets, DHCP.
    static func victim() throws -> (NetworkStack, InterfaceID) {
        let s = NetworkStack()
        let id = s.addEthernetInterface(mac: TwoHosts.bMAC)
        s.configureIPv4(id, address: TwoHosts.bAddress, prefixLength: 24)
        s.enableIPv6(on: id)
        s.advance(to: 2_000_000_000)
        let l = try s.socket(domain: .inet6, type: .stream)
        try s.bind(l, to: SocketAddress(.v6(.unspecified), port: 80))
        try s.listen(l, backlog: 4)
        let u = try s.socket(domain: .inet, type: .datagram)
        try s.bind(u, to: SocketAddress(.any, port: 53))
        _ = try s.socket(domain: .inet, type: .datagram, protocol: 1)
        return (s, id)
    }

    /// The victim still works: it answers ARP and a ping from a well-behaved peer.
    static func stillAnswersPing(_ s: NetworkStack, _ id: InterfaceID) throws -> Bool {
        let net = SimulatedNetwork(seed: 99)
        let peer = NetworkStack()
        let peerIf = peer.addEthernetInterface(mac: TwoHosts.aMAC)
        net.attach(peer, peerIf)
        net.attach(s, id)
        peer.configureIPv4(peerIf, address: TwoHosts.aAddress, prefixLength: 24)
        net.now = max(net.now, s.now)
        let p = try peer.socket(domain: .inet, type: .datagram, protocol: 1)
        try peer.send(p, [8, 0, 0, 0, 0, 0, 0, 1], to: SocketAddress(TwoHosts.bAddress, port: 0))
        return net.run(for: 1_000_000_000) { (try? peer.bytesAvailable(p)) ?? 0 > 0 }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func truncatedFramesAreDropped(seed: UInt64) throws {
        let frames = try Self.corpus()
        #expect(frames.count > 50)
        let (s, id) = try Self.victim()
        var rng = SplitMix64(seed: seed)
        var fed = 0
        for frame in frames {
            for _ in 0..<4 {
                let cut = Int(rng.next(below: UInt64(min(frame.count, 80))))
                s.receive(frame: Array(frame[0..<cut]), on: id)
                fed += 1
            }
        }
        // Nothing shorter than 80 bytes is a complete packet here except bare ARP/ICMP
        // prefixes that happen to fit; nearly everything must have been dropped.
        #expect(s.drops.total >= UInt64(fed * 9 / 10))
        #expect(s.drops[.frameTooShort] > 0)
        #expect(s.drops[.ipv4Malformed] > 0)
        #expect(s.drops[.ipv6Malformed] > 0)
        #expect(s.drops[.arpMalformed] > 0)
        #expect(s.statistics(of: id)!.receiveDrops == s.drops.total - s.drops[.udpReceiveBufferFull])
        #expect(try Self.stillAnswersPing(s, id))
    }

    @Test(arguments: [UInt64(4), 5, 6])
    func bitFlippedFramesAreDropped(seed: UInt64) throws {
        let frames = try Self.corpus()
        let (s, id) = try Self.victim()
        var rng = SplitMix64(seed: seed)
        for frame in frames where frame.count > 14 {
            for _ in 0..<6 {
                var f = frame
                let flips = 1 + Int(rng.next(below: 4))
                for _ in 0..<flips {
                    // Past the Ethernet header, so most hit checksummed bytes.
                    let i = 14 + Int(rng.next(below: UInt64(f.count - 14)))
                    f[i] ^= UInt8(1) << UInt8(rng.next(below: 8))
                }
                s.receive(frame: f, on: id)
            }
        }
        let checksumDrops = s.drops[.ipv4BadChecksum] + s.drops[.tcpBadChecksum] + s.drops[.udpBadChecksum]
            + s.drops[.icmpBadChecksum]
        #expect(checksumDrops > 100)
        #expect(s.drops.total > checksumDrops)
        #expect(try Self.stillAnswersPing(s, id))
    }

    /// Mutates header bytes and then repairs every checksum, so the mutation reaches the
    /// parsers behind the checksum checks (TCP options, ND options, DHCP, fragments).
    @Test(arguments: [UInt64(7), 8, 9, 10])
    func checksumRepairedMutationsDoNotCrash(seed: UInt64) throws {
        let frames = try Self.corpus()
        let (s, id) = try Self.victim()
        s.startDHCP(on: id)
        var rng = SplitMix64(seed: seed)
        for frame in frames where frame.count > 34 {
            for _ in 0..<8 {
                var f = frame
                // Frames for the other host are re-addressed to the victim's MAC.
                if f[0] & 1 == 0 { TwoHosts.bMAC.write(to: &f, at: 0) }
                let changes = 1 + Int(rng.next(below: 6))
                for _ in 0..<changes {
                    let i = 14 + Int(rng.next(below: UInt64(min(f.count, 120) - 14)))
                    f[i] = UInt8(truncatingIfNeeded: rng.next())
                }
                if rng.next(below: 4) == 0 { f.removeLast(Int(rng.next(below: UInt64(f.count - 34)))) }
                repairChecksums(&f)
                s.receive(frame: f, on: id)
                s.advance(to: s.now + 1_000_000)
            }
        }
        // The mutations reached many different parsers.
        #expect(DropReason.allCases.filter { s.drops[$0] > 0 }.count >= 10)
        #expect(try Self.stillAnswersPing(s, id))
    }

    /// A transfer through a link that also delivers corrupted copies of frames: the data
    /// arrives intact, and the corrupted copies are counted as checksum drops.
    @Test func corruptionNeverReachesTheApplication() throws {
        let h = TwoHosts(seed: 21)
        var rng = SplitMix64(seed: 77)
        h.net.filter = { port, frame in
            if frame.count > 60 && rng.next(below: 10) == 0 {
                var bad = frame
                let i = 34 + Int(rng.next(below: UInt64(bad.count - 34)))
                bad[i] ^= 0x10
                h.net.pending.append(.init(time: h.net.now + 50_000, order: 0, port: 1 - port, frame: bad))
            }
            return true
        }
        let (c, s) = try TCPTransferTests.connect(h)
        let data = pattern(300_000, seed: 3)
        let r = TCPTransferTests.exchange(h, c, s, data)
        let same = r.done && r.atServer == data && r.atClient == data
        #expect(same)
        #expect(h.a.drops[.tcpBadChecksum] + h.b.drops[.tcpBadChecksum] > 20)
    }
}
