/// What a DHCP server granted: the interface configuration and its lifetime.
public struct DHCPLease: Equatable, Sendable {
    public var address: IPv4Address
    public var prefixLength: Int
    public var router: IPv4Address?
    public var dnsServers: [IPv4Address]
    public var mtu: Int?
    public var server: IPv4Address
    /// When the lease was obtained, and when it renews (T1), rebinds (T2) and ends.
    public var obtained: Nanoseconds
    public var renewAt: Nanoseconds
    public var rebindAt: Nanoseconds
    public var expiresAt: Nanoseconds
}
