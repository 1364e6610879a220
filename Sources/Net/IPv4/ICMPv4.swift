/// ICMPv4 message types the stack sends or understands (RFC 792).
enum ICMPv4 {
    static let echoReply: UInt8 = 0
    static let destinationUnreachable: UInt8 = 3
    static let echoRequest: UInt8 = 8
    static let timeExceeded: UInt8 = 11

    static let codePortUnreachable: UInt8 = 3
    static let codeProtocolUnreachable: UInt8 = 2
    static let codeFragmentationNeeded: UInt8 = 4
    static let codeHostUnreachable: UInt8 = 1
}
