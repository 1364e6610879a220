/// What a TCP or UDP packet being sent leaves to the device, on its way down to
/// ``OutgoingFrame``: the checksum field's offset in the transport header, and for a large
/// TCP segment the payload bytes per piece and the TCP header length.
struct TransportOffload {
    var checksumField: Int
    var segmentSize: Int = 0
    var transportHeaderLength: Int = 0

    static let udpChecksum = TransportOffload(checksumField: 6)
}
