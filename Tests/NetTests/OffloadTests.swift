import Testing
@testable import Net

/// Checksum and segmentation offload: a stack whose device finishes checksums and cuts TCP
/// segments must put the same bytes on the wire as one that does everything itself.
@Suite struct OffloadTests {
    static let all: LinkOffloads = [.transmitChecksum, .segmentationIPv4, .segmentationIPv6]

    @Test func segmentedTransferIsByteExactAndEveryWireFrameFitsTheMTU() throws {
        let h = TwoHosts(seed: 3, offloads: Self.all)
        let (c, s) = try TCPTransferTests.connect(h)
        let data = pattern(2 << 20, seed: 3)
        let r = TCPTransferTests.exchange(h, c, s, data)
        #expect(r.done, "transfer incomplete")
        let same = r.atServer == data && r.atClient == data
        #expect(same)
        // A sent large segments and left every TCP checksum to the device; the wire saw
        // nothing above 1514 bytes, and B's software checks found no bad checksum.
        #expect(h.net.segmentedFrames > 20)
        #expect(h.net.partialChecksumFrames >= h.net.segmentedFrames)
        #expect(h.net.largestFrame == 1514)
        #expect(h.b.drops[.tcpBadChecksum] == 0 && h.a.drops[.tcpBadChecksum] == 0)
        #expect(h.a.tcpStatistics.retransmittedSegments == 0)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func segmentedTransferRecoversFromLoss(seed: UInt64) throws {
        let h = TwoHosts(seed: seed, offloads: Self.all)
        h.net.impairment = .init(lossPPM: 20_000, duplicatePPM: 10_000, jitter: 400_000, delay: 2_000_000)
        let (c, s) = try TCPTransferTests.connect(h)
        let data = pattern(1 << 20, seed: seed)
        let r = TCPTransferTests.exchange(h, c, s, data)
        #expect(r.done, "transfer incomplete")
        let same = r.atServer == data && r.atClient == data
        #expect(same)
        #expect(h.net.segmentedFrames > 0)
        #expect(h.a.tcpStatistics.retransmittedSegments > 0)
        #expect(h.b.drops[.tcpBadChecksum] == 0)
    }

    @Test func withoutOffloadsNothingIsLeftToTheDevice() throws {
        let h = TwoHosts(seed: 4)
        let (c, s) = try TCPTransferTests.connect(h)
        let data = pattern(256 << 10, seed: 4)
        let r = TCPTransferTests.exchange(h, c, s, data)
        #expect(r.done && r.atServer == data)
        #expect(h.net.segmentedFrames == 0 && h.net.partialChecksumFrames == 0)
    }

    @Test func segmentedTransferOverIPv6() throws {
        let h = TwoHosts(seed: 5, offloads: Self.all)
        let router = TestRouter()
        h.net.attachHost(router.handle)
        h.a.enableIPv6(on: h.aIf)
        h.b.enableIPv6(on: h.bIf)
        h.net.run(for: 3_000_000_000)
        let l = try h.b.socket(domain: .inet6, type: .stream)
        try h.b.bind(l, to: SocketAddress(.v6(.unspecified), port: 80))
        try h.b.listen(l, backlog: 2)
        let c = try h.a.socket(domain: .inet6, type: .stream)
        try h.a.startConnect(c, to: SocketAddress(IPv6Tests.global(TwoHosts.bMAC), port: 80))
        #expect(h.net.run(for: 1_000_000_000) { (try? h.b.readiness(l))?.contains(.readable) == true })
        let (s, _) = try h.b.accept(l)
        let data = pattern(600_000, seed: 5)
        var sent = 0
        var got: [UInt8] = []
        #expect(h.net.run(for: 20_000_000_000) {
            while sent < data.count, let n = try? h.a.send(c, Array(data[sent..<min(data.count, sent + 65536)])) { sent += n }
            while let chunk = try? h.b.receive(s, maxCount: 65536), !chunk.isEmpty { got += chunk }
            return got.count == data.count
        })
        let same = got == data
        #expect(same)
        #expect(h.net.segmentedFrames > 0)
        // The router advertised an MTU of 1400: no IPv6 frame exceeds it.
        #expect(h.net.largestFrame <= 1414)
        #expect(h.b.drops[.tcpBadChecksum] == 0)
    }

    @Test func udpChecksumsAreFinishedByTheDeviceAndBeforeFragmenting() throws {
        let h = TwoHosts(seed: 6, offloads: Self.all)
        let r = try h.b.socket(domain: .inet, type: .datagram)
        try h.b.bind(r, to: SocketAddress(.any, port: 53))
        let u = try h.a.socket(domain: .inet, type: .datagram)
        for size in [0, 1, 100, 1472, 4000] {
            let payload = pattern(size, seed: UInt64(size))
            _ = try h.a.send(u, payload, to: SocketAddress(TwoHosts.bAddress, port: 53))
            var got: [UInt8]?
            #expect(h.net.run(for: 1_000_000_000) {
                got = try? h.b.receiveFrom(r, maxCount: 65536).bytes
                return got != nil
            })
            #expect(got == payload, "datagram of \(size) bytes")
        }
        // The first waited for B's link address and the last was fragmented: both were
        // finished in software; the three between were left to the device.
        #expect(h.net.partialChecksumFrames == 3)
        #expect(h.b.drops[.udpBadChecksum] == 0)
    }

    @Test func checksumsVouchedForByTheDeviceAreNotSummedAgain() throws {
        let h = TwoHosts(seed: 7)
        let r = try h.b.socket(domain: .inet, type: .datagram)
        try h.b.bind(r, to: SocketAddress(.any, port: 9))
        let u = try h.a.socket(domain: .inet, type: .datagram)
        _ = try h.a.send(u, [1], to: SocketAddress(TwoHosts.bAddress, port: 9))
        h.net.run(for: 100_000_000)  // resolves B's link address
        _ = try h.b.receiveFrom(r, maxCount: 10)
        _ = try h.a.send(u, [2, 3], to: SocketAddress(TwoHosts.bAddress, port: 9))
        var frame = try #require(h.a.takeTransmitQueue(h.aIf).first)
        frame[14 + 20 + 6] ^= 0x5A  // a wrong UDP checksum
        h.b.receive(frame: frame, on: h.bIf)
        #expect(h.b.drops[.udpBadChecksum] == 1)
        #expect(throws: NetError.self) { try h.b.receiveFrom(r, maxCount: 10) }
        h.b.receive(frame: frame, on: h.bIf, checksumsVerified: true)
        #expect(try h.b.receiveFrom(r, maxCount: 10).bytes == [2, 3])
        // The flag covers that frame only.
        h.b.receive(frame: frame, on: h.bIf)
        #expect(h.b.drops[.udpBadChecksum] == 2)
    }

    @Test func aFrameLeftToTheDeviceIsCompletedLikeTheStackWould() {
        // A TCP/IPv4 segment of 3000 payload bytes cut at 1000: three segments, sequence
        // numbers 1000 apart, FIN and PSH on the last only, IPv4 identifications counting up.
        var f = [UInt8](repeating: 0, count: 14 + 20 + 20 + 3000)
        f.put16(EthernetHeader.typeIPv4, at: 12)
        IPv4Header.write(
            to: &f, at: 14, totalLength: f.count - 14, identification: 500, ttl: 64, protocolNumber: 6,
            source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 0, 0, 2))
        f.put32(7000, at: 34 + 4)
        f[34 + 12] = 5 << 4
        f[34 + 13] = TCPFlags.ack.rawValue | TCPFlags.psh.rawValue | TCPFlags.fin.rawValue
        for i in 0..<3000 { f[54 + i] = UInt8(truncatingIfNeeded: i) }
        let pseudo = InternetChecksum.pseudoHeader(
            source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 0, 0, 2), protocol: 6, length: 3020)
        f.put16(~pseudo.value, at: 34 + 16)
        let pieces = OutgoingFrame(bytes: f, checksumStart: 34, checksumField: 16, segmentSize: 1000, headerLength: 54).completed()
        #expect(pieces.count == 3)
        for (k, p) in pieces.enumerated() {
            #expect(p.count == 1054)
            let view = PacketView(p)
            #expect(p.get16(at: 16) == 1040 && p.get16(at: 18) == 500 + UInt16(k))
            var ip = InternetChecksum()
            ip.add(p, from: 14, count: 20)
            #expect(ip.value == 0)
            var tcp = InternetChecksum.pseudoHeader(
                source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 0, 0, 2), protocol: 6, length: 1020)
            tcp.add(view.dropFirst(34))
            #expect(tcp.value == 0)
            #expect(view.u32(38) == 7000 + 1000 * UInt32(k))
            let last = k == 2
            #expect((p[47] & TCPFlags.fin.rawValue != 0) == last && (p[47] & TCPFlags.psh.rawValue != 0) == last)
            #expect(p[54] == UInt8(truncatingIfNeeded: 1000 * k))
        }
    }
}
