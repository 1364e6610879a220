import Testing

@testable import Net

struct RouteNetlinkTests {
    let links = [
        RouteNetlink.Link(index: 1, name: Array("lo".utf8), hardwareAddress: [0, 0, 0, 0, 0, 0], mtu: 65536, flags: 0x49, type: 772),
        RouteNetlink.Link(index: 2, name: Array("eth0".utf8), hardwareAddress: [0x52, 0x54, 0, 0x12, 0x34, 0x56], mtu: 1500, flags: 0x1043, type: 1),
    ]
    let addresses = [
        RouteNetlink.Address(index: 1, address: .v4(.loopback), prefixLength: 8, label: Array("lo".utf8)),
        RouteNetlink.Address(index: 2, address: .v4(IPv4Address(10, 0, 2, 15)), prefixLength: 24, label: Array("eth0".utf8)),
        RouteNetlink.Address(index: 1, address: .v6(.loopback), prefixLength: 128, label: Array("lo".utf8)),
    ]

    func request(type: UInt16, family: UInt8, sequence: UInt32) -> [UInt8] {
        RouteNetlink.message(type, RouteNetlink.NLM_F_REQUEST | RouteNetlink.NLM_F_DUMP, sequence, 0, [family, 0, 0, 0])
    }

    /// Splits a datagram into (type, sequence, port, body) messages, checking lengths.
    func messages(_ d: [UInt8]) -> [(UInt16, UInt32, UInt32, [UInt8])] {
        var out: [(UInt16, UInt32, UInt32, [UInt8])] = []
        var o = 0
        while o + 16 <= d.count {
            let length = Int(RouteNetlink.read32(d, o))
            #expect(length >= 16 && o + length <= d.count)
            out.append((RouteNetlink.read16(d, o + 4), RouteNetlink.read32(d, o + 8), RouteNetlink.read32(d, o + 12), Array(d[(o + 16)..<(o + length)])))
            o += RouteNetlink.align(length)
        }
        #expect(o == d.count)
        return out
    }

    @Test func linkDumpListsEveryInterfaceThenDone() {
        let replies = RouteNetlink.respond(to: request(type: 18, family: 0, sequence: 7), links: links, addresses: addresses, portID: 42)
        #expect(replies.count == 1)
        let m = messages(replies[0])
        #expect(m.map { $0.0 } == [16, 16, 3])
        #expect(m.allSatisfy { $0.1 == 7 && $0.2 == 42 })
        let eth = m[1].3
        #expect(RouteNetlink.read32(eth, 4) == 2)  // ifi_index
        // IFLA_IFNAME is the first attribute.
        #expect(RouteNetlink.read16(eth, 18) == 3)
        #expect(Array(eth[20..<25]) == Array("eth0".utf8) + [0])
    }

    @Test func addressDumpFiltersByFamily() {
        let v4 = messages(RouteNetlink.respond(to: request(type: 22, family: 2, sequence: 1), links: links, addresses: addresses, portID: 1)[0])
        #expect(v4.map { $0.0 } == [20, 20, 3])
        #expect(Array(v4[1].3[12..<16]) == [10, 0, 2, 15])  // IFA_ADDRESS payload
        #expect(v4[1].3[1] == 24)
        let all = messages(RouteNetlink.respond(to: request(type: 22, family: 0, sequence: 1), links: links, addresses: addresses, portID: 1)[0])
        #expect(all.count == 4)
        #expect(all[2].3[0] == 10 && all[2].3[3] == 254)  // AF_INET6, host scope
    }

    @Test func unknownRequestsGetAnError() {
        let replies = RouteNetlink.respond(to: request(type: 24, family: 0, sequence: 9), links: links, addresses: addresses, portID: 3)
        let m = messages(replies[0])
        #expect(m.count == 1 && m[0].0 == 2)
        #expect(Int32(bitPattern: RouteNetlink.read32(m[0].3, 0)) == -95)
    }

    @Test func truncatedRequestsAreIgnored() {
        #expect(RouteNetlink.respond(to: [1, 2, 3], links: links, addresses: addresses, portID: 3).isEmpty)
        #expect(RouteNetlink.respond(to: [200, 0, 0, 0] + [UInt8](repeating: 0, count: 16), links: links, addresses: addresses, portID: 3).isEmpty)
    }
}
