/// The address family of a socket (`AF_INET`, `AF_INET6`; raw values are Linux's).
public enum SocketDomain: Int32, Sendable {
    case inet = 2
    case inet6 = 10
}

/// The socket type (`SOCK_STREAM`, `SOCK_DGRAM`; raw values are Linux's).
public enum SocketType: Int32, Sendable {
    case stream = 1
    case datagram = 2
}

/// What a socket speaks, chosen by ``NetworkStack/socket(domain:type:protocol:)``.
public enum SocketProtocol: Equatable, Sendable {
    case tcp
    case udp
    /// An ICMP echo ("ping") socket, `socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)` or
    /// `(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6)`: the application sends echo requests, the stack
    /// fills in the identifier and checksum and delivers matching replies.
    case icmpEcho
}

/// How `shutdown` ends a socket (`SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`; raw values are Linux's).
public enum ShutdownHow: Int32, Sendable {
    case read = 0
    case write = 1
    case both = 2
}

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

/// Poll-style readiness bits. The raw values are Linux's `POLL*`/`EPOLL*` bits, so the kernel
/// passes them through.
public struct Readiness: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `POLLIN`: data, end of stream, or — on a listener — a connection waiting in `accept`.
    public static let readable = Readiness(rawValue: 0x001)
    /// `POLLOUT`: room to send.
    public static let writable = Readiness(rawValue: 0x004)
    /// `POLLERR`: a pending error (`SO_ERROR`).
    public static let error = Readiness(rawValue: 0x008)
    /// `POLLHUP`: both directions are finished.
    public static let hangUp = Readiness(rawValue: 0x010)
    /// `POLLRDHUP`: the peer will send no more.
    public static let readHangUp = Readiness(rawValue: 0x2000)
}

/// The `MSG_*` flags of send and receive calls the stack looks at (Linux values). The kernel
/// handles `MSG_DONTWAIT`, `MSG_WAITALL` and `MSG_NOSIGNAL` itself: every stack call is
/// non-blocking and raises no signals.
public struct MessageFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `MSG_PEEK`: return data without consuming it.
    public static let peek = MessageFlags(rawValue: 0x2)
    /// `MSG_TRUNC`: on datagram sockets, report the full datagram length.
    public static let truncate = MessageFlags(rawValue: 0x20)
    /// `MSG_MORE`: more data follows; hold back a partial segment (like `TCP_CORK`).
    public static let more = MessageFlags(rawValue: 0x8000)
}

/// What a receive call got.
public struct ReceiveResult: Equatable, Sendable {
    /// Bytes copied into the caller's buffer; 0 with `endOfStream` at the end of a TCP stream.
    public var count: Int
    /// For datagrams, the datagram's full length (larger than `count` when it was truncated).
    public var fullLength: Int
    /// For datagrams, the sender.
    public var source: SocketAddress?

    public var endOfStream: Bool { count == 0 && fullLength == 0 && source == nil }
}

/// `SO_LINGER`.
public struct Linger: Equatable, Sendable {
    public var enabled: Bool
    public var seconds: Int
    public init(enabled: Bool, seconds: Int) {
        self.enabled = enabled
        self.seconds = seconds
    }
}
