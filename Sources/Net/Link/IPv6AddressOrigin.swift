/// Where an IPv6 address came from, which decides how it expires.
public enum IPv6AddressOrigin: Equatable, Sendable {
    /// Derived from the MAC address (`fe80::/64`), never expires.
    case linkLocal
    /// Formed from a router advertisement prefix (RFC 4862 SLAAC).
    case autoconfigured
    /// Configured by the caller.
    case manual
}
