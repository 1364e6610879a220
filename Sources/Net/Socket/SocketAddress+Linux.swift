/// The `sockaddr_in` and `sockaddr_in6` layouts that socket system calls exchange with
/// applications. Ports and addresses are big-endian there; the family is little-endian.
extension SocketAddress {
    /// `sizeof(struct sockaddr_in)`.
    public static let inetLength = 16
    /// `sizeof(struct sockaddr_in6)`.
    public static let inet6Length = 28
    /// RFC 2133's `sockaddr_in6` without `sin6_scope_id`, which Linux still accepts.
    static let inet6LengthWithoutScope = 24

    /// Parses an application's sockaddr. `invalidArgument` when it is too short for its
    /// family, `addressFamilyNotSupported` for a family other than AF_INET and AF_INET6.
    public init(sockaddr bytes: [UInt8]) throws(NetError) {
        guard bytes.count >= 2 else { throw .invalidArgument }
        let family = Int32(bytes[0]) | Int32(bytes[1]) << 8
        guard bytes.count >= 4 else { throw .invalidArgument }
        let port = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        switch family {
        case SocketDomain.inet.rawValue:
            guard bytes.count >= Self.inetLength else { throw .invalidArgument }
            self.init(IPv4Address(rawValue: Self.bigEndian32(bytes, at: 4)), port: port)
        case SocketDomain.inet6.rawValue:
            guard bytes.count >= Self.inet6LengthWithoutScope else { throw .invalidArgument }
            let high = UInt64(Self.bigEndian32(bytes, at: 8)) << 32 | UInt64(Self.bigEndian32(bytes, at: 12))
            let low = UInt64(Self.bigEndian32(bytes, at: 16)) << 32 | UInt64(Self.bigEndian32(bytes, at: 20))
            var scope: UInt32 = 0
            if bytes.count >= Self.inet6Length {
                scope = UInt32(bytes[24]) | UInt32(bytes[25]) << 8 | UInt32(bytes[26]) << 16 | UInt32(bytes[27]) << 24
            }
            self.init(IPv6Address(high: high, low: low), port: port, scopeID: scope)
        default:
            throw .addressFamilyNotSupported
        }
    }

    /// The sockaddr a socket of `domain` reports: an IPv6 socket shows IPv4 peers as
    /// IPv4-mapped addresses.
    public func sockaddr(for domain: SocketDomain) -> [UInt8] {
        switch (domain, address) {
        case (.inet, .v4(let a)):
            var bytes = [UInt8](repeating: 0, count: Self.inetLength)
            bytes[0] = UInt8(SocketDomain.inet.rawValue)
            Self.putPort(port, into: &bytes)
            Self.putBigEndian32(a.rawValue, into: &bytes, at: 4)
            return bytes
        default:
            var bytes = [UInt8](repeating: 0, count: Self.inet6Length)
            bytes[0] = UInt8(SocketDomain.inet6.rawValue)
            Self.putPort(port, into: &bytes)
            let a = address.mappedToV6
            Self.putBigEndian32(UInt32(truncatingIfNeeded: a.high >> 32), into: &bytes, at: 8)
            Self.putBigEndian32(UInt32(truncatingIfNeeded: a.high), into: &bytes, at: 12)
            Self.putBigEndian32(UInt32(truncatingIfNeeded: a.low >> 32), into: &bytes, at: 16)
            Self.putBigEndian32(UInt32(truncatingIfNeeded: a.low), into: &bytes, at: 20)
            for i in 0..<4 { bytes[24 + i] = UInt8(truncatingIfNeeded: scopeID >> (8 * UInt32(i))) }
            return bytes
        }
    }

    static func bigEndian32(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    static func putBigEndian32(_ v: UInt32, into b: inout [UInt8], at i: Int) {
        b[i] = UInt8(truncatingIfNeeded: v >> 24)
        b[i + 1] = UInt8(truncatingIfNeeded: v >> 16)
        b[i + 2] = UInt8(truncatingIfNeeded: v >> 8)
        b[i + 3] = UInt8(truncatingIfNeeded: v)
    }

    static func putPort(_ port: UInt16, into b: inout [UInt8]) {
        b[2] = UInt8(truncatingIfNeeded: port >> 8)
        b[3] = UInt8(truncatingIfNeeded: port)
    }
}
