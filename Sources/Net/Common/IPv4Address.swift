/// An IPv4 address in host byte order (`10.0.2.15` is `0x0A00_020F`).
///
/// The `Boot` module has its own type for the `--ip` option; both keep the same `rawValue`, so
/// the kernel converts with `Net.IPv4Address(rawValue: boot.rawValue)`. `Net` stays free of
/// dependencies so it builds and tests on its own.
public struct IPv4Address: Equatable, Hashable, Comparable, Sendable {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `0.0.0.0`: INADDR_ANY.
    public static let any = IPv4Address(rawValue: 0)
    /// `255.255.255.255`: the limited broadcast address.
    public static let broadcast = IPv4Address(rawValue: 0xFFFF_FFFF)
    /// `127.0.0.1`.
    public static let loopback = IPv4Address(127, 0, 0, 1)

    public var isAny: Bool { rawValue == 0 }
    public var isBroadcast: Bool { rawValue == 0xFFFF_FFFF }
    /// `224.0.0.0/4`.
    public var isMulticast: Bool { rawValue >> 28 == 0xE }
    /// `127.0.0.0/8`.
    public var isLoopback: Bool { rawValue >> 24 == 127 }

    /// The network mask for a prefix length (`24` → `255.255.255.0`).
    public static func mask(prefixLength: Int) -> UInt32 {
        prefixLength <= 0 ? 0 : prefixLength >= 32 ? 0xFFFF_FFFF : ~(0xFFFF_FFFF >> UInt32(prefixLength))
    }

    /// Whether the first `prefixLength` bits equal `other`'s.
    public func sharesPrefix(with other: IPv4Address, length: Int) -> Bool {
        let m = Self.mask(prefixLength: length)
        return rawValue & m == other.rawValue & m
    }

    /// The prefix length of a contiguous netmask, or nil when the mask has holes.
    public static func prefixLength(ofMask mask: IPv4Address) -> Int? {
        let ones = mask.rawValue.leadingZeroBitCount == 0 ? (~mask.rawValue).leadingZeroBitCount : 0
        return Self.mask(prefixLength: ones) == mask.rawValue ? ones : nil
    }

    func write(to buffer: inout [UInt8], at offset: Int) {
        buffer[offset] = UInt8(truncatingIfNeeded: rawValue >> 24)
        buffer[offset &+ 1] = UInt8(truncatingIfNeeded: rawValue >> 16)
        buffer[offset &+ 2] = UInt8(truncatingIfNeeded: rawValue >> 8)
        buffer[offset &+ 3] = UInt8(truncatingIfNeeded: rawValue)
    }
}
