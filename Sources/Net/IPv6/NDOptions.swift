/// The options of a Neighbour Discovery message, validated (RFC 4861 §4.6: a zero length
/// makes the whole message invalid).
struct NDOptions {
    struct Prefix {
        var prefix: IPv6Address
        var length: Int
        var onLink: Bool
        var autonomous: Bool
        var validLifetime: UInt32
        var preferredLifetime: UInt32
    }

    var sourceLinkAddress: MACAddress?
    var targetLinkAddress: MACAddress?
    var prefixes: [Prefix] = []
    var mtu: Int?
    var dnsServers: [IPv6Address] = []
    var dnsLifetime: UInt32 = 0

    /// Nil when an option is malformed.
    init?(parsing view: PacketView) {
        var i = 0
        while i < view.count {
            guard i &+ 2 <= view.count else { return nil }
            let type = view.u8(i)
            let length = Int(view.u8(i &+ 1)) &* 8
            guard length > 0, i &+ length <= view.count else { return nil }
            let option = view.slice(from: i, count: length)
            switch type {
            case ICMPv6.optionSourceLinkAddress where length >= 8:
                sourceLinkAddress = MACAddress(reading: option, at: 2)
            case ICMPv6.optionTargetLinkAddress where length >= 8:
                targetLinkAddress = MACAddress(reading: option, at: 2)
            case ICMPv6.optionPrefixInformation:
                guard length == 32 else { return nil }
                let flags = option.u8(3)
                prefixes.append(
                    Prefix(
                        prefix: IPv6Address(reading: option, at: 16), length: Int(option.u8(2)),
                        onLink: flags & 0x80 != 0, autonomous: flags & 0x40 != 0, validLifetime: option.u32(4),
                        preferredLifetime: option.u32(8)))
            case ICMPv6.optionMTU where length == 8:
                mtu = Int(option.u32(4))
            case ICMPv6.optionRecursiveDNS where length >= 24:
                dnsLifetime = option.u32(4)
                var a = 8
                while a &+ 16 <= length {
                    dnsServers.append(IPv6Address(reading: option, at: a))
                    a &+= 16
                }
            default:
                break
            }
            i &+= length
        }
    }
}
