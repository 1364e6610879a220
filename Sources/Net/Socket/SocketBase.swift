/// What every socket has: identity, local binding, common options, the pending error and the
/// bookkeeping for readiness reports. ``TCPSocket`` and ``DatagramSocket`` extend it.
///
/// Sockets are classes because the stack hands them around between tables (connection table,
/// port index, listener queues) and mutates them in place; Embedded Swift supports ARC and
/// non-generic subclassing. Type-specific access goes through ``tcp`` and ``datagram`` rather
/// than dynamic casts.
class SocketBase {
    var id = SocketID(index: 0, generation: 0)
    let domain: SocketDomain
    let socketProtocol: SocketProtocol

    /// The bound address in unmapped form (an IPv6 socket bound to `::ffff:a.b.c.d` holds
    /// `.v4`); the family's wildcard when bound to any address.
    var localAddress: IPAddress
    /// 0 until bound (explicitly or automatically).
    var localPort: UInt16 = 0
    /// Whether the socket is in the stack's port index.
    var inPortIndex = false
    /// Bound by `bind` rather than automatically: the port stays reserved after the
    /// connection ends, as Linux keeps it (`SOCK_BINDPORT_LOCK`).
    var explicitlyBound = false

    var reuseAddress = false
    var reusePort = false
    /// `IPV6_V6ONLY`; Linux's default is off, so IPv6 sockets also serve IPv4.
    var v6Only = false
    var broadcast = false
    /// `IP_TTL` / `IPV6_UNICAST_HOPS`; nil for the stack default.
    var hopLimit: UInt8?

    /// The error `SO_ERROR` reports next (and clears).
    var pendingError: NetError?
    /// False once the application closed the socket, and for connections not yet accepted:
    /// such sockets never appear in readiness reports and reject calls with `EBADF`.
    var userOwned = true
    /// Whether the socket is already in the stack's list of readiness changes.
    var readinessQueued = false

    init(domain: SocketDomain, protocol: SocketProtocol) {
        self.domain = domain
        socketProtocol = `protocol`
        localAddress = domain == .inet ? .v4(.any) : .v6(.unspecified)
    }

    var tcp: TCPSocket? { nil }
    var datagram: DatagramSocket? { nil }

    /// Whether packets of this family may reach the socket.
    func accepts(v4: Bool) -> Bool {
        switch domain {
        case .inet: return v4
        case .inet6:
            if !v4 { return !localAddress.isV4 }
            return !v6Only && (localAddress.isV4 || localAddress.isUnspecified)
        }
    }

    /// Whether a packet to `destination` (unmapped) matches the bound address.
    func localMatches(_ destination: IPAddress) -> Bool {
        guard accepts(v4: destination.isV4) else { return false }
        return localAddress.isUnspecified || localAddress == destination
    }

    /// How an address is shown to this socket's owner: IPv4 mapped into IPv6 for IPv6 sockets.
    func presented(_ address: IPAddress, port: UInt16) -> SocketAddress {
        switch domain {
        case .inet: return SocketAddress(address, port: port)
        case .inet6: return SocketAddress(.v6(address.mappedToV6), port: port)
        }
    }
}
