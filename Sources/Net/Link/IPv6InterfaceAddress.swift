/// An IPv6 address assigned to an interface.
public struct IPv6InterfaceAddress: Equatable, Sendable {
    public var address: IPv6Address
    public var prefixLength: Int
    public var origin: IPv6AddressOrigin
    /// True while duplicate address detection runs (RFC 4862 §5.4): the address may not be
    /// used as a source yet.
    public var isTentative: Bool
    /// When the address stops being preferred and valid (nil: never).
    public var preferredUntil: Nanoseconds?
    public var validUntil: Nanoseconds?

    var dadProbesSent = 0
    var dadDeadline: Nanoseconds = 0
}
