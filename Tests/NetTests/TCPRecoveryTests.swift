import Testing
@testable import Net

/// Loss recovery and the less common paths of RFC 9293 and RFC 7323, with losses placed
/// exactly rather than at random.
@Suite struct TCPRecoveryTests {
    /// Sequence number (relative to the ISN) of a data frame from port 0 (host A) to B.
    static func dataSequence(_ frame: [UInt8]) -> UInt32? {
        guard frame.count > 66, frame[12] == 8, frame[13] == 0, frame[23] == 6 else { return nil }
        let headerLength = Int(frame[46] >> 4) * 4
        guard frame.count > 34 + headerLength else { return nil }
        return UInt32(frame.get16(at: 38)) << 16 | UInt32(frame.get16(at: 40))
    }

    @Test(arguments: [true, false]) func sackRepairsSeveralLossesWithoutTimeout(sack: Bool) throws {
        let h = TwoHosts(seed: 4) { c in c.tcp.selectiveAcknowledgments = sack }
        h.net.impairment.delay = 5_000_000
        let (c, s) = try TCPTransferTests.connect(h)
        let t = h.a.sockets.lookup(c)!.tcp!
        // Drop the 3rd, 5th and 8th data segments once each.
        let iss = t.iss
        var dropped: Set<UInt32> = []
        let victims: Set<UInt32> = [2, 4, 7].map { 1 + $0 * 1448 }.reduce(into: []) { $0.insert($1) }
        h.net.filter = { port, frame in
            guard port == 0, let seq = Self.dataSequence(frame) else { return true }
            let relative = seq &- iss
            if victims.contains(relative) && !dropped.contains(relative) {
                dropped.insert(relative)
                return false
            }
            return true
        }
        let data = pattern(30 * 1448)
        try h.a.send(c, data)
        var got: [UInt8] = []
        #expect(h.net.run(for: 5_000_000_000) {
            while let chunk = try? h.b.receive(s, maxCount: 65536), !chunk.isEmpty { got += chunk }
            return got.count == data.count
        })
        let same = got == data
        #expect(same)
        #expect(dropped.count == 3)
        #expect(h.a.tcpStatistics.timeouts == 0)
        #expect(h.a.tcpStatistics.fastRetransmits == 1)
        if sack {
            // Exactly the three holes were resent: one recovery episode, no spurious resends.
            #expect(h.a.tcpStatistics.retransmittedSegments == 3)
            #expect(h.b.tcpStatistics.outOfOrderSegments > 0)
        } else {
            // NewReno: one hole per partial acknowledgment, still no timeout.
            #expect(h.a.tcpStatistics.retransmittedSegments >= 3)
        }
    }

    @Test func lostRetransmissionFallsBackToTimeoutWithBackoff() throws {
        let h = TwoHosts(seed: 8)
        let (c, s) = try TCPTransferTests.connect(h)
        let t = h.a.sockets.lookup(c)!.tcp!
        var sendTimes: [UInt64] = []
        let target = t.iss &+ 1
        h.net.filter = { port, frame in
            guard port == 0, Self.dataSequence(frame) == target else { return true }
            sendTimes.append(h.net.now)
            return sendTimes.count > 3  // the original and two retransmissions vanish
        }
        try h.a.send(c, [1, 2, 3])
        var got: [UInt8] = []
        #expect(h.net.run(for: 10_000_000_000) {
            got += (try? h.b.receive(s, maxCount: 10)) ?? []
            return got.count == 3
        })
        #expect(sendTimes.count == 4)
        // RTO doubles each time: roughly 0.2, 0.4, 0.8 s apart (initial RTO after a fast handshake).
        let gaps = zip(sendTimes.dropFirst(), sendTimes).map { $0 - $1 }
        #expect(gaps[1] >= gaps[0] * 2 - 1_000_000 && gaps[2] >= gaps[1] * 2 - 1_000_000)
        #expect(h.a.tcpStatistics.timeouts == 3)
        // The next good acknowledgment resets the backoff.
        h.net.run(for: 100_000_000)
        #expect(t.retransmissionCount == 0)
    }

    @Test func retransmissionsGiveUpWithTimedOut() throws {
        let h = TwoHosts { c in c.tcp.maxRetransmissions = 4 }
        let (c, _) = try TCPTransferTests.connect(h)
        h.net.disconnected.insert(1)
        try h.a.send(c, [1])
        #expect(h.net.run(for: 60_000_000_000) { (try? h.a.tcpState(c)) == .closed })
        #expect(try h.a.getOption(c, .error) == NetError.timedOut.rawValue)
        #expect(h.a.tcpStatistics.timeouts == 5)
    }

    @Test func synRetriesThenTimedOut() throws {
        let h = TwoHosts { c in c.tcp.synRetries = 2 }
        h.net.disconnected.insert(1)
        // Pre-seed ARP so the failure is TCP's, not address resolution's.
        _ = h.a.interface(h.aIf)!.arp.learn(
            .v4(TwoHosts.bAddress), mac: TwoHosts.bMAC, now: h.net.now, create: true, confirmed: true,
            configuration: NeighborConfiguration())
        let c = try h.a.socket(domain: .inet, type: .stream)
        let start = h.net.now
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 80))
        #expect(h.net.run(for: 60_000_000_000) { (try? h.a.tcpState(c)) == .closed })
        #expect(h.net.now - start == 7_000_000_000)  // 1 + 2 + 4 s
        #expect(try h.a.getOption(c, .error) == NetError.timedOut.rawValue)
    }

    @Test func pawsDropsOldDuplicates() throws {
        let h = TwoHosts()
        let (c, s) = try TCPTransferTests.connect(h)
        // Capture a data segment, deliver it, then replay it much later with its old timestamp
        // but a sequence number that is in the window again.
        var captured: [UInt8]?
        h.net.filter = { port, frame in
            if port == 0, Self.dataSequence(frame) != nil, captured == nil { captured = frame }
            return true
        }
        try h.a.send(c, [7])
        h.net.run(for: 100_000_000)
        #expect(try h.b.receive(s, maxCount: 10) == [7])
        h.net.run(for: 2_000_000_000)
        try h.a.send(c, [8])
        h.net.run(for: 100_000_000)
        var old = try #require(captured)
        let t = h.b.sockets.lookup(s)!.tcp!
        old.put32(t.rcvNxt, at: 38)  // in the window now
        repairChecksums(&old)
        h.b.receive(frame: old, on: h.bIf)
        #expect(h.b.drops[.tcpOutOfWindow] == 1)
        #expect(try h.b.receive(s, maxCount: 10) == [8])
        #expect(throws: NetError.wouldBlock) { try h.b.receive(s, maxCount: 10) }
    }

    @Test func simultaneousOpen() throws {
        let h = TwoHosts()
        let a = try h.a.socket(domain: .inet, type: .stream)
        let b = try h.b.socket(domain: .inet, type: .stream)
        try h.a.bind(a, to: SocketAddress(.any, port: 5000))
        try h.b.bind(b, to: SocketAddress(.any, port: 6000))
        try h.a.startConnect(a, to: SocketAddress(TwoHosts.bAddress, port: 6000))
        try h.b.startConnect(b, to: SocketAddress(TwoHosts.aAddress, port: 5000))
        var sawSynReceived = false
        #expect(h.net.run(for: 5_000_000_000) {
            if (try? h.a.tcpState(a)) == .synReceived { sawSynReceived = true }
            return (try? h.a.tcpState(a)) == .established && (try? h.b.tcpState(b)) == .established
        })
        #expect(sawSynReceived)
        try h.a.send(a, [1, 2])
        h.net.run(for: 100_000_000)
        #expect(try h.b.receive(b, maxCount: 10) == [1, 2])
    }

    @Test func shutdownReadDiscardsLaterData() throws {
        let h = TwoHosts()
        let (c, s) = try TCPTransferTests.connect(h)
        try h.a.send(c, [1, 2, 3])
        h.net.run(for: 100_000_000)
        try h.b.shutdown(s, .read)
        #expect(try h.b.readiness(s).contains(.readHangUp))
        #expect(try h.b.receive(s, maxCount: 10) == [1, 2, 3])  // buffered data is still there
        #expect(try h.b.receive(s, maxCount: 10) == [])
        try h.a.send(c, [4, 5])
        h.net.run(for: 100_000_000)
        #expect(try h.b.receive(s, maxCount: 10) == [])
        #expect(try h.a.bytesUnsent(c) == 0)  // acknowledged all the same
        // Writing still works.
        try h.b.send(s, [9])
        h.net.run(for: 100_000_000)
        #expect(try h.a.receive(c, maxCount: 10) == [9])
    }

    @Test func synToTimeWaitStartsNewIncarnation() throws {
        let h = TwoHosts(configure: fastTimers)
        let l = try TCPBehaviorTests.listen(h.b, port: 7)
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.setOption(c, .reuseAddress, 1)
        try h.a.bind(c, to: SocketAddress(.any, port: 40000))
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 7))
        h.net.run(for: 100_000_000)
        let (s, _) = try h.b.accept(l)
        try h.b.close(s)  // the server closes first and sits in TIME-WAIT
        h.net.run(for: 50_000_000)
        try h.a.close(c)
        h.net.run(for: 50_000_000)
        // Same four-tuple again, right away.
        let again = try h.a.socket(domain: .inet, type: .stream)
        try h.a.setOption(again, .reuseAddress, 1)
        try h.a.bind(again, to: SocketAddress(.any, port: 40000))
        try h.a.startConnect(again, to: SocketAddress(TwoHosts.bAddress, port: 7))
        #expect(h.net.run(for: 500_000_000) { (try? h.b.readiness(l))?.contains(.readable) == true })
        #expect(try h.a.tcpState(again) == .established)
    }

    @Test func arpEntryIsRefreshedAfterReachableTime() throws {
        let h = TwoHosts()
        let u = try h.a.socket(domain: .inet, type: .datagram)
        var requests: [(port: Int, broadcast: Bool)] = []
        h.net.filter = { port, frame in
            if port == 0 && frame[12] == 8 && frame[13] == 6 && frame[21] == 1 { requests.append((port, frame[0] == 0xFF)) }
            return true
        }
        try h.a.send(u, [1], to: SocketAddress(TwoHosts.bAddress, port: 9))
        h.net.run(for: 10_000_000)
        #expect(requests.count == 1 && requests[0].broadcast)
        h.net.run(for: 35_000_000_000)
        requests = []
        try h.a.send(u, [2], to: SocketAddress(TwoHosts.bAddress, port: 9))
        h.net.run(for: 10_000_000)
        // The stale entry is still used, and confirmed with a unicast request.
        #expect(requests.count == 1 && !requests[0].broadcast)
        #expect(h.b.drops[.udpNoSocket] == 2)
        let entry = try #require(h.a.interface(h.aIf)!.arp.entries.first)
        #expect(!entry.probing && entry.reachableUntil > h.net.now)
    }

    @Test func resetDoesNotEndTimeWait() throws {
        let h = TwoHosts(configure: fastTimers)
        let (c, s) = try TCPTransferTests.connect(h)
        try h.a.close(c)
        h.net.run(for: 50_000_000)
        try h.b.close(s)
        h.net.run(for: 50_000_000)
        let remaining = h.a.sockets.slots.compactMap { $0?.tcp }
        let t = try #require(remaining.first)
        #expect(t.state == .timeWait)
        var p = h.b.buildTCPPacket(
            source: .v4(TwoHosts.bAddress), destination: .v4(TwoHosts.aAddress), sourcePort: t.remotePort,
            destinationPort: t.localPort, sequence: t.rcvNxt, acknowledgment: 0, flags: .rst, window: 0,
            options: TCPOptions(), dataLength: 0, fill: { _, _ in })
        IPv4Header.write(
            to: &p, at: 14, totalLength: p.count - 14, identification: 1, ttl: 64, protocolNumber: 6,
            source: TwoHosts.bAddress, destination: TwoHosts.aAddress)
        EthernetHeader(destination: TwoHosts.aMAC, source: TwoHosts.bMAC, etherType: 0x0800).write(to: &p)
        h.a.receive(frame: p, on: h.aIf)
        #expect(t.state == .timeWait)  // RFC 1337
        h.net.run(for: 2_100_000_000)
        #expect(t.state == .closed && h.a.sockets.count == 0)
    }
}
