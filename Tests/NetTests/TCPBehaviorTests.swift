import Testing
@testable import Net

/// Connection setup and teardown, resets, keepalive, flow control and the listen backlog.
@Suite struct TCPBehaviorTests {
    static func listen(_ s: NetworkStack, port: UInt16, backlog: Int = 8) throws -> SocketID {
        let l = try s.socket(domain: .inet, type: .stream)
        try s.setOption(l, .reuseAddress, 1)
        try s.bind(l, to: SocketAddress(.any, port: port))
        try s.listen(l, backlog: backlog)
        return l
    }

    /// A listener on `h.b`, a client on `h.a` connected to it, and the accepted server socket.
    static func connected(_ h: TwoHosts, port: UInt16) throws -> (listener: SocketID, client: SocketID, server: SocketID) {
        let l = try listen(h.b, port: port)
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: port))
        h.net.run(for: 100_000_000)
        let (s, _) = try h.b.accept(l)
        return (l, c, s)
    }

    static func drain(_ s: NetworkStack, _ id: SocketID) -> [UInt8] {
        var all: [UInt8] = []
        while let chunk = try? s.receive(id, maxCount: 65536), !chunk.isEmpty { all += chunk }
        return all
    }

    @Test func connectionRefusedByReset() throws {
        let h = TwoHosts()
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 9))
        let changes = h.a.takeReadinessChanges()
        #expect(changes == [c])
        #expect(h.net.run(for: 1_000_000_000) { (try? h.a.tcpState(c)) == .closed })
        let r = try h.a.readiness(c)
        #expect(r.contains(.error) && r.contains(.hangUp) && r.contains(.writable))
        #expect(h.a.takeReadinessChanges().contains(c))
        #expect(try h.a.getOption(c, .error) == NetError.connectionRefused.rawValue)
        #expect(try h.a.getOption(c, .error) == 0)
        #expect(h.b.drops[.tcpNoSocket] == 1)
        #expect(h.b.tcpStatistics.resetsSent == 1)
        #expect(throws: NetError.notConnected) { try h.a.receive(c, maxCount: 1) }
    }

    @Test func connectReportsRefusalOnceThroughConnect() throws {
        let h = TwoHosts()
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 9))
        #expect(throws: NetError.alreadyInProgress) { try h.a.connect(c, to: SocketAddress(TwoHosts.bAddress, port: 9)) }
        h.net.run(for: 1_000_000_000)
        #expect(throws: NetError.connectionRefused) { try h.a.connect(c, to: SocketAddress(TwoHosts.bAddress, port: 9)) }
    }

    @Test func unacknowledgedDataIsReportedUntilThePeerHasIt() throws {
        let h = TwoHosts(configure: fastTimers)
        let (_, c, s) = try Self.connected(h, port: 7)
        #expect(!h.a.hasUnacknowledgedData)
        try h.a.send(c, Array("last reply".utf8))
        #expect(h.a.hasUnacknowledgedData)
        #expect(h.net.run(for: 1_000_000_000) { !h.a.hasUnacknowledgedData })
        try h.a.close(c)  // the FIN, until acknowledged
        #expect(h.a.hasUnacknowledgedData)
        #expect(h.net.run(for: 1_000_000_000) { !h.a.hasUnacknowledgedData })
        #expect(Self.drain(h.b, s) == Array("last reply".utf8))
    }

    @Test func halfCloseKeepsTheOtherDirectionOpen() throws {
        let h = TwoHosts(configure: fastTimers)
        let (_, c, s) = try Self.connected(h, port: 7)
        try h.a.send(c, Array("request".utf8))
        try h.a.shutdown(c, .write)
        #expect(try h.a.tcpState(c) == .finWait1)
        #expect(throws: NetError.brokenPipe) { try h.a.send(c, [1]) }
        h.net.run(for: 100_000_000)
        #expect(try h.a.tcpState(c) == .finWait2)
        #expect(try h.b.tcpState(s) == .closeWait)
        #expect(Self.drain(h.b, s) == Array("request".utf8))
        #expect(try h.b.readiness(s).contains(.readHangUp))
        // The server still answers, at length, after the client finished sending.
        let answer = pattern(200_000)
        var sent = 0
        var got: [UInt8] = []
        #expect(h.net.run(for: 5_000_000_000) {
            while sent < answer.count, let n = try? h.b.send(s, Array(answer[sent...])) { sent += n }
            got += Self.drain(h.a, c)
            return got.count == answer.count
        })
        let same = got == answer
        #expect(same)
        try h.b.close(s)
        #expect(h.net.run(for: 1_000_000_000) { (try? h.a.tcpState(c)) == .timeWait })
        #expect(try h.a.receive(c, maxCount: 100) == [])
        #expect(try h.a.readiness(c).contains(.hangUp))
        // TIME-WAIT ends after 2 MSL (2 s here); the server side is gone by then too.
        h.net.run(for: 2_100_000_000)
        #expect(try h.a.tcpState(c) == .closed)
        #expect(h.b.sockets.count == 1)
    }

    @Test func timeWaitHoldsThePortUnlessReuseAddress() throws {
        let h = TwoHosts(configure: fastTimers)
        let (l, c, s) = try Self.connected(h, port: 8080)
        // The server closes first, so it is the one in TIME-WAIT.
        try h.b.close(s)
        h.net.run(for: 100_000_000)
        try h.a.close(c)
        h.net.run(for: 100_000_000)
        try h.b.close(l)
        let waiting = h.b.sockets.slots.compactMap { $0?.tcp }.filter { $0.state == .timeWait }
        #expect(waiting.count == 1)
        let plain = try h.b.socket(domain: .inet, type: .stream)
        #expect(throws: NetError.addressInUse) { try h.b.bind(plain, to: SocketAddress(.any, port: 8080)) }
        let reusing = try h.b.socket(domain: .inet, type: .stream)
        try h.b.setOption(reusing, .reuseAddress, 1)
        try h.b.bind(reusing, to: SocketAddress(.any, port: 8080))
        h.net.run(for: 2_100_000_000)
        let stillWaiting = h.b.sockets.slots.compactMap { $0?.tcp }.filter { $0.state == .timeWait }
        #expect(stillWaiting.isEmpty)
        try h.b.bind(plain, to: SocketAddress(.any, port: 8081))
    }

    /// A connection keeps TIME-WAIT for a minute: it must not keep its buffers that long.
    @Test func timeWaitHoldsNoBufferStorage() throws {
        let h = TwoHosts(configure: fastTimers)
        let (_, c, s) = try Self.connected(h, port: 8080)
        try h.a.send(c, Array("request".utf8))
        h.net.run(for: 100_000_000)
        #expect(try h.b.receive(s, maxCount: 100) == Array("request".utf8))
        try h.b.send(s, Array("reply".utf8))
        try h.b.close(s)  // the server closes first: it is the one in TIME-WAIT
        h.net.run(for: 100_000_000)
        #expect(try h.a.receive(c, maxCount: 100) == Array("reply".utf8))
        try h.a.close(c)
        h.net.run(for: 100_000_000)
        let waiting = h.b.sockets.slots.compactMap { $0?.tcp }.filter { $0.state == .timeWait }
        #expect(waiting.count == 1)
        #expect(waiting.first?.sendBuffer.storageBytes == 0)
        #expect(waiting.first?.receiveBuffer.storageBytes == 0)
    }

    @Test func simultaneousCloseGoesThroughClosing() throws {
        let h = TwoHosts(configure: fastTimers)
        let (_, c, s) = try Self.connected(h, port: 7)
        try h.a.shutdown(c, .write)
        try h.b.shutdown(s, .write)
        #expect(try h.a.tcpState(c) == .finWait1 && h.b.tcpState(s) == .finWait1)
        var sawClosing = false
        #expect(h.net.run(for: 1_000_000_000) {
            if (try? h.a.tcpState(c)) == .closing { sawClosing = true }
            return (try? h.a.tcpState(c)) == .timeWait && (try? h.b.tcpState(s)) == .timeWait
        })
        #expect(sawClosing)
        h.net.run(for: 2_100_000_000)
        #expect(try h.a.tcpState(c) == .closed && h.b.tcpState(s) == .closed)
    }

    @Test func lingerZeroResetsAndPeerSeesConnectionReset() throws {
        let h = TwoHosts()
        let (_, c, s) = try Self.connected(h, port: 7)
        try h.a.setLinger(c, Linger(enabled: true, seconds: 0))
        try h.a.send(c, [1, 2, 3])
        try h.a.close(c)
        #expect(h.a.sockets.count == 0)
        #expect(h.net.run(for: 500_000_000) { (try? h.b.tcpState(s)) == .closed })
        // Data that arrived before the reset is still readable, then the error, then EOF.
        #expect(try h.b.receive(s, maxCount: 10) == [1, 2, 3])
        #expect(throws: NetError.connectionReset) { try h.b.receive(s, maxCount: 10) }
        #expect(try h.b.receive(s, maxCount: 10) == [])
        #expect(throws: NetError.brokenPipe) { try h.b.send(s, [1]) }
    }

    @Test func closeWithUnreadDataResets() throws {
        let h = TwoHosts()
        let (_, c, s) = try Self.connected(h, port: 7)
        try h.a.send(c, [9, 9])
        h.net.run(for: 100_000_000)
        try h.b.close(s)  // never read the two bytes
        #expect(h.net.run(for: 500_000_000) { (try? h.a.tcpState(c)) == .closed })
        #expect(try h.a.getOption(c, .error) == NetError.connectionReset.rawValue)
    }

    @Test func resetOutsideExactSequenceGetsChallengeAck() throws {
        let h = TwoHosts()
        let l = try Self.listen(h.b, port: 7)
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 7))
        h.net.run(for: 100_000_000)
        _ = try h.b.accept(l)
        let t = h.a.sockets.lookup(c)!.tcp!
        // A spoofed RST, in the window but not at RCV.NXT, then one exactly at RCV.NXT.
        func reset(_ seq: UInt32) -> [UInt8] {
            var p = h.b.buildTCPPacket(
                source: .v4(TwoHosts.bAddress), destination: .v4(TwoHosts.aAddress), sourcePort: 7,
                destinationPort: t.localPort, sequence: seq, acknowledgment: 0, flags: .rst, window: 0,
                options: TCPOptions(), dataLength: 0, fill: { _, _ in })
            IPv4Header.write(
                to: &p, at: 14, totalLength: p.count - 14, identification: 1, ttl: 64, protocolNumber: 6,
                source: TwoHosts.bAddress, destination: TwoHosts.aAddress)
            EthernetHeader(destination: TwoHosts.aMAC, source: TwoHosts.bMAC, etherType: 0x0800).write(to: &p)
            return p
        }
        h.a.receive(frame: reset(t.rcvNxt &+ 1000), on: h.aIf)
        #expect(try h.a.tcpState(c) == .established)
        #expect(h.a.tcpStatistics.challengeAcks == 1)
        h.a.receive(frame: reset(t.rcvNxt &- 70000), on: h.aIf)  // outside the window: dropped
        #expect(try h.a.tcpState(c) == .established)
        #expect(h.a.drops[.tcpOutOfWindow] == 1)
        h.a.receive(frame: reset(t.rcvNxt), on: h.aIf)
        #expect(try h.a.tcpState(c) == .closed)
        #expect(try h.a.getOption(c, .error) == NetError.connectionReset.rawValue)
    }

    @Test func keepAliveDetectsDeadPeer() throws {
        let h = TwoHosts()
        let l = try Self.listen(h.b, port: 7)
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.setOption(c, .keepAlive, 1)
        try h.a.setOption(c, .keepIdle, 10)
        try h.a.setOption(c, .keepInterval, 2)
        try h.a.setOption(c, .keepCount, 3)
        #expect(try h.a.getOption(c, .keepIdle) == 10)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 7))
        h.net.run(for: 100_000_000)
        _ = try h.b.accept(l)
        // A live peer answers the probes: still connected long after the idle time.
        h.net.run(for: 30_000_000_000)
        #expect(try h.a.tcpState(c) == .established)
        #expect(h.a.tcpStatistics.keepAliveProbes >= 2)
        let probesBefore = h.a.tcpStatistics.keepAliveProbes
        // Pull B's cable: after idle + 3 probes × 2 s the connection is declared dead.
        h.net.disconnected.insert(1)
        let start = h.net.now
        #expect(h.net.run(for: 30_000_000_000) { (try? h.a.tcpState(c)) == .closed })
        let elapsed = h.net.now - start
        #expect(elapsed > 10_000_000_000 && elapsed <= 17_000_000_000)
        #expect(h.a.tcpStatistics.keepAliveProbes - probesBefore == 3)
        #expect(throws: NetError.timedOut) { try h.a.receive(c, maxCount: 1) }
    }

    @Test func zeroWindowIsProbedAndReopens() throws {
        let h = TwoHosts()
        let l = try h.b.socket(domain: .inet, type: .stream)
        try h.b.setOption(l, .receiveBuffer, 16384)
        #expect(try h.b.getOption(l, .receiveBuffer) == 32768)  // Linux doubles what it reports
        try h.b.bind(l, to: SocketAddress(.any, port: 7))
        try h.b.listen(l, backlog: 1)
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 7))
        h.net.run(for: 100_000_000)
        let (s, _) = try h.b.accept(l)
        let data = pattern(400_000)
        var sent = 0
        h.net.run(for: 3_000_000_000) {
            while sent < data.count, let n = try? h.a.send(c, Array(data[sent...])) { sent += n }
            return false
        }
        // The receiver's buffer is full and nobody reads: zero window, the sender probes.
        let t = h.a.sockets.lookup(c)!.tcp!
        #expect(t.sndWnd == 0)
        #expect(t.sndNxt == t.sndUna && t.retransmitDeadline == nil && t.persistDeadline != nil)
        let buffered = try h.b.bytesAvailable(s)
        #expect(buffered > 16384 - 1448 && buffered <= 16384)
        #expect(h.a.tcpStatistics.zeroWindowProbes >= 2)
        #expect(try !h.a.readiness(c).contains(.writable))
        #expect(sent < data.count)
        // Losing window updates must not deadlock: drop B's next frames for a while.
        var dropping = true
        h.net.filter = { port, _ in !(dropping && port == 1) }
        var got = try h.b.receive(s, maxCount: 65536)
        h.net.run(for: 50_000_000)
        dropping = false
        #expect(h.net.run(for: 120_000_000_000) {
            while sent < data.count, let n = try? h.a.send(c, Array(data[sent...])) { sent += n }
            got += Self.drain(h.b, s)
            return got.count == data.count
        })
        let same = got == data
        #expect(same)
    }

    @Test func listenBacklogOverflowDefersConnections() throws {
        let h = TwoHosts()
        let l = try Self.listen(h.b, port: 7, backlog: 1)
        var clients: [SocketID] = []
        for _ in 0..<4 {
            let c = try h.a.socket(domain: .inet, type: .stream)
            try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 7))
            clients.append(c)
        }
        h.net.run(for: 500_000_000)
        // Linux's rule: backlog + 1 connections wait for accept. The SYNs all arrived before
        // any handshake completed, so all four clients got a SYN-ACK and consider themselves
        // connected; the last two final ACKs are ignored and those stay half-open here.
        let listener = h.b.sockets.lookup(l)!.tcp!
        #expect(listener.acceptQueue.count == 2)
        #expect(listener.synQueue.count == 2)
        #expect(h.b.drops[.tcpListenOverflow] >= 2)
        // With the accept queue full, a new SYN is dropped: that client stays in SYN-SENT.
        let late = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(late, to: SocketAddress(TwoHosts.bAddress, port: 7))
        clients.append(late)
        h.net.run(for: 200_000_000)
        #expect(try h.a.tcpState(late) == .synSent)
        // Accepting makes room; the others get in when their SYN or SYN-ACK is retransmitted.
        var accepted = 0
        #expect(h.net.run(for: 30_000_000_000) {
            while (try? h.b.accept(l)) != nil { accepted += 1 }
            return accepted == 5
        })
        #expect(try clients.allSatisfy { try h.a.tcpState($0) == .established })
    }

    @Test func nagleCoalescesSmallWritesUnlessNoDelay() throws {
        func segments(noDelay: Bool) throws -> UInt64 {
            let h = TwoHosts()
            h.net.impairment.delay = 5_000_000
            let l = try Self.listen(h.b, port: 7)
            let c = try h.a.socket(domain: .inet, type: .stream)
            if noDelay { try h.a.setOption(c, .noDelay, 1) }
            try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 7))
            h.net.run(for: 100_000_000)
            let (s, _) = try h.b.accept(l)
            let before = h.a.tcpStatistics.segmentsSent
            for i in 0..<20 { try h.a.send(c, [UInt8(i)]) }
            var got: [UInt8] = []
            h.net.run(for: 1_000_000_000) {
                got += Self.drain(h.b, s)
                return got.count == 20
            }
            #expect(got == (0..<20).map { UInt8($0) })
            return h.a.tcpStatistics.segmentsSent - before
        }
        let nagle = try segments(noDelay: false)
        let immediate = try segments(noDelay: true)
        #expect(immediate >= 20)
        #expect(nagle <= 3)
    }

    @Test func delayedAckWaitsForTheTimer() throws {
        let h = TwoHosts()
        let l = try Self.listen(h.b, port: 7)
        let c = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(TwoHosts.bAddress, port: 7))
        h.net.run(for: 100_000_000)
        _ = try h.b.accept(l)
        var ackTime: UInt64?
        let sentAt = h.net.now
        h.net.filter = { port, frame in
            if port == 1 && frame.count >= 54 && frame[12] == 8 && frame[23] == 6 && ackTime == nil { ackTime = h.net.now }
            return true
        }
        try h.a.send(c, [42])
        h.net.run(for: 200_000_000)
        let delay = try #require(ackTime) - sentAt
        #expect(delay >= 40_000_000 && delay < 45_000_000)
    }
}
