import Testing
@testable import Net

@Suite struct DebugStats {
    @Test(arguments: [UInt64(1), 2, 3, 4]) func show(seed: UInt64) throws {
        let h = TwoHosts(seed: seed)
        h.net.impairment = .init(lossPPM: 20_000, duplicatePPM: 10_000, jitter: 400_000, delay: 2_000_000)
        let (c, s) = try TCPTransferTests.connect(h)
        let start = h.net.now
        let data = pattern(1 << 20, seed: seed)
        let ta = h.a.sockets.lookup(c)!.tcp!
        let tb = h.b.sockets.lookup(s)!.tcp!
        var lastA: UInt64 = 0
        var lastB: UInt64 = 0
        var sentA = 0, sentB = 0, gotA = 0, gotB = 0
        let done = h.net.run(for: 600_000_000_000) {
            while sentA < data.count, let n = try? h.a.send(c, Array(data[sentA..<min(data.count, sentA + 65536)])) { sentA += n }
            while sentB < data.count, let n = try? h.b.send(s, Array(data[sentB..<min(data.count, sentB + 65536)])) { sentB += n }
            while let chunk = try? h.b.receive(s, maxCount: 65536), !chunk.isEmpty { gotB += chunk.count }
            while let chunk = try? h.a.receive(c, maxCount: 65536), !chunk.isEmpty { gotA += chunk.count }
            for (name, t, st, last) in [("A", ta, h.a.tcpStatistics, lastA), ("B", tb, h.b.tcpStatistics, lastB)] where st.timeouts != last {
                print("\((h.net.now - start) / 1_000_000)ms \(name) timeout#\(st.timeouts) rto \(t.rto / 1_000_000) una \(t.sndUna &- t.iss) nxt \(t.sndNxt &- t.iss) max \(t.sndMax &- t.iss) cwnd \(t.cwnd) wnd \(t.sndWnd) rc \(t.retransmissionCount) srtt \(t.srtt/1000)us rec \(t.inRecovery) sb \(t.scoreboard.ranges.count)")
                if name == "A" { lastA = st.timeouts } else { lastB = st.timeouts }
                let o = name == "A" ? tb : ta
                print("   peer rcvNxt \(o.rcvNxt &- o.irs) right \(o.rcvAdvertisedRight &- o.irs) tsRecent \(o.tsRecent) myTS \(h.a.timestampClock(t)) lastAckSent \(o.lastAckSent &- o.irs) ooo \(o.outOfOrder.blocks.map { ($0.start &- o.irs, $0.end &- o.irs) }) drops A \(h.a.drops.counts) B \(h.b.drops.counts) rcvbuf \(o.receiveBuffer.count)")
            }
            return gotA >= data.count && gotB >= data.count
        }
        print("done \(done) \((h.net.now - start) / 1_000_000) ms")
    }
}
