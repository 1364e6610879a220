/// The TCP state of a stream socket (RFC 9293 §3.3.2), for diagnostics and `TCP_INFO`.
public enum TCPState: Equatable, Sendable {
    case closed
    case listen
    case synSent
    case synReceived
    case established
    case finWait1
    case finWait2
    case closeWait
    case closing
    case lastAck
    case timeWait

    /// States after the handshake, in which segments carry acknowledgments.
    var isSynchronized: Bool {
        switch self {
        case .closed, .listen, .synSent, .synReceived: false
        default: true
        }
    }

    /// States in which the peer may still send data.
    var canReceiveData: Bool {
        switch self {
        case .established, .finWait1, .finWait2: true
        default: false
        }
    }

    /// States in which the application may still queue data.
    var canSendData: Bool { self == .established || self == .closeWait }
}
