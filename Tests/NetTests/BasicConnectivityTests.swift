import Testing
@testable import Net

@Suite struct BasicConnectivityTests {
    @Test func arpResolvesAndPingIsAnswered() throws {
        let h = TwoHosts()
        let ping = try h.a.socket(domain: .inet, type: .datagram, protocol: 1)
        var request: [UInt8] = [8, 0, 0, 0, 0, 0, 0, 1]
        request += Array("skiff".utf8)
        try h.a.send(ping, request, to: SocketAddress(TwoHosts.bAddress, port: 0))
        let got = h.net.run(for: 1_000_000_000) { (try? h.a.bytesAvailable(ping)) ?? 0 > 0 }
        #expect(got)
        let (reply, source) = try h.a.receiveFrom(ping, maxCount: 100)
        #expect(source == SocketAddress(TwoHosts.bAddress, port: 0))
        #expect(reply.count == 13 && reply[0] == 0 && Array(reply[8...]) == Array("skiff".utf8))
        #expect(reply[6] == 0 && reply[7] == 1)  // sequence echoed
        // Both learned each other's MAC.
        #expect(h.a.interface(h.aIf)!.arp.linkAddress(of: .v4(TwoHosts.bAddress)) == TwoHosts.bMAC)
        #expect(h.b.interface(h.bIf)!.arp.linkAddress(of: .v4(TwoHosts.aAddress)) == TwoHosts.aMAC)
    }

    @Test func udpEcho() throws {
        let h = TwoHosts()
        let server = try h.b.socket(domain: .inet, type: .datagram)
        try h.b.bind(server, to: SocketAddress(.any, port: 7))
        let client = try h.a.socket(domain: .inet, type: .datagram)
        try h.a.send(client, Array("hello".utf8), to: SocketAddress(TwoHosts.bAddress, port: 7))
        #expect(h.net.run(for: 1_000_000_000) { (try? h.b.bytesAvailable(server)) ?? 0 > 0 })
        let (request, from) = try h.b.receiveFrom(server, maxCount: 100)
        #expect(request == Array("hello".utf8))
        let clientAddress = try h.a.localAddress(client)
        #expect(from == SocketAddress(TwoHosts.aAddress, port: clientAddress.port))
        try h.b.send(server, request, to: from!)
        #expect(h.net.run(for: 1_000_000_000) { (try? h.a.bytesAvailable(client)) ?? 0 > 0 })
        let (reply, replySource) = try h.a.receiveFrom(client, maxCount: 100)
        #expect(reply == Array("hello".utf8))
        #expect(replySource == SocketAddress(TwoHosts.bAddress, port: 7))
        #expect(throws: NetError.wouldBlock) { try h.a.receive(client, maxCount: 10) }
    }

    @Test func tcpConnectTransferAndClose() throws {
        let h = TwoHosts(configure: fastTimers)
        let listener = try h.b.socket(domain: .inet, type: .stream)
        try h.b.bind(listener, to: SocketAddress(.any, port: 80))
        try h.b.listen(listener, backlog: 4)
        let client = try h.a.socket(domain: .inet, type: .stream)
        #expect(throws: NetError.inProgress) { try h.a.connect(client, to: SocketAddress(TwoHosts.bAddress, port: 80)) }
        #expect(try h.a.tcpState(client) == .synSent)
        #expect(h.net.run(for: 1_000_000_000) { (try? h.a.tcpState(client)) == .established })
        #expect(h.net.run(for: 1_000_000_000) { (try? h.b.readiness(listener))?.contains(.readable) == true })
        let (server, peer) = try h.b.accept(listener)
        #expect(peer.address == .v4(TwoHosts.aAddress))
        #expect(try h.a.readiness(client).contains(.writable))
        let message = pattern(10_000)
        #expect(try h.a.send(client, message) == 10_000)
        var received: [UInt8] = []
        #expect(h.net.run(for: 2_000_000_000) {
            if let chunk = try? h.b.receive(server, maxCount: 65536) { received += chunk }
            return received.count == message.count
        })
        let same = received == message
        #expect(same)
        try h.a.shutdown(client, .write)
        #expect(h.net.run(for: 1_000_000_000) { (try? h.b.tcpState(server)) == .closeWait })
        #expect(try h.b.receive(server, maxCount: 10) == [])  // end of stream
        try h.b.close(server)
        #expect(h.net.run(for: 1_000_000_000) { (try? h.a.tcpState(client)) == .timeWait })
        #expect(try h.a.receive(client, maxCount: 10) == [])
        h.net.run(for: 3_000_000_000)
        #expect(try h.a.tcpState(client) == .closed)
        try h.a.close(client)
        #expect(h.a.sockets.count == 0)
        #expect(h.b.sockets.count == 1)  // the listener
    }
}
