import Testing

@testable import Net

struct SocketAddressLinuxTests {
    @Test func inetRoundTrip() throws {
        let bytes: [UInt8] = [2, 0, 0x1F, 0x90, 10, 0, 2, 15, 0, 0, 0, 0, 0, 0, 0, 0]
        let a = try SocketAddress(sockaddr: bytes)
        #expect(a == SocketAddress(IPv4Address(10, 0, 2, 15), port: 8080))
        #expect(a.sockaddr(for: .inet) == bytes)
    }

    @Test func inet6RoundTripWithScope() throws {
        var bytes = [UInt8](repeating: 0, count: 28)
        bytes[0] = 10
        bytes[2] = 0x01
        bytes[3] = 0xBB
        bytes[8] = 0xFE
        bytes[9] = 0x80
        bytes[23] = 0x01
        bytes[24] = 2
        let a = try SocketAddress(sockaddr: bytes)
        #expect(a.port == 443)
        #expect(a.address == .v6(IPv6Address(0xFE80, 0, 0, 0, 0, 0, 0, 1)))
        #expect(a.scopeID == 2)
        #expect(a.sockaddr(for: .inet6) == bytes)
    }

    @Test func ipv4PeerOfAnIPv6SocketIsMapped() throws {
        let a = SocketAddress(IPv4Address(127, 0, 0, 1), port: 7)
        let bytes = a.sockaddr(for: .inet6)
        #expect(bytes.count == 28)
        #expect(Array(bytes[16..<24]) == [0, 0, 0xFF, 0xFF, 127, 0, 0, 1])
        let back = try SocketAddress(sockaddr: bytes)
        #expect(back.address.unmapped == .v4(IPv4Address(127, 0, 0, 1)))
    }

    @Test func shortAndForeignAddressesAreRejected() {
        #expect(throws: NetError.invalidArgument) { try SocketAddress(sockaddr: [2, 0, 0, 80]) }
        #expect(throws: NetError.invalidArgument) { try SocketAddress(sockaddr: [10, 0, 0, 80] + [UInt8](repeating: 0, count: 12)) }
        #expect(throws: NetError.addressFamilyNotSupported) { try SocketAddress(sockaddr: [1, 0, 0, 0]) }
        #expect(throws: NetError.invalidArgument) { try SocketAddress(sockaddr: [2]) }
    }

    @Test func rfc2133LengthWithoutScopeIsAccepted() throws {
        var bytes = [UInt8](repeating: 0, count: 24)
        bytes[0] = 10
        bytes[23] = 1
        let a = try SocketAddress(sockaddr: bytes)
        #expect(a.address == .v6(.loopback))
        #expect(a.scopeID == 0)
    }
}

struct AddressTextTests {
    @Test func ipv4DottedQuad() {
        #expect(IPv4Address(10, 0, 2, 15).description == "10.0.2.15")
        #expect(IPv4Address.any.description == "0.0.0.0")
    }

    @Test func ipv6FollowsRFC5952() {
        #expect(IPv6Address.loopback.description == "::1")
        #expect(IPv6Address.unspecified.description == "::")
        #expect(IPv6Address(0xFE80, 0, 0, 0, 0x5054, 0xFF, 0xFE12, 0x3456).description == "fe80::5054:ff:fe12:3456")
        #expect(IPv6Address(0x2001, 0xDB8, 0, 0, 1, 0, 0, 1).description == "2001:db8::1:0:0:1")
        #expect(IPv6Address(0x2001, 0xDB8, 0, 1, 1, 1, 1, 1).description == "2001:db8:0:1:1:1:1:1")
        #expect(IPv6Address(ipv4Mapped: IPv4Address(1, 2, 3, 4)).description == "::ffff:1.2.3.4")
        #expect(IPv6Address(0xFEC0, 0, 0, 0, 0, 0, 0, 0).description == "fec0::")
    }
}
