/// A 48-bit Ethernet address, kept in the low 48 bits of an integer in wire order (the first
/// byte on the wire is bits 47…40) so it compares and copies as one word.
public struct MACAddress: Equatable, Hashable, Sendable {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xFFFF_FFFF_FFFF }

    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        rawValue = UInt64(b0) << 40 | UInt64(b1) << 32 | UInt64(b2) << 24 | UInt64(b3) << 16
            | UInt64(b4) << 8 | UInt64(b5)
    }

    /// `ff:ff:ff:ff:ff:ff`.
    public static let broadcast = MACAddress(rawValue: 0xFFFF_FFFF_FFFF)
    /// All zeros: "unknown" in ARP requests.
    public static let zero = MACAddress(rawValue: 0)

    /// Byte `i` (0 = first on the wire).
    public func byte(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: rawValue >> UInt64((5 &- i) &* 8)) }

    /// Group bit: multicast and broadcast frames have the least significant bit of the first byte set.
    public var isMulticast: Bool { byte(0) & 1 != 0 }
    public var isBroadcast: Bool { self == .broadcast }

    /// The Ethernet address IPv6 multicast `group` maps to: `33:33` and the group's low 32 bits
    /// (RFC 2464 §7).
    public static func ipv6Multicast(_ group: IPv6Address) -> MACAddress {
        MACAddress(rawValue: 0x3333_0000_0000 | (group.low & 0xFFFF_FFFF))
    }

    func write(to buffer: inout [UInt8], at offset: Int) {
        for i in 0..<6 { buffer[offset &+ i] = byte(i) }
    }

    init(reading view: PacketView, at offset: Int) {
        self.init(rawValue: UInt64(view.u16(offset)) << 32 | UInt64(view.u32(offset &+ 2)))
    }
}
