/// The header in front of every virtio-net packet (§5.1.6): offload instructions one way,
/// checksum state and the buffer count the other.
///
/// Twelve bytes for virtio 1.x devices and legacy devices with mergeable buffers; ten for
/// other legacy devices, which have no `bufferCount`. Fields are little-endian.
public struct VirtioNetHeader: Equatable, Sendable {
    public var flags: UInt8 = 0
    public var segmentationType: UInt8 = 0
    /// Bytes of Ethernet, IP and TCP header in a segmented packet (a hint for the device).
    public var headerLength: UInt16 = 0
    /// Payload bytes per segment.
    public var segmentSize: UInt16 = 0
    public var checksumStart: UInt16 = 0
    public var checksumOffset: UInt16 = 0
    /// Receive buffers the packet spans (mergeable buffers).
    public var bufferCount: UInt16 = 1

    /// The checksum from `checksumStart` on is partial: a sender on this host left it.
    public static let needsChecksum: UInt8 = 1
    /// The device checked the packet's checksums.
    public static let dataValid: UInt8 = 2

    public static let segmentationNone: UInt8 = 0
    public static let segmentationTCPv4: UInt8 = 1
    public static let segmentationTCPv6: UInt8 = 4

    public init() {}

    /// Whether the stack may skip summing the packet: either flag means a checksum error
    /// cannot be in it (Linux treats both as verified).
    public var checksumsVerified: Bool { flags & (Self.needsChecksum | Self.dataValid) != 0 }

    public init(reading buffer: UnsafeRawPointer, byteCount: Int) {
        flags = buffer.load(fromByteOffset: 0, as: UInt8.self)
        segmentationType = buffer.load(fromByteOffset: 1, as: UInt8.self)
        headerLength = UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        segmentSize = UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        checksumStart = UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: 6, as: UInt16.self))
        checksumOffset = UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        bufferCount = byteCount >= 12 ? UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: 10, as: UInt16.self)) : 1
    }

    public func write(to buffer: UnsafeMutableRawPointer, byteCount: Int) {
        buffer.storeBytes(of: flags, toByteOffset: 0, as: UInt8.self)
        buffer.storeBytes(of: segmentationType, toByteOffset: 1, as: UInt8.self)
        buffer.storeBytes(of: headerLength.littleEndian, toByteOffset: 2, as: UInt16.self)
        buffer.storeBytes(of: segmentSize.littleEndian, toByteOffset: 4, as: UInt16.self)
        buffer.storeBytes(of: checksumStart.littleEndian, toByteOffset: 6, as: UInt16.self)
        buffer.storeBytes(of: checksumOffset.littleEndian, toByteOffset: 8, as: UInt16.self)
        if byteCount >= 12 { buffer.storeBytes(of: UInt16(0), toByteOffset: 10, as: UInt16.self) }
    }
}

/// Control queue commands (§5.1.6.5): a class and command byte, data, and an ack byte the
/// device writes.
public enum VirtioNetControl {
    public static let classMultiQueue: UInt8 = 4
    public static let commandSetQueuePairs: UInt8 = 0
    public static let ok: UInt8 = 0
    /// Configuration space offsets.
    public static let configMaximumQueuePairs = 8
}
