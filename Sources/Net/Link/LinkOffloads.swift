/// Work a network device does on outgoing packets, as its driver negotiated it.
///
/// With an offload the stack skips the work and describes it in the ``OutgoingFrame`` instead:
/// the checksum is summed where the data is already being copied (by the device or the
/// host), and one 64 KiB TCP send costs one trip through the stack and the driver instead of
/// forty-five.
public struct LinkOffloads: OptionSet, Sendable, Equatable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The device finishes TCP and UDP checksums (virtio-net `VIRTIO_NET_F_CSUM`).
    public static let transmitChecksum = LinkOffloads(rawValue: 1 << 0)
    /// The device cuts TCP over IPv4 into segments (`VIRTIO_NET_F_HOST_TSO4`); needs
    /// `transmitChecksum`.
    public static let segmentationIPv4 = LinkOffloads(rawValue: 1 << 1)
    /// The same for TCP over IPv6 (`VIRTIO_NET_F_HOST_TSO6`).
    public static let segmentationIPv6 = LinkOffloads(rawValue: 1 << 2)

    /// Whether TCP to an address of this family may leave as one large segment.
    public func segments(ipv4: Bool) -> Bool {
        contains(.transmitChecksum) && contains(ipv4 ? .segmentationIPv4 : .segmentationIPv6)
    }
}
