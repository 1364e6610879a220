/// A DHCPv4 message (RFC 2131 §2) with the options the client uses (RFC 2132).
///
/// Options overloaded into the `sname`/`file` fields (option 52) are not read; servers only
/// overload when the options do not fit, which the requested set always does.
struct DHCPMessage: Equatable {
    static let clientPort: UInt16 = 68
    static let serverPort: UInt16 = 67
    static let magicCookie: UInt32 = 0x6382_5363
    /// Fixed fields and the magic cookie.
    static let fixedSize = 240

    static let discover: UInt8 = 1
    static let offer: UInt8 = 2
    static let request: UInt8 = 3
    static let decline: UInt8 = 4
    static let ack: UInt8 = 5
    static let nak: UInt8 = 6
    static let release: UInt8 = 7

    static let optionPad: UInt8 = 0
    static let optionSubnetMask: UInt8 = 1
    static let optionRouter: UInt8 = 3
    static let optionDNS: UInt8 = 6
    static let optionDomainName: UInt8 = 15
    static let optionMTU: UInt8 = 26
    static let optionRequestedAddress: UInt8 = 50
    static let optionLeaseTime: UInt8 = 51
    static let optionMessageType: UInt8 = 53
    static let optionServerIdentifier: UInt8 = 54
    static let optionParameterList: UInt8 = 55
    static let optionMaximumSize: UInt8 = 57
    static let optionRenewalTime: UInt8 = 58
    static let optionRebindingTime: UInt8 = 59
    static let optionClientIdentifier: UInt8 = 61
    static let optionEnd: UInt8 = 255

    /// 1 for requests (BOOTREQUEST), 2 for replies (BOOTREPLY).
    var op: UInt8 = 1
    var transactionID: UInt32 = 0
    var seconds: UInt16 = 0
    var broadcastFlag = false
    var clientAddress = IPv4Address.any
    var yourAddress = IPv4Address.any
    var serverAddress = IPv4Address.any
    var relayAddress = IPv4Address.any
    var clientMAC = MACAddress.zero

    var messageType: UInt8?
    var subnetMask: IPv4Address?
    var routers: [IPv4Address] = []
    var dnsServers: [IPv4Address] = []
    var mtu: Int?
    var requestedAddress: IPv4Address?
    var leaseTime: UInt32?
    var serverIdentifier: IPv4Address?
    var renewalTime: UInt32?
    var rebindingTime: UInt32?
    var parameterRequestList: [UInt8] = []
    var clientIdentifier: [UInt8] = []

    init() {}

    /// Nil when fixed fields are truncated, the hardware type is not Ethernet, the cookie is
    /// wrong or an option runs past the end.
    init?(parsing view: PacketView) {
        guard view.count >= Self.fixedSize, view.u8(1) == 1, view.u8(2) == 6, view.u32(236) == Self.magicCookie else {
            return nil
        }
        op = view.u8(0)
        transactionID = view.u32(4)
        seconds = view.u16(8)
        broadcastFlag = view.u16(10) & 0x8000 != 0
        clientAddress = IPv4Address(rawValue: view.u32(12))
        yourAddress = IPv4Address(rawValue: view.u32(16))
        serverAddress = IPv4Address(rawValue: view.u32(20))
        relayAddress = IPv4Address(rawValue: view.u32(24))
        clientMAC = MACAddress(reading: view, at: 28)
        var i = Self.fixedSize
        while i < view.count {
            let code = view.u8(i)
            if code == Self.optionEnd { break }
            if code == Self.optionPad {
                i &+= 1
                continue
            }
            guard i &+ 1 < view.count else { return nil }
            let length = Int(view.u8(i &+ 1))
            guard i &+ 2 &+ length <= view.count else { return nil }
            let value = view.slice(from: i &+ 2, count: length)
            func address() -> IPv4Address? { length >= 4 ? IPv4Address(rawValue: value.u32(0)) : nil }
            func addresses() -> [IPv4Address] {
                var list: [IPv4Address] = []
                var a = 0
                while a &+ 4 <= length {
                    list.append(IPv4Address(rawValue: value.u32(a)))
                    a &+= 4
                }
                return list
            }
            func seconds32() -> UInt32? { length >= 4 ? value.u32(0) : nil }
            switch code {
            case Self.optionMessageType: messageType = length >= 1 ? value.u8(0) : nil
            case Self.optionSubnetMask: subnetMask = address()
            case Self.optionRouter: routers = addresses()
            case Self.optionDNS: dnsServers = addresses()
            case Self.optionMTU: mtu = length >= 2 ? Int(value.u16(0)) : nil
            case Self.optionRequestedAddress: requestedAddress = address()
            case Self.optionLeaseTime: leaseTime = seconds32()
            case Self.optionServerIdentifier: serverIdentifier = address()
            case Self.optionRenewalTime: renewalTime = seconds32()
            case Self.optionRebindingTime: rebindingTime = seconds32()
            case Self.optionParameterList: parameterRequestList = value.copyBytes()
            case Self.optionClientIdentifier: clientIdentifier = value.copyBytes()
            default: break
            }
            i &+= 2 &+ length
        }
    }

    /// The wire form, options in a fixed order, padded to the BOOTP minimum of 300 bytes.
    func encode() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.fixedSize)
        b[0] = op
        b[1] = 1
        b[2] = 6
        b.put32(transactionID, at: 4)
        b.put16(seconds, at: 8)
        b.put16(broadcastFlag ? 0x8000 : 0, at: 10)
        clientAddress.write(to: &b, at: 12)
        yourAddress.write(to: &b, at: 16)
        serverAddress.write(to: &b, at: 20)
        relayAddress.write(to: &b, at: 24)
        clientMAC.write(to: &b, at: 28)
        b.put32(Self.magicCookie, at: 236)
        func option(_ code: UInt8, _ bytes: [UInt8]) {
            b.append(code)
            b.append(UInt8(truncatingIfNeeded: bytes.count))
            b.append(contentsOf: bytes)
        }
        func bytes(_ a: IPv4Address) -> [UInt8] {
            [UInt8(truncatingIfNeeded: a.rawValue >> 24), UInt8(truncatingIfNeeded: a.rawValue >> 16),
             UInt8(truncatingIfNeeded: a.rawValue >> 8), UInt8(truncatingIfNeeded: a.rawValue)]
        }
        func bytes(_ v: UInt32) -> [UInt8] { bytes(IPv4Address(rawValue: v)) }
        if let messageType { option(Self.optionMessageType, [messageType]) }
        if !clientIdentifier.isEmpty { option(Self.optionClientIdentifier, clientIdentifier) }
        if let serverIdentifier { option(Self.optionServerIdentifier, bytes(serverIdentifier)) }
        if let requestedAddress { option(Self.optionRequestedAddress, bytes(requestedAddress)) }
        if let leaseTime { option(Self.optionLeaseTime, bytes(leaseTime)) }
        if let renewalTime { option(Self.optionRenewalTime, bytes(renewalTime)) }
        if let rebindingTime { option(Self.optionRebindingTime, bytes(rebindingTime)) }
        if let subnetMask { option(Self.optionSubnetMask, bytes(subnetMask)) }
        if !routers.isEmpty { option(Self.optionRouter, routers.flatMap { bytes($0) }) }
        if !dnsServers.isEmpty { option(Self.optionDNS, dnsServers.flatMap { bytes($0) }) }
        if let mtu { option(Self.optionMTU, [UInt8(truncatingIfNeeded: mtu >> 8), UInt8(truncatingIfNeeded: mtu)]) }
        if !parameterRequestList.isEmpty { option(Self.optionParameterList, parameterRequestList) }
        b.append(Self.optionEnd)
        while b.count < 300 { b.append(0) }
        return b
    }
}
