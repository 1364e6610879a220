import Testing
@testable import Net

/// Per-layer parsing and building with hand-made packets.
@Suite struct LayerTests {
    @Test func ethernetAndARP() throws {
        // who-has 10.0.0.2 tell 10.0.0.1, from 52:54:00:00:00:01.
        let frame: [UInt8] = [
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
            0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
            0x52, 0x54, 0x00, 0x00, 0x00, 0x01, 10, 0, 0, 1,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 0, 0, 2,
        ]
        let view = PacketView(frame)
        let eth = try #require(EthernetHeader(parsing: view))
        #expect(eth.destination.isBroadcast && eth.source == TwoHosts.aMAC && eth.etherType == 0x0806)
        let arp = try #require(ARPPacket(parsing: view.dropFirst(14)))
        #expect(arp.operation == 1 && arp.senderIP == TwoHosts.aAddress && arp.targetIP == TwoHosts.bAddress)
        #expect(arp.frame(destination: .broadcast) == frame)
        #expect(ARPPacket(parsing: view.dropFirst(14).prefix(27)) == nil)
        var wrongType = frame
        wrongType[15] = 6
        #expect(ARPPacket(parsing: PacketView(wrongType).dropFirst(14)) == nil)
        #expect(EthernetHeader(parsing: PacketView(Array(frame[0..<13]))) == nil)
    }

    @Test func tcpOptionsMatchLinuxSYN() throws {
        // Options of a Linux SYN: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7.
        let bytes: [UInt8] = [
            0x02, 0x04, 0x05, 0xB4, 0x04, 0x02, 0x08, 0x0A, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
            0x01, 0x03, 0x03, 0x07,
        ]
        let o = TCPOptions(parsing: PacketView(bytes))
        #expect(o.mss == 1460 && o.sackPermitted && o.timestampValue == 1 && o.timestampEcho == 0 && o.windowScale == 7)
        var built = [UInt8](repeating: 0, count: o.encodedLength)
        o.write(to: &built, at: 0)
        #expect(built == bytes)
        // Window scale above 14 is clamped (RFC 7323 §2.3); a zero-length option ends parsing.
        let odd = TCPOptions(parsing: PacketView([0x03, 0x03, 0x20, 0x02, 0x00, 0x05, 0xB4]))
        #expect(odd.windowScale == 14 && odd.mss == nil)
        // SACK blocks.
        var sack = TCPOptions()
        sack.timestampValue = 5
        sack.timestampEcho = 6
        sack.sackBlocks = [SequenceRange(start: 100, end: 200), SequenceRange(start: 300, end: 400)]
        var out = [UInt8](repeating: 0, count: sack.encodedLength)
        sack.write(to: &out, at: 0)
        #expect(out.count == 32)
        let back = TCPOptions(parsing: PacketView(out))
        #expect(back.sackBlocks == sack.sackBlocks && back.timestampValue == 5 && back.timestampEcho == 6)
    }

    @Test func tcpHeaderValidation() throws {
        var header = [UInt8](repeating: 0, count: 24)
        header.put16(1234, at: 0)
        header.put16(80, at: 2)
        header[12] = 0x60  // 24-byte header
        header[13] = 0x02
        header += [0x02, 0x04, 0x05, 0xB4]  // wrong place: beyond the header is payload
        let seg = try TCPSegment(parsing: PacketView(header))
        #expect(seg.flags == .syn && seg.payload.count == 4 && seg.sequenceLength == 5)
        header[12] = 0x40  // 16 bytes: below the minimum
        #expect(throws: DropReason.tcpMalformed) { try TCPSegment(parsing: PacketView(header)) }
        header[12] = 0xF0  // 60 bytes: more than there is
        #expect(throws: DropReason.tcpMalformed) { try TCPSegment(parsing: PacketView(header)) }
    }

    @Test func udpAndIPv6Headers() throws {
        #expect(throws: DropReason.udpMalformed) { try UDPHeader(parsing: PacketView([0, 1, 0, 2, 0, 7, 0, 0])) }
        #expect(throws: DropReason.udpMalformed) { try UDPHeader(parsing: PacketView([0, 1, 0, 2, 0, 20, 0, 0, 1])) }
        let u = try UDPHeader(parsing: PacketView([0, 1, 0, 2, 0, 9, 0, 0, 7, 0xEE]))
        #expect(u.length == 9 && u.sourcePort == 1 && u.destinationPort == 2)
        var v6 = [UInt8](repeating: 0, count: 48)
        IPv6Header.write(to: &v6, at: 0, payloadLength: 8, nextHeader: 17, hopLimit: 64, source: .loopback, destination: .allNodes)
        let h = try IPv6Header(parsing: PacketView(v6))
        #expect(h.payloadLength == 8 && h.nextHeader == 17 && h.destination == .allNodes)
        v6[5] = 9
        #expect(throws: DropReason.ipv6Malformed) { try IPv6Header(parsing: PacketView(v6)) }
        v6[5] = 8
        v6[0] = 0x40
        #expect(throws: DropReason.ipv6Malformed) { try IPv6Header(parsing: PacketView(v6)) }
        #expect(NDOptions(parsing: PacketView([1, 0, 0, 0, 0, 0, 0, 0])) == nil)  // zero length
        let nd = try #require(NDOptions(parsing: PacketView([1, 1, 2, 3, 4, 5, 6, 7])))
        #expect(nd.sourceLinkAddress == MACAddress(2, 3, 4, 5, 6, 7))
    }

    @Test func sequenceArithmeticWraps() {
        let a: UInt32 = 0xFFFF_FFF0
        let b: UInt32 = 0x10
        #expect(a.seqLess(b) && b.seqGreater(a) && b.seqDistance(from: a) == 0x20 && a.seqDistance(from: b) == 0)
        #expect(a.seqMax(b) == b && a.seqMin(b) == a)
        #expect(SequenceRange(start: a, end: b).contains(0) && SequenceRange(start: a, end: b).length == 0x20)
    }

    @Test func reassemblyQueueMergesAndReportsSACKBlocks() {
        var q = TCPReassemblyQueue()
        func insert(_ seq: UInt32, _ bytes: [UInt8]) { q.insert(sequence: seq, payload: PacketView(bytes)) }
        insert(110, [10, 11, 12])
        insert(120, [20, 21])
        insert(113, [13, 14])  // touches the first block: merged
        #expect(q.blocks.count == 2 && q.blocks[0].start == 110 && q.blocks[0].data == [10, 11, 12, 13, 14])
        #expect(q.sackBlocks(limit: 3) == [SequenceRange(start: 110, end: 115), SequenceRange(start: 120, end: 122)])
        insert(121, [21, 22, 23])  // overlaps the second: merged, reported first
        #expect(q.sackBlocks(limit: 3) == [SequenceRange(start: 120, end: 124), SequenceRange(start: 110, end: 115)])
        #expect(q.takeContiguous(at: 100) == nil)
        #expect(q.takeContiguous(at: 112) == [12, 13, 14])
        #expect(q.takeContiguous(at: 115) == nil)
        #expect(q.byteCount == 4)
        #expect(q.takeContiguous(at: 130) == nil)  // everything before 130 is stale
        #expect(q.blocks.isEmpty)
    }

    @Test func scoreboardFindsHoles() {
        var s = SACKScoreboard()
        s.add(SequenceRange(start: 3000, end: 4000), una: 1000, max: 10000)
        s.add(SequenceRange(start: 5000, end: 6000), una: 1000, max: 10000)
        s.add(SequenceRange(start: 4000, end: 4500), una: 1000, max: 10000)  // adjacent: merges
        s.add(SequenceRange(start: 500, end: 900), una: 1000, max: 10000)  // below SND.UNA: ignored
        s.add(SequenceRange(start: 9000, end: 11000), una: 1000, max: 10000)  // beyond SND.MAX: ignored
        #expect(s.ranges == [SequenceRange(start: 3000, end: 4500), SequenceRange(start: 5000, end: 6000)])
        #expect(s.sackedBytes == 2500 && s.highestSacked == 6000)
        #expect(s.nextHole(from: 1000) == SequenceRange(start: 1000, end: 3000))
        #expect(s.nextHole(from: 3200) == SequenceRange(start: 4500, end: 5000))
        #expect(s.nextHole(from: 6000) == nil)
        s.acknowledge(upTo: 3500)
        #expect(s.ranges.first == SequenceRange(start: 3500, end: 4500) && s.isSacked(5500) && !s.isSacked(4700))
    }

    @Test func byteRingWrapsAndGrows() {
        var r = ByteRing(limit: 5000)
        let first = pattern(3000)
        #expect(first.withUnsafeBytes { r.append($0) } == 3000)  // storage: 4096 bytes
        r.discard(2500)
        let second = pattern(3000, seed: 2)
        #expect(second.withUnsafeBytes { r.append($0) } == 3000)  // wraps around the end
        #expect(r.bytes(from: 0, count: 500) == Array(first[2500...]))
        #expect(r.bytes(from: 500, count: 3000) == second)
        let third = pattern(1400, seed: 3)
        #expect(third.withUnsafeBytes { r.append($0) } == 1400)  // grows, unwrapping the contents
        #expect(r.count == 4900 && r.freeSpace == 100)
        #expect(r.bytes(from: 0, count: 4900) == Array(first[2500...]) + second + third)
        #expect(pattern(900).withUnsafeBytes { r.append($0) } == 100)  // the limit holds
        var out = [UInt8](repeating: 0, count: 10)
        #expect(out.withUnsafeMutableBytes { r.peek(from: 495, into: $0) } == 10)
        #expect(out == Array(first[2995...]) + Array(second[0..<5]))
        #expect(out.withUnsafeMutableBytes { r.read(into: $0) } == 10)
        #expect(out == Array(first[2500..<2510]))
        #expect(r.count == 4990)
    }

    @Test func neighborCacheQueuesProbesAndFails() {
        var c = NeighborCache()
        var config = NeighborConfiguration()
        config.queueLimit = 2
        let a = IPAddress.v4(IPv4Address(10, 0, 0, 9))
        guard case .queued(probe: true) = c.resolve(a, packet: [1], now: 0, configuration: config) else { Issue.record(); return }
        guard case .queued(probe: false) = c.resolve(a, packet: [2], now: 1, configuration: config) else { Issue.record(); return }
        guard case .dropped = c.resolve(a, packet: [3], now: 2, configuration: config) else { Issue.record(); return }
        #expect(c.nextDeadline == 1_000_000_000)
        var e = c.expire(now: 1_000_000_000, configuration: config)
        #expect(e.probes.count == 1 && e.failures.isEmpty)
        e = c.expire(now: 2_000_000_000, configuration: config)
        #expect(e.probes.count == 1)
        e = c.expire(now: 3_000_000_000, configuration: config)
        #expect(e.failures.count == 1 && e.failures[0].1 == 2 && c.entries.isEmpty)
        // Resolution flushes the queue; the entry is then reachable for `reachableTime`.
        _ = c.resolve(a, packet: [4], now: 0, configuration: config)
        let waiting = c.learn(a, mac: TwoHosts.bMAC, now: 10, create: false, confirmed: true, configuration: config)
        #expect(waiting == [[4]])
        guard case .known(let mac, probe: false) = c.resolve(a, packet: [], now: 20, configuration: config) else { Issue.record(); return }
        #expect(mac == TwoHosts.bMAC)
        // Past reachableTime it is still used, with a refresh probe.
        guard case .known(_, probe: true) = c.resolve(a, packet: [], now: 31_000_000_000, configuration: config) else {
            Issue.record()
            return
        }
    }

    @Test func echoReplyChecksumIsRight() throws {
        let h = TwoHosts()
        var replies: [[UInt8]] = []
        h.net.filter = { port, frame in
            if port == 1 && frame.count >= 42 && frame[23] == 1 { replies.append(frame) }
            return true
        }
        let p = try h.a.socket(domain: .inet, type: .datagram, protocol: 1)
        try h.a.send(p, [8, 0, 0, 0, 0, 0, 0, 1], to: SocketAddress(TwoHosts.bAddress, port: 0))
        h.net.run(for: 10_000_000)
        let reply = try #require(replies.first)
        let id = reply.get16(at: 38)
        // type 0, code 0, id, seq 1: checksum = ~(id + 1)
        let sum = UInt32(id) + 1
        #expect(reply.get16(at: 36) == ~UInt16((sum & 0xFFFF) + (sum >> 16)))
    }
}
