import Testing

@testable import Net

@Suite struct ResolverFilesTests {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func resolvConfListsUsableServersUpToThree() {
        let servers: [IPAddress] = [
            .v4(IPv4Address(10, 0, 2, 3)), .v6(IPv6Address(high: 0xFE80_0000_0000_0000, low: 1)), .v6(IPv6Address(high: 0xFEC0_0000_0000_0000, low: 3)),
            .v4(IPv4Address(1, 1, 1, 1)), .v4(IPv4Address(8, 8, 8, 8)),
        ]
        let file = text(ResolverFiles.resolvConf(nameServers: servers, searchDomains: [Array("example.org".utf8)]))
        let lines = file.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines == ["nameserver 10.0.2.3", "nameserver fec0::3", "nameserver 1.1.1.1", "search example.org"])
    }

    @Test func resolvConfWithoutServersIsOnlyAComment() {
        #expect(text(ResolverFiles.resolvConf(nameServers: [])).split(separator: "\n").allSatisfy { $0.hasPrefix("#") })
    }

    @Test func hostsNamesTheMachine() {
        let file = text(ResolverFiles.hosts(
            hostname: Array("skiff".utf8),
            addresses: [.v4(IPv4Address(10, 0, 2, 15)), .v4(IPv4Address(127, 0, 0, 1)), .v6(IPv6Address(high: 0xFE80_0000_0000_0000, low: 5))]))
        #expect(file.contains("127.0.0.1\tlocalhost\n"))
        #expect(file.contains("10.0.2.15\tskiff\n"))
        #expect(!file.contains("fe80"))
        let none = text(ResolverFiles.hosts(hostname: Array("app".utf8), addresses: []))
        #expect(none.contains("127.0.1.1\tapp\n"))
    }
}
