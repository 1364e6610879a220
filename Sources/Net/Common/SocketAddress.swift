/// An address and port: the content of a `sockaddr_in` or `sockaddr_in6`.
///
/// `scopeID` is the interface of an IPv6 link-local address (`sin6_scope_id`); the stack uses
/// ``InterfaceID/rawValue`` as the index. The family of `address` is the family of the sockaddr.
public struct SocketAddress: Equatable, Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16
    public var scopeID: UInt32

    public init(_ address: IPAddress, port: UInt16, scopeID: UInt32 = 0) {
        self.address = address
        self.port = port
        self.scopeID = scopeID
    }

    public init(_ address: IPv4Address, port: UInt16) {
        self.init(.v4(address), port: port)
    }

    public init(_ address: IPv6Address, port: UInt16, scopeID: UInt32 = 0) {
        self.init(.v6(address), port: port, scopeID: scopeID)
    }
}
