import Testing
@testable import Net

@Suite struct SocketAPITests {
    /// Loopback TCP: the whole exchange happens inside the calls, no driver involved.
    @Test(arguments: [false, true]) func loopbackTCP(v6: Bool) throws {
        let s = NetworkStack()
        let domain: SocketDomain = v6 ? .inet6 : .inet
        let any: IPAddress = v6 ? .v6(.unspecified) : .v4(.any)
        let loopback: IPAddress = v6 ? .v6(.loopback) : .v4(.loopback)
        let l = try s.socket(domain: domain, type: .stream)
        try s.bind(l, to: SocketAddress(any, port: 6000))
        try s.listen(l, backlog: 4)
        let c = try s.socket(domain: domain, type: .stream)
        #expect(throws: NetError.inProgress) { try s.connect(c, to: SocketAddress(loopback, port: 6000)) }
        #expect(try s.tcpState(c) == .established)
        let (a, peer) = try s.accept(l)
        #expect(peer == (try s.localAddress(c)))
        #expect(try s.peerAddress(c) == SocketAddress(loopback, port: 6000))
        #expect(try s.localAddress(a) == SocketAddress(loopback, port: 6000))
        let big = pattern(300_000)
        var sent = 0
        var got: [UInt8] = []
        var rounds = 0
        while got.count < big.count && rounds < 10_000 {
            if sent < big.count, let n = try? s.send(c, Array(big[sent..<min(big.count, sent + 65536)])) { sent += n }
            while let chunk = try? s.receive(a, maxCount: 65536), !chunk.isEmpty { got += chunk }
            s.advance(to: s.now + 1_000_000)
            rounds += 1
        }
        let same = got == big
        #expect(same)
        #expect(s.interfaceIDs.count == 1)
        #expect(s.statistics(of: .loopback)!.receivedPackets > 0)
        try s.close(c)
        try s.close(a)
        try s.close(l)
        s.advance(to: s.now + 61_000_000_000)
        #expect(s.sockets.count == 0)
        #expect(s.nextTimerDeadline == nil)
    }

    @Test func loopbackUDPAndPing() throws {
        let s = NetworkStack()
        let r = try s.socket(domain: .inet6, type: .datagram)
        try s.bind(r, to: SocketAddress(.v6(.unspecified), port: 53))
        let q = try s.socket(domain: .inet, type: .datagram)
        try s.send(q, [1, 2], to: SocketAddress(.loopback, port: 53))
        let (bytes, from) = try s.receiveFrom(r, maxCount: 10)
        #expect(bytes == [1, 2])
        // The IPv6 socket sees the IPv4 sender as a mapped address.
        #expect(from?.address == .v6(IPv6Address(ipv4Mapped: .loopback)))
        let p = try s.socket(domain: .inet6, type: .datagram, protocol: 58)
        try s.send(p, [128, 0, 0, 0, 0, 0, 0, 5], to: SocketAddress(.v6(.loopback), port: 0))
        let reply = try s.receive(p, maxCount: 100)
        #expect(reply.count == 8 && reply[0] == 129 && reply[7] == 5)
    }

    @Test func bindConflictsFollowLinuxRules() throws {
        let s = NetworkStack()
        let id = s.addEthernetInterface(mac: MACAddress(2, 0, 0, 0, 0, 1))
        s.configureIPv4(id, address: IPv4Address(10, 0, 0, 1), prefixLength: 24)
        func tcp(_ domain: SocketDomain = .inet) throws -> SocketID { try s.socket(domain: domain, type: .stream) }
        let a = try tcp()
        try s.bind(a, to: SocketAddress(.any, port: 80))
        #expect(throws: NetError.invalidArgument) { try s.bind(a, to: SocketAddress(.any, port: 81)) }
        let b = try tcp()
        #expect(throws: NetError.addressInUse) { try s.bind(b, to: SocketAddress(.any, port: 80)) }
        #expect(throws: NetError.addressInUse) { try s.bind(b, to: SocketAddress(IPv4Address(10, 0, 0, 1), port: 80)) }
        #expect(throws: NetError.addressNotAvailable) { try s.bind(b, to: SocketAddress(IPv4Address(10, 0, 0, 7), port: 80)) }
        // A dual-stack IPv6 wildcard collides with the IPv4 binding; a v6-only one does not.
        let c = try tcp(.inet6)
        #expect(throws: NetError.addressInUse) { try s.bind(c, to: SocketAddress(.v6(.unspecified), port: 80)) }
        try s.setOption(c, .v6Only, 1)
        try s.bind(c, to: SocketAddress(.v6(.unspecified), port: 80))
        #expect(throws: NetError.invalidArgument) { try s.setOption(c, .v6Only, 0) }
        // UDP ports are separate.
        let u = try s.socket(domain: .inet, type: .datagram)
        try s.bind(u, to: SocketAddress(.any, port: 80))
        // SO_REUSEPORT on both: allowed.
        let r1 = try tcp()
        let r2 = try tcp()
        for r in [r1, r2] {
            try s.setOption(r, .reusePort, 1)
            try s.bind(r, to: SocketAddress(.any, port: 90))
            try s.listen(r, backlog: 1)
        }
        // SO_REUSEADDR on both but one listens: refused.
        let l = try tcp()
        try s.setOption(l, .reuseAddress, 1)
        try s.bind(l, to: SocketAddress(.any, port: 100))
        try s.listen(l, backlog: 1)
        let m = try tcp()
        try s.setOption(m, .reuseAddress, 1)
        #expect(throws: NetError.addressInUse) { try s.bind(m, to: SocketAddress(.any, port: 100)) }
        // Port 0 picks an ephemeral port.
        let e = try tcp()
        try s.bind(e, to: SocketAddress(.any, port: 0))
        let port = try s.localAddress(e).port
        #expect(port >= 32768 && port <= 60999)
        // Address family mismatches.
        let v4 = try tcp()
        #expect(throws: NetError.addressFamilyNotSupported) { try s.bind(v4, to: SocketAddress(.v6(.loopback), port: 1)) }
        #expect(throws: NetError.badSocket) { try s.bind(SocketID(index: 999, generation: 1), to: SocketAddress(.any, port: 1)) }
    }

    @Test func closedIDsGoStale() throws {
        let s = NetworkStack()
        let a = try s.socket(domain: .inet, type: .datagram)
        try s.close(a)
        #expect(throws: NetError.badSocket) { try s.readiness(a) }
        let b = try s.socket(domain: .inet, type: .datagram)
        #expect(b.index == a.index && b.generation != a.generation)
        #expect(SocketID(rawValue: b.rawValue) == b)
        #expect(throws: NetError.protocolNotSupported) { try s.socket(domain: .inet, type: .stream, protocol: 17) }
    }

    @Test func dualStackListenerAcceptsIPv4() throws {
        let h = TwoHosts()
        let l = try h.b.socket(domain: .inet6, type: .stream)
        try h.b.bind(l, to: SocketAddress(.v6(.unspecified), port: 443))
        try h.b.listen(l, backlog: 2)
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 443))
        h.net.run(for: 100_000_000)
        let (s, peer) = try h.b.accept(l)
        let clientPort = try h.a.localAddress(c).port
        #expect(peer == SocketAddress(IPv6Address(ipv4Mapped: TwoHosts.aAddress), port: clientPort))
        #expect(try h.b.localAddress(s) == SocketAddress(IPv6Address(ipv4Mapped: TwoHosts.bAddress), port: 443))
        // A v6-only listener does not.
        let v6only = try h.b.socket(domain: .inet6, type: .stream)
        try h.b.setOption(v6only, .v6Only, 1)
        try h.b.bind(v6only, to: SocketAddress(.v6(.unspecified), port: 444))
        try h.b.listen(v6only, backlog: 2)
        let d = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(d, to: SocketAddress(TwoHosts.bAddress, port: 444))
        h.net.run(for: 100_000_000)
        #expect(try h.a.getOption(d, .error) == NetError.connectionRefused.rawValue)
    }

    @Test func reusePortSpreadsConnections() throws {
        let h = TwoHosts()
        var listeners: [SocketID] = []
        for _ in 0..<2 {
            let l = try h.b.socket(domain: .inet, type: .stream)
            try h.b.setOption(l, .reusePort, 1)
            try h.b.bind(l, to: SocketAddress(.any, port: 8000))
            try h.b.listen(l, backlog: 64)
            listeners.append(l)
        }
        for _ in 0..<20 {
            let c = try h.a.socket(domain: .inet, type: .stream)
            try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 8000))
        }
        // Sixteen SYNs wait for ARP at most; the others are retransmitted a second later.
        h.net.run(for: 2_000_000_000)
        let counts = listeners.map { h.b.sockets.lookup($0)!.tcp!.acceptQueue.count }
        #expect(counts[0] + counts[1] == 20)
        #expect(counts[0] > 2 && counts[1] > 2)
    }

    @Test func readinessChangesNameEachSocketOnce() throws {
        let h = TwoHosts()
        let l = try h.b.socket(domain: .inet, type: .stream)
        try h.b.bind(l, to: SocketAddress(.any, port: 7))
        try h.b.listen(l, backlog: 2)
        _ = h.b.takeReadinessChanges()
        #expect(try h.b.readiness(l) == [])
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 7))
        #expect(try h.a.readiness(c) == [])  // connecting: nothing yet
        h.net.run(for: 100_000_000)
        #expect(h.b.takeReadinessChanges() == [l])  // the half-open child reports via its listener
        #expect(try h.b.readiness(l) == .readable)
        #expect(h.a.takeReadinessChanges() == [c])
        #expect(try h.a.readiness(c) == .writable)
        let (s, _) = try h.b.accept(l)
        _ = h.b.takeReadinessChanges()
        try h.a.send(c, [1])
        try h.a.send(c, [2])
        h.net.run(for: 100_000_000)
        #expect(h.b.takeReadinessChanges() == [s])
        #expect(try h.b.readiness(s) == [.readable, .writable])
        #expect(h.b.takeReadinessChanges() == [])
        // A fresh, unconnected TCP socket is writable and hung up, as Linux reports it.
        let fresh = try h.a.socket(domain: .inet, type: .stream)
        #expect(try h.a.readiness(fresh) == [.writable, .hangUp])
    }

    @Test func partialSendsWhenTheBufferFills() throws {
        let h = TwoHosts()
        let l = try h.b.socket(domain: .inet, type: .stream)
        try h.b.bind(l, to: SocketAddress(.any, port: 7))
        try h.b.listen(l, backlog: 2)
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.setOption(c, .sendBuffer, 10_000)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 7))
        h.net.run(for: 100_000_000)
        #expect(try h.a.send(c, pattern(25_000)) == 10_000)
        #expect(throws: NetError.wouldBlock) { try h.a.send(c, [1]) }
        #expect(try !h.a.readiness(c).contains(.writable))
        #expect(try h.a.bytesUnsent(c) == 10_000)
        h.net.run(for: 100_000_000)
        #expect(try h.a.readiness(c).contains(.writable))
        #expect(try h.a.getOption(c, .sendBuffer) == 20_000)
        #expect(try h.a.getOption(c, .type) == 1 && h.a.getOption(c, .protocol) == 6 && h.a.getOption(c, .domain) == 2)
        #expect(try h.a.getOption(c, .maximumSegment) == 1448)
    }

    @Test func udpTruncationAndPeek() throws {
        let s = NetworkStack()
        let r = try s.socket(domain: .inet, type: .datagram)
        try s.bind(r, to: SocketAddress(.loopback, port: 9))
        let w = try s.socket(domain: .inet, type: .datagram)
        try s.send(w, pattern(100), to: SocketAddress(.loopback, port: 9))
        var buffer = [UInt8](repeating: 0, count: 10)
        let peeked = try buffer.withUnsafeMutableBytes { try s.receive(r, into: $0, flags: .peek) }
        #expect(peeked.count == 10 && peeked.fullLength == 100)
        let taken = try buffer.withUnsafeMutableBytes { try s.receive(r, into: $0) }
        #expect(taken.count == 10 && taken.fullLength == 100 && buffer == Array(pattern(100)[0..<10]))
        #expect(throws: NetError.wouldBlock) { try s.receive(r, maxCount: 10) }
        #expect(throws: NetError.destinationAddressRequired) { try s.send(w, [1]) }
        #expect(throws: NetError.notConnected) { try s.peerAddress(w) }
    }

    @Test func boundFamilyMustMatchTheDestination() throws {
        let s = NetworkStack()
        let c = try s.socket(domain: .inet6, type: .stream)
        try s.bind(c, to: SocketAddress(IPv6Address(ipv4Mapped: .loopback), port: 0))
        #expect(throws: NetError.networkUnreachable) { try s.connect(c, to: SocketAddress(.v6(.loopback), port: 80)) }
        let u = try s.socket(domain: .inet6, type: .datagram)
        try s.bind(u, to: SocketAddress(.v6(.loopback), port: 0))
        #expect(throws: NetError.networkUnreachable) { try s.send(u, [1], to: SocketAddress(IPv6Address(ipv4Mapped: .loopback), port: 9)) }
    }
}
