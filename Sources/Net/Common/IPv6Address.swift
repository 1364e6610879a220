/// An IPv6 address as two 64-bit halves in network order (`high` holds the first 8 bytes).
public struct IPv6Address: Equatable, Hashable, Sendable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// From the eight 16-bit groups of the textual form (`fe80, 0, 0, 0, …`).
    public init(
        _ g0: UInt16, _ g1: UInt16, _ g2: UInt16, _ g3: UInt16,
        _ g4: UInt16, _ g5: UInt16, _ g6: UInt16, _ g7: UInt16
    ) {
        high = UInt64(g0) << 48 | UInt64(g1) << 32 | UInt64(g2) << 16 | UInt64(g3)
        low = UInt64(g4) << 48 | UInt64(g5) << 32 | UInt64(g6) << 16 | UInt64(g7)
    }

    /// `::`.
    public static let unspecified = IPv6Address(high: 0, low: 0)
    /// `::1`.
    public static let loopback = IPv6Address(high: 0, low: 1)
    /// `ff02::1`: all nodes on the link.
    public static let allNodes = IPv6Address(0xFF02, 0, 0, 0, 0, 0, 0, 1)
    /// `ff02::2`: all routers on the link.
    public static let allRouters = IPv6Address(0xFF02, 0, 0, 0, 0, 0, 0, 2)

    public var isUnspecified: Bool { high == 0 && low == 0 }
    public var isLoopback: Bool { high == 0 && low == 1 }
    /// `ff00::/8`.
    public var isMulticast: Bool { high >> 56 == 0xFF }
    /// `fe80::/10`.
    public var isLinkLocal: Bool { high >> 54 == 0xFE80 >> 6 }
    /// `::ffff:0:0/96`: an IPv4 address seen through an IPv6 socket.
    public var isIPv4Mapped: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// The IPv4 address inside an IPv4-mapped address.
    public var ipv4Mapped: IPv4Address? {
        isIPv4Mapped ? IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)) : nil
    }

    /// `::ffff:a.b.c.d`.
    public init(ipv4Mapped address: IPv4Address) {
        high = 0
        low = 0xFFFF_0000_0000 | UInt64(address.rawValue)
    }

    /// The solicited-node multicast group of this address, `ff02::1:ffXX:XXXX` (RFC 4291 §2.7.1),
    /// where neighbour solicitations for it are sent.
    public var solicitedNode: IPv6Address {
        IPv6Address(high: 0xFF02_0000_0000_0000, low: 0x0000_0001_FF00_0000 | (low & 0xFF_FFFF))
    }

    /// The modified EUI-64 interface identifier of a MAC address (RFC 4291 appendix A): `fffe`
    /// in the middle and the universal/local bit flipped.
    public static func interfaceIdentifier(mac: MACAddress) -> UInt64 {
        let m = mac.rawValue
        let upper = (m >> 24) ^ 0x02_0000
        return upper << 40 | 0xFF_FE00_0000 | (m & 0xFF_FFFF)
    }

    /// `fe80::` plus the interface identifier of `mac`.
    public static func linkLocal(mac: MACAddress) -> IPv6Address {
        IPv6Address(high: 0xFE80_0000_0000_0000, low: interfaceIdentifier(mac: mac))
    }

    /// Whether the first `length` bits equal `other`'s.
    public func sharesPrefix(with other: IPv6Address, length: Int) -> Bool {
        if length <= 0 { return true }
        if length >= 128 { return self == other }
        if length <= 64 {
            let m: UInt64 = length == 64 ? ~0 : ~(~UInt64(0) >> UInt64(length))
            return high & m == other.high & m
        }
        let m: UInt64 = ~(~UInt64(0) >> UInt64(length &- 64))
        return high == other.high && low & m == other.low & m
    }

    /// Byte `i` in wire order.
    public func byte(_ i: Int) -> UInt8 {
        i < 8
            ? UInt8(truncatingIfNeeded: high >> UInt64((7 &- i) &* 8))
            : UInt8(truncatingIfNeeded: low >> UInt64((15 &- i) &* 8))
    }

    func write(to buffer: inout [UInt8], at offset: Int) {
        for i in 0..<16 { buffer[offset &+ i] = byte(i) }
    }

    init(reading view: PacketView, at offset: Int) {
        high = UInt64(view.u32(offset)) << 32 | UInt64(view.u32(offset &+ 4))
        low = UInt64(view.u32(offset &+ 8)) << 32 | UInt64(view.u32(offset &+ 12))
    }
}
