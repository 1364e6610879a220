/// Traffic counters of one interface, as `/proc/net/dev` reports them.
public struct InterfaceStatistics: Equatable, Sendable {
    public var receivedPackets: UInt64 = 0
    public var receivedBytes: UInt64 = 0
    /// Received frames dropped for any ``DropReason``.
    public var receiveDrops: UInt64 = 0
    public var sentPackets: UInt64 = 0
    public var sentBytes: UInt64 = 0
    /// Outgoing packets dropped (unresolved next hop, full transmit queue).
    public var sendDrops: UInt64 = 0

    public init() {}
}
