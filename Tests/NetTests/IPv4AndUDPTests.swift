import Testing
@testable import Net

@Suite struct IPv4AndUDPTests {
    @Test func missingPeerFailsWithHostUnreachableAfterRetries() throws {
        let h = TwoHosts()
        let c = try h.a.socket(domain: .inet, type: .stream)
        let start = h.net.now
        try h.a.startConnect(c, to: SocketAddress(IPv4Address(10, 0, 0, 99), port: 80))
        var arpRequests = 0
        h.net.filter = { port, frame in
            if port == 0 && frame[12] == 0x08 && frame[13] == 0x06 { arpRequests += 1 }
            return true
        }
        #expect(h.net.run(for: 10_000_000_000) { (try? h.a.tcpState(c)) == .closed })
        let elapsed = h.net.now - start
        #expect(elapsed >= 3_000_000_000 && elapsed < 3_100_000_000)  // 3 solicitations, 1 s apart
        #expect(arpRequests == 3)
        #expect(try h.a.getOption(c, .error) == NetError.hostUnreachable.rawValue)
        #expect(h.a.drops[.neighborUnresolved] >= 1)
        #expect(h.a.statistics(of: h.aIf)!.sendDrops >= 1)
        #expect(h.a.interface(h.aIf)!.arp.entries.isEmpty)
    }

    @Test func gratuitousARPIsSentAndUpdatesCaches() throws {
        let h = TwoHosts()
        // B already knows A from the handshake-free warmup? Not yet: teach it with a ping.
        let ping = try h.b.socket(domain: .inet, type: .datagram, protocol: 1)
        try h.b.send(ping, [8, 0, 0, 0, 0, 0, 0, 1], to: SocketAddress(TwoHosts.aAddress, port: 0))
        h.net.run(for: 10_000_000)
        #expect(h.b.interface(h.bIf)!.arp.linkAddress(of: .v4(TwoHosts.aAddress)) == TwoHosts.aMAC)
        // A moves its address to a new NIC: the announcement updates B's cache.
        let newMAC = MACAddress(0x52, 0x54, 0, 0, 0, 0x99)
        let a2 = NetworkStack()
        let a2If = a2.addEthernetInterface(mac: newMAC)
        h.net.attach(a2, a2If)
        h.net.disconnected.insert(0)
        var announced = false
        h.net.filter = { port, frame in
            if port == 2, let arp = ARPPacket(parsing: PacketView(frame).dropFirst(14)), arp.senderIP == arp.targetIP {
                announced = true
            }
            return true
        }
        a2.configureIPv4(a2If, address: TwoHosts.aAddress, prefixLength: 24)
        h.net.run(for: 10_000_000)
        #expect(announced)
        #expect(h.b.interface(h.bIf)!.arp.linkAddress(of: .v4(TwoHosts.aAddress)) == newMAC)
    }

    @Test func closedUDPPortAnswersPortUnreachable() throws {
        let h = TwoHosts()
        let c = try h.a.socket(domain: .inet, type: .datagram)
        try h.a.connect(c, to: SocketAddress(TwoHosts.bAddress, port: 4444))
        try h.a.send(c, [1, 2, 3])
        h.net.run(for: 10_000_000)
        #expect(h.b.drops[.udpNoSocket] == 1)
        #expect(try h.a.readiness(c).contains(.error))
        #expect(throws: NetError.connectionRefused) { try h.a.receive(c, maxCount: 10) }
        #expect(throws: NetError.wouldBlock) { try h.a.receive(c, maxCount: 10) }
        // Broadcasts to closed ports are dropped silently.
        let bc = try h.a.socket(domain: .inet, type: .datagram)
        #expect(throws: NetError.permissionDenied) { try h.a.send(bc, [1], to: SocketAddress(.broadcast, port: 4444)) }
        try h.a.setOption(bc, .broadcast, 1)
        try h.a.send(bc, [1], to: SocketAddress(IPv4Address(10, 0, 0, 255), port: 4444))
        h.net.run(for: 10_000_000)
        #expect(h.b.drops[.udpNoSocket] == 2)
        #expect(try !h.a.readiness(bc).contains(.error))
    }

    @Test func broadcastReachesEverySocketOnThePort() throws {
        let h = TwoHosts()
        let r1 = try h.b.socket(domain: .inet, type: .datagram)
        let r2 = try h.b.socket(domain: .inet, type: .datagram)
        for r in [r1, r2] {
            try h.b.setOption(r, .reuseAddress, 1)
            try h.b.bind(r, to: SocketAddress(.any, port: 5353))
        }
        let s = try h.a.socket(domain: .inet, type: .datagram)
        try h.a.setOption(s, .broadcast, 1)
        try h.a.send(s, Array("all".utf8), to: SocketAddress(.broadcast, port: 5353))
        h.net.run(for: 10_000_000)
        #expect(try h.b.receive(r1, maxCount: 10) == Array("all".utf8))
        #expect(try h.b.receive(r2, maxCount: 10) == Array("all".utf8))
    }

    @Test func largeDatagramsAreFragmentedAndReassembled() throws {
        let h = TwoHosts()
        h.net.impairment.jitter = 300_000  // fragments arrive out of order
        let r = try h.b.socket(domain: .inet, type: .datagram)
        try h.b.bind(r, to: SocketAddress(.any, port: 9000))
        let s = try h.a.socket(domain: .inet, type: .datagram)
        let big = pattern(9000)
        var fragments = 0
        h.net.filter = { port, frame in
            if port == 0 && frame[12] == 8 && frame[13] == 0 { fragments += 1 }
            return true
        }
        try h.a.send(s, big, to: SocketAddress(TwoHosts.bAddress, port: 9000))
        h.net.run(for: 10_000_000)
        #expect(fragments == 7)  // 9008 bytes of UDP in 1480-byte pieces
        let (got, _) = try h.b.receiveFrom(r, maxCount: 10000)
        #expect(got == big)
        #expect(h.b.reassembler.datagrams.isEmpty)
        // A lost fragment leaves a partial datagram that times out.
        var dropped = false
        h.net.filter = { port, frame in
            if port == 0 && !dropped && frame.count > 1000 {
                dropped = true
                return false
            }
            return true
        }
        try h.a.send(s, big, to: SocketAddress(TwoHosts.bAddress, port: 9000))
        h.net.run(for: 10_000_000)
        #expect(throws: NetError.wouldBlock) { try h.b.receive(r, maxCount: 10) }
        #expect(h.b.reassembler.datagrams.count == 1)
        h.net.run(for: 31_000_000_000)
        #expect(h.b.reassembler.datagrams.isEmpty)
        #expect(h.b.drops[.ipv4ReassemblyTimeout] == 1)
    }

    @Test func overlappingFragmentsDropTheDatagram() throws {
        var r = IPv4Reassembler()
        func fragment(offset: Int, length: Int, more: Bool) -> (IPv4Header, PacketView) {
            var p = [UInt8](repeating: 0, count: 20 + length)
            IPv4Header.write(
                to: &p, at: 0, totalLength: 20 + length, identification: 77, moreFragments: more, fragmentOffset: offset,
                ttl: 64, protocolNumber: 17, source: IPv4Address(1, 1, 1, 1), destination: IPv4Address(2, 2, 2, 2))
            for i in 0..<length { p[20 + i] = UInt8(truncatingIfNeeded: offset + i) }
            let view = PacketView(p)
            return (try! IPv4Header(parsing: view), view.dropFirst(20))
        }
        var (h, v) = fragment(offset: 0, length: 16, more: true)
        guard case .incomplete = r.add(header: h, payload: v, now: 0, timeout: 100, limit: 4) else { Issue.record(); return }
        (h, v) = fragment(offset: 8, length: 16, more: false)
        guard case .dropped(.ipv4FragmentInvalid) = r.add(header: h, payload: v, now: 0, timeout: 100, limit: 4) else {
            Issue.record("overlap accepted")
            return
        }
        #expect(r.datagrams.isEmpty)
        // Out of order, with an exact duplicate: reassembles.
        (h, v) = fragment(offset: 16, length: 5, more: false)
        _ = r.add(header: h, payload: v, now: 0, timeout: 100, limit: 4)
        _ = r.add(header: h, payload: v, now: 0, timeout: 100, limit: 4)
        (h, v) = fragment(offset: 0, length: 16, more: true)
        guard case .complete(let whole) = r.add(header: h, payload: v, now: 0, timeout: 100, limit: 4) else {
            Issue.record("not reassembled")
            return
        }
        #expect(whole == (0..<21).map { UInt8($0) })
        // A non-final fragment whose length is not a multiple of 8 is invalid.
        (h, v) = fragment(offset: 0, length: 12, more: true)
        guard case .dropped = r.add(header: h, payload: v, now: 0, timeout: 100, limit: 4) else { Issue.record(); return }
    }

    @Test func echoRepliesComeFromTheStackItself() throws {
        let h = TwoHosts()
        let p = try h.a.socket(domain: .inet, type: .datagram, protocol: 1)
        try h.a.connect(p, to: SocketAddress(TwoHosts.bAddress, port: 0))
        for seq in 1...3 { try h.a.send(p, [8, 0, 0, 0, 0, 0, 0, UInt8(seq)] + pattern(56)) }
        h.net.run(for: 10_000_000)
        for seq in 1...3 {
            let reply = try h.a.receive(p, maxCount: 200)
            #expect(reply.count == 64 && reply[0] == 0 && reply[7] == UInt8(seq))
            #expect(Array(reply[8...]) == pattern(56))
            var c = InternetChecksum()
            reply.withUnsafeBytes { c.add($0) }
            #expect(c.value == 0)
        }
        // Not an echo request: rejected.
        #expect(throws: NetError.invalidArgument) { try h.a.send(p, [0, 0, 0, 0, 0, 0, 0, 0]) }
    }

    @Test func icmpErrorsMustQuoteDataInFlight() throws {
        let h = TwoHosts()
        h.net.disconnected.insert(1)
        _ = h.a.interface(h.aIf)!.arp.learn(
            .v4(TwoHosts.bAddress), mac: TwoHosts.bMAC, now: h.net.now, create: true, confirmed: true,
            configuration: NeighborConfiguration())
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 80))
        let t = h.a.sockets.lookup(c)!.tcp!
        func unreachable(quoting seq: UInt32) -> [UInt8] {
            var inner = [UInt8](repeating: 0, count: 28)
            IPv4Header.write(
                to: &inner, at: 0, totalLength: 60, identification: 9, ttl: 64, protocolNumber: 6,
                source: TwoHosts.aAddress, destination: TwoHosts.bAddress)
            inner.put16(t.localPort, at: 20)
            inner.put16(80, at: 22)
            inner.put32(seq, at: 24)
            var icmp: [UInt8] = [3, 3, 0, 0, 0, 0, 0, 0] + inner
            var sum = InternetChecksum()
            icmp.withUnsafeBytes { sum.add($0) }
            icmp.put16(sum.value, at: 2)
            var p = [UInt8](repeating: 0, count: 34) + icmp
            IPv4Header.write(
                to: &p, at: 14, totalLength: 20 + icmp.count, identification: 3, ttl: 64, protocolNumber: 1,
                source: TwoHosts.bAddress, destination: TwoHosts.aAddress)
            EthernetHeader(destination: TwoHosts.aMAC, source: TwoHosts.bMAC, etherType: 0x0800).write(to: &p)
            return p
        }
        h.a.receive(frame: unreachable(quoting: t.iss &+ 5000), on: h.aIf)
        #expect(try h.a.tcpState(c) == .synSent)
        h.a.receive(frame: unreachable(quoting: t.iss), on: h.aIf)
        #expect(try h.a.tcpState(c) == .closed)
        #expect(try h.a.getOption(c, .error) == NetError.connectionRefused.rawValue)
    }
}
