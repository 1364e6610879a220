/// The integer-valued socket options the stack implements, identified by Linux level and name
/// so the syscall layer maps `setsockopt(level, name, …)` with ``init(level:name:)``.
/// `SO_LINGER` has a structure value and its own calls (``NetworkStack/setLinger(_:_:)``).
public enum SocketOption: Equatable, Sendable {
    case reuseAddress  // SOL_SOCKET SO_REUSEADDR
    case type  // SO_TYPE (read-only)
    case error  // SO_ERROR (read-only, clears)
    case broadcast  // SO_BROADCAST
    case sendBuffer  // SO_SNDBUF
    case receiveBuffer  // SO_RCVBUF
    case keepAlive  // SO_KEEPALIVE
    case reusePort  // SO_REUSEPORT
    case acceptConnections  // SO_ACCEPTCONN (read-only)
    case domain  // SO_DOMAIN (read-only)
    case `protocol`  // SO_PROTOCOL (read-only)
    case noDelay  // IPPROTO_TCP TCP_NODELAY
    case maximumSegment  // TCP_MAXSEG (read-only here)
    case keepIdle  // TCP_KEEPIDLE, seconds
    case keepInterval  // TCP_KEEPINTVL, seconds
    case keepCount  // TCP_KEEPCNT
    case cork  // TCP_CORK
    case v6Only  // IPPROTO_IPV6 IPV6_V6ONLY
    case ttl  // IPPROTO_IP IP_TTL
    case unicastHops  // IPPROTO_IPV6 IPV6_UNICAST_HOPS

    public static let levelSocket: Int32 = 1
    public static let levelIP: Int32 = 0
    public static let levelTCP: Int32 = 6
    public static let levelIPv6: Int32 = 41

    /// Nil for options the stack does not know (the kernel answers `ENOPROTOOPT`).
    public init?(level: Int32, name: Int32) {
        switch (level, name) {
        case (1, 2): self = .reuseAddress
        case (1, 3): self = .type
        case (1, 4): self = .error
        case (1, 6): self = .broadcast
        case (1, 7): self = .sendBuffer
        case (1, 8): self = .receiveBuffer
        case (1, 9): self = .keepAlive
        case (1, 15): self = .reusePort
        case (1, 30): self = .acceptConnections
        case (1, 38): self = .protocol
        case (1, 39): self = .domain
        case (6, 1): self = .noDelay
        case (6, 2): self = .maximumSegment
        case (6, 3): self = .cork
        case (6, 4): self = .keepIdle
        case (6, 5): self = .keepInterval
        case (6, 6): self = .keepCount
        case (41, 26): self = .v6Only
        case (41, 16): self = .unicastHops
        case (0, 2): self = .ttl
        default: return nil
        }
    }
}
