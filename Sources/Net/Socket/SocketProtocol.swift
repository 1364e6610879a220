/// What a socket speaks, chosen by ``NetworkStack/socket(domain:type:protocol:)``.
public enum SocketProtocol: Equatable, Sendable {
    case tcp
    case udp
    /// An ICMP echo ("ping") socket, `socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)` or
    /// `(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6)`: the application sends echo requests, the stack
    /// fills in the identifier and checksum and delivers matching replies.
    case icmpEcho
}
