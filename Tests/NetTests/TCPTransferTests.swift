import Testing
@testable import Net

/// Bulk transfers over an impaired link: every byte must arrive, in order, exactly once.
@Suite struct TCPTransferTests {
    /// A connected pair (client on A, accepted server on B).
    static func connect(_ h: TwoHosts, port: UInt16 = 5001) throws -> (client: SocketID, server: SocketID) {
        let listener = try h.b.socket(domain: .inet, type: .stream)
        try h.b.bind(listener, to: SocketAddress(.any, port: port))
        try h.b.listen(listener, backlog: 8)
        let client = try h.a.socket(domain: .inet, type: .stream)
        try h.a.startConnect(client, to: SocketAddress(TwoHosts.bAddress, port: port))
        var server: SocketID?
        let ok = h.net.run(for: 120_000_000_000) {
            if server == nil, let (s, _) = try? h.b.accept(listener) { server = s }
            return server != nil && (try? h.a.tcpState(client)) == .established
        }
        #expect(ok)
        try h.b.close(listener)
        return (client, server!)
    }

    /// Sends `data` both ways at once, reading as it arrives; returns what each side got.
    static func exchange(_ h: TwoHosts, _ c: SocketID, _ s: SocketID, _ data: [UInt8], timeout: UInt64 = 600_000_000_000)
        -> (atServer: [UInt8], atClient: [UInt8], done: Bool)
    {
        var sentA = 0
        var sentB = 0
        var atServer: [UInt8] = []
        var atClient: [UInt8] = []
        let done = h.net.run(for: timeout) {
            while sentA < data.count, let n = try? h.a.send(c, Array(data[sentA..<min(data.count, sentA + 65536)])) { sentA += n }
            while sentB < data.count, let n = try? h.b.send(s, Array(data[sentB..<min(data.count, sentB + 65536)])) { sentB += n }
            while let chunk = try? h.b.receive(s, maxCount: 65536), !chunk.isEmpty { atServer += chunk }
            while let chunk = try? h.a.receive(c, maxCount: 65536), !chunk.isEmpty { atClient += chunk }
            return atServer.count >= data.count && atClient.count >= data.count
        }
        return (atServer, atClient, done)
    }

    @Test func cleanLinkMegabyteBothWays() throws {
        let h = TwoHosts(seed: 11)
        let (c, s) = try Self.connect(h)
        let data = pattern(1 << 20)
        let r = Self.exchange(h, c, s, data)
        #expect(r.done, "transfer incomplete")
        let same = r.atServer == data && r.atClient == data
        #expect(same)
        #expect(h.a.tcpStatistics.retransmittedSegments == 0)
        // Window scaling, timestamps and SACK were negotiated.
        let t = h.a.sockets.lookup(c)!.tcp!
        #expect(t.windowScaleAgreed && t.timestampsEnabled && t.sackEnabled)
        #expect(t.sendWindowShift == 7 && t.effectiveMSS == 1448)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func impairedLinkMegabyteBothWays(seed: UInt64) throws {
        let h = TwoHosts(seed: seed)
        h.net.impairment = .init(lossPPM: 20_000, duplicatePPM: 10_000, jitter: 400_000, delay: 2_000_000)
        let (c, s) = try Self.connect(h)
        let data = pattern(1 << 20, seed: seed)
        let r = Self.exchange(h, c, s, data)
        #expect(r.done, "transfer incomplete")
        let same = r.atServer == data && r.atClient == data
        #expect(same)
        // Loss was repaired by retransmission, mostly without timeouts.
        let stats = h.a.tcpStatistics
        #expect(stats.retransmittedSegments > 0)
        #expect(stats.fastRetransmits > 0)
        #expect(h.a.tcpStatistics.outOfOrderSegments > 0)
    }

    @Test func withoutSACKAndTimestampsNewRenoStillRecovers() throws {
        let h = TwoHosts(seed: 5) { c in
            c.tcp.selectiveAcknowledgments = false
            c.tcp.timestamps = false
        }
        h.net.impairment = .init(lossPPM: 15_000, duplicatePPM: 5_000, jitter: 200_000, delay: 1_000_000)
        let (c, s) = try Self.connect(h)
        let t = h.a.sockets.lookup(c)!.tcp!
        #expect(!t.sackEnabled && !t.timestampsEnabled && t.effectiveMSS == 1460)
        let data = pattern(512 << 10, seed: 9)
        let r = Self.exchange(h, c, s, data)
        let same = r.done && r.atServer == data && r.atClient == data
        #expect(same)
        #expect(h.a.tcpStatistics.retransmittedSegments > 0)
    }

    /// Heavy loss, duplication and reordering with small buffers (zero windows, persist
    /// timer, SWS rules) and every combination of timestamps and SACK; data is checked as it
    /// is read.
    @Test(arguments: [UInt64(21), 22, 23, 24])
    func harshLinkSmallBuffers(seed: UInt64) throws {
        let h = TwoHosts(seed: seed) { c in
            c.tcp.receiveBufferSize = 6000
            c.tcp.sendBufferSize = 9000
            c.tcp.timestamps = seed % 2 == 0
            c.tcp.selectiveAcknowledgments = seed % 4 < 2
        }
        h.net.impairment = .init(lossPPM: 60_000, duplicatePPM: 30_000, jitter: 4_000_000, delay: 5_000_000)
        let (c, s) = try Self.connect(h)
        let data = pattern(200_000, seed: seed)
        var sentA = 0, sentB = 0, gotA = 0, gotB = 0
        var intact = true
        let done = h.net.run(for: 600_000_000_000) {
            while sentA < data.count, let n = try? h.a.send(c, Array(data[sentA..<min(data.count, sentA + 5000)])) { sentA += n }
            while sentB < data.count, let n = try? h.b.send(s, Array(data[sentB..<min(data.count, sentB + 5000)])) { sentB += n }
            if let chunk = try? h.b.receive(s, maxCount: 3000), !chunk.isEmpty {
                intact = intact && chunk[...] == data[gotB..<(gotB + chunk.count)]
                gotB += chunk.count
            }
            if let chunk = try? h.a.receive(c, maxCount: 3000), !chunk.isEmpty {
                intact = intact && chunk[...] == data[gotA..<(gotA + chunk.count)]
                gotA += chunk.count
            }
            return gotA == data.count && gotB == data.count
        }
        #expect(done)
        #expect(intact)
        #expect(h.a.tcpStatistics.retransmittedSegments > 0 && h.b.tcpStatistics.retransmittedSegments > 0)
    }
}
