/// The slice of rtnetlink (NETLINK_ROUTE) that C libraries use to list interfaces:
/// `getifaddrs` and `if_nameindex` send RTM_GETLINK and RTM_GETADDR dump requests and read
/// RTM_NEWLINK / RTM_NEWADDR messages until NLMSG_DONE. Anything else is answered with an
/// NLMSG_ERROR carrying EOPNOTSUPP (Skiff's interfaces are configured at boot, not by
/// applications).
public enum RouteNetlink {
    public static let NLMSG_ERROR: UInt16 = 2
    public static let NLMSG_DONE: UInt16 = 3
    public static let RTM_NEWLINK: UInt16 = 16
    public static let RTM_GETLINK: UInt16 = 18
    public static let RTM_NEWADDR: UInt16 = 20
    public static let RTM_GETADDR: UInt16 = 22
    public static let NLM_F_REQUEST: UInt16 = 0x1
    public static let NLM_F_MULTI: UInt16 = 0x2
    public static let NLM_F_ACK: UInt16 = 0x4
    public static let NLM_F_DUMP: UInt16 = 0x300
    static let headerSize = 16

    /// An interface as RTM_NEWLINK describes it.
    public struct Link: Sendable {
        public var index: Int32
        public var name: [UInt8]
        public var hardwareAddress: [UInt8]
        public var mtu: UInt32
        public var flags: UInt32
        /// ARPHRD_ETHER or ARPHRD_LOOPBACK.
        public var type: UInt16

        public init(index: Int32, name: [UInt8], hardwareAddress: [UInt8], mtu: UInt32, flags: UInt32, type: UInt16) {
            self.index = index
            self.name = name
            self.hardwareAddress = hardwareAddress
            self.mtu = mtu
            self.flags = flags
            self.type = type
        }
    }

    /// An address as RTM_NEWADDR describes it.
    public struct Address: Sendable {
        public var index: Int32
        public var address: IPAddress
        public var prefixLength: UInt8
        public var label: [UInt8]

        public init(index: Int32, address: IPAddress, prefixLength: UInt8, label: [UInt8]) {
            self.index = index
            self.address = address
            self.prefixLength = prefixLength
            self.label = label
        }
    }

    /// Replies to one request datagram (which may hold several messages), as the datagrams the
    /// socket then delivers. `portID` is the requester's netlink port; replies carry it and
    /// the request's sequence number, as the C libraries check.
    public static func respond(to request: [UInt8], links: [Link], addresses: [Address], portID: UInt32) -> [[UInt8]] {
        var replies: [[UInt8]] = []
        var offset = 0
        while offset + headerSize <= request.count {
            let length = Int(read32(request, offset))
            guard length >= headerSize, offset + length <= request.count else { break }
            let type = read16(request, offset + 4)
            let flags = read16(request, offset + 6)
            let sequence = read32(request, offset + 8)
            let isDump = flags & NLM_F_DUMP == NLM_F_DUMP
            let family: UInt8 = length > headerSize ? request[offset + headerSize] : 0
            switch type {
            case RTM_GETLINK where isDump:
                var d: [UInt8] = []
                for l in links { d += message(RTM_NEWLINK, NLM_F_MULTI, sequence, portID, linkBody(l)) }
                d += message(NLMSG_DONE, NLM_F_MULTI, sequence, portID, [0, 0, 0, 0])
                replies.append(d)
            case RTM_GETADDR where isDump:
                var d: [UInt8] = []
                for a in addresses {
                    if family == 2 && !a.address.isV4 || family == 10 && a.address.isV4 { continue }
                    d += message(RTM_NEWADDR, NLM_F_MULTI, sequence, portID, addressBody(a))
                }
                d += message(NLMSG_DONE, NLM_F_MULTI, sequence, portID, [0, 0, 0, 0])
                replies.append(d)
            default:
                // struct nlmsgerr: the negative errno, then the request's header.
                var body = le32(UInt32(bitPattern: -95))
                body += Array(request[offset..<(offset + headerSize)])
                replies.append(message(NLMSG_ERROR, 0, sequence, portID, body))
            }
            offset += align(length)
        }
        return replies
    }

    static func linkBody(_ l: Link) -> [UInt8] {
        var b: [UInt8] = [0, 0]  // ifi_family AF_UNSPEC, pad
        b += le16(l.type)
        b += le32(UInt32(bitPattern: l.index))
        b += le32(l.flags)
        b += le32(0xFFFF_FFFF)  // ifi_change
        b += attribute(3, l.name + [0])  // IFLA_IFNAME
        b += attribute(4, le32(l.mtu))  // IFLA_MTU
        if !l.hardwareAddress.isEmpty {
            b += attribute(1, l.hardwareAddress)  // IFLA_ADDRESS
            let broadcast = l.type == 1 ? [UInt8](repeating: 0xFF, count: 6) : [UInt8](repeating: 0, count: l.hardwareAddress.count)
            b += attribute(2, broadcast)  // IFLA_BROADCAST
        }
        return b
    }

    static func addressBody(_ a: Address) -> [UInt8] {
        let bytes = addressBytes(a.address)
        var scope: UInt8 = 0  // RT_SCOPE_UNIVERSE
        if a.address.isLoopback { scope = 254 }  // RT_SCOPE_HOST
        if case .v6(let v6) = a.address, v6.isLinkLocal { scope = 253 }  // RT_SCOPE_LINK
        var b: [UInt8] = [a.address.isV4 ? 2 : 10, a.prefixLength, 0x80, scope]  // IFA_F_PERMANENT
        b += le32(UInt32(bitPattern: a.index))
        b += attribute(1, bytes)  // IFA_ADDRESS
        if case .v4(let v4) = a.address {
            b += attribute(2, bytes)  // IFA_LOCAL
            if a.prefixLength < 31 && !v4.isLoopback {
                let mask: UInt32 = a.prefixLength == 0 ? 0 : ~UInt32(0) << (32 - UInt32(a.prefixLength))
                b += attribute(4, addressBytes(.v4(IPv4Address(rawValue: v4.rawValue | ~mask))))  // IFA_BROADCAST
            }
            b += attribute(3, a.label + [0])  // IFA_LABEL
        }
        return b
    }

    static func addressBytes(_ a: IPAddress) -> [UInt8] {
        switch a {
        case .v4(let v4): return be32(v4.rawValue)
        case .v6(let v6):
            return be32(UInt32(truncatingIfNeeded: v6.high >> 32)) + be32(UInt32(truncatingIfNeeded: v6.high))
                + be32(UInt32(truncatingIfNeeded: v6.low >> 32)) + be32(UInt32(truncatingIfNeeded: v6.low))
        }
    }

    static func message(_ type: UInt16, _ flags: UInt16, _ sequence: UInt32, _ port: UInt32, _ body: [UInt8]) -> [UInt8] {
        var m = le32(UInt32(headerSize + body.count))
        m += le16(type)
        m += le16(flags)
        m += le32(sequence)
        m += le32(port)
        m += body
        while m.count % 4 != 0 { m.append(0) }
        return m
    }

    static func attribute(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        var a = le16(UInt16(4 + payload.count))
        a += le16(type)
        a += payload
        while a.count % 4 != 0 { a.append(0) }
        return a
    }

    static func align(_ n: Int) -> Int { (n + 3) & ~3 }
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
    static func be32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32($0))) } }
    static func read16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func read32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
