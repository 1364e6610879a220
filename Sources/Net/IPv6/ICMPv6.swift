/// ICMPv6 (RFC 4443) and Neighbour Discovery (RFC 4861) message types and option kinds.
enum ICMPv6 {
    static let protocolNumber: UInt8 = 58

    static let destinationUnreachable: UInt8 = 1
    static let packetTooBig: UInt8 = 2
    static let echoRequest: UInt8 = 128
    static let echoReply: UInt8 = 129
    static let routerSolicitation: UInt8 = 133
    static let routerAdvertisement: UInt8 = 134
    static let neighborSolicitation: UInt8 = 135
    static let neighborAdvertisement: UInt8 = 136

    static let codePortUnreachable: UInt8 = 4

    static let optionSourceLinkAddress: UInt8 = 1
    static let optionTargetLinkAddress: UInt8 = 2
    static let optionPrefixInformation: UInt8 = 3
    static let optionMTU: UInt8 = 5
    static let optionRecursiveDNS: UInt8 = 25
}
