/// Feature bits (virtio 1.x §6 and the device sections), 64 of them.
public struct VirtioFeatures: OptionSet, Equatable, Sendable {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static func bit(_ n: Int) -> VirtioFeatures { VirtioFeatures(rawValue: 1 << UInt64(n)) }

    // Device-independent features.
    public static let indirectDescriptors = bit(28)
    public static let eventIndex = bit(29)
    /// The device is virtio 1.x (not a legacy device).
    public static let version1 = bit(32)
    /// The device needs the platform's IOMMU translation for DMA; Skiff gives physical
    /// addresses, which is what such a device behind no IOMMU expects.
    public static let accessPlatform = bit(33)
    public static let ringPacked = bit(34)

    // virtio-blk (§5.2.3).
    public static let blockSizeMax = bit(1)
    public static let blockSegmentMax = bit(2)
    public static let blockGeometry = bit(4)
    public static let blockReadOnly = bit(5)
    public static let blockSize = bit(6)
    public static let blockFlush = bit(9)
    public static let blockTopology = bit(10)
    public static let blockConfigWriteCache = bit(11)
    public static let blockMultiQueue = bit(12)
    public static let blockDiscard = bit(13)
    public static let blockWriteZeroes = bit(14)

    // virtio-9p: the configuration space holds the mount tag.
    public static let ninePMountTag = bit(0)

    // virtio-net (§5.1.3).
    /// The device finishes checksums of packets we send (`VIRTIO_NET_F_CSUM`).
    public static let netChecksum = bit(0)
    /// We accept packets with partial checksums and the device's word that one was checked.
    public static let netGuestChecksum = bit(1)
    public static let netMTU = bit(3)
    public static let netMAC = bit(5)
    /// The device may hand us TCP segments of up to 64 KiB (large receive).
    public static let netGuestTSO4 = bit(7)
    public static let netGuestTSO6 = bit(8)
    /// The device cuts our large TCP segments (TSO).
    public static let netHostTSO4 = bit(11)
    public static let netHostTSO6 = bit(12)
    /// A received packet may span several receive buffers.
    public static let netMergeableBuffers = bit(15)
    public static let netStatus = bit(16)
    public static let netControlQueue = bit(17)
    /// More than one receive/transmit queue pair.
    public static let netMultiQueue = bit(22)

    /// The virtio-net features Skiff asks for, less those whose prerequisites the device does
    /// not offer (§5.1.3.1): segmentation needs the matching checksum offload, multi-queue the
    /// control queue, and large receive also mergeable buffers — without them every receive
    /// buffer would have to hold 64 KiB.
    public static func networkWanted(offered: VirtioFeatures) -> VirtioFeatures {
        var wanted: VirtioFeatures = [
            .netMAC, .netStatus, .netChecksum, .netGuestChecksum, .netHostTSO4, .netHostTSO6, .netGuestTSO4,
            .netGuestTSO6, .netMergeableBuffers, .netControlQueue, .netMultiQueue,
        ]
        wanted.formIntersection(offered)
        if !wanted.contains(.netChecksum) { wanted.subtract([.netHostTSO4, .netHostTSO6]) }
        if !wanted.contains(.netGuestChecksum) || !wanted.contains(.netMergeableBuffers) {
            wanted.subtract([.netGuestTSO4, .netGuestTSO6])
        }
        if !wanted.contains(.netMultiQueue) { wanted.remove(.netControlQueue) }
        if !wanted.contains(.netControlQueue) { wanted.remove(.netMultiQueue) }
        return wanted
    }

    /// What the driver accepts: the features it knows that the device offers. Nil when the
    /// device lacks one of `required`.
    public static func negotiate(offered: VirtioFeatures, wanted: VirtioFeatures, required: VirtioFeatures) -> VirtioFeatures? {
        guard offered.isSuperset(of: required) else { return nil }
        return offered.intersection(wanted.union(required))
    }
}

/// The device status register's bits (§2.1).
public struct VirtioDeviceStatus: OptionSet, Equatable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let acknowledge = VirtioDeviceStatus(rawValue: 1)
    public static let driver = VirtioDeviceStatus(rawValue: 2)
    public static let driverOK = VirtioDeviceStatus(rawValue: 4)
    public static let featuresOK = VirtioDeviceStatus(rawValue: 8)
    public static let deviceNeedsReset = VirtioDeviceStatus(rawValue: 64)
    public static let failed = VirtioDeviceStatus(rawValue: 128)
}

/// Virtio device types (§5): the device ID of virtio-mmio, and `0x1040 + type` as a modern
/// PCI device ID.
public enum VirtioDeviceType {
    public static let network: UInt32 = 1
    public static let block: UInt32 = 2
    public static let console: UInt32 = 3
    public static let entropy: UInt32 = 4
    public static let balloon: UInt32 = 5
    public static let scsi: UInt32 = 8
    public static let ninep: UInt32 = 9

    /// The device type a PCI device ID stands for: modern IDs are 0x1040 + type; transitional
    /// devices (0x1000–0x103F) have fixed IDs.
    public static func fromPCIDeviceID(_ id: UInt16) -> UInt32? {
        switch id {
        case 0x1041...0x107F: return UInt32(id &- 0x1040)
        case 0x1000: return network
        case 0x1001: return block
        case 0x1002: return balloon
        case 0x1003: return console
        case 0x1004: return scsi
        case 0x1005: return entropy
        case 0x1009: return ninep
        default: return nil
        }
    }

    public static func name(_ type: UInt32) -> StaticString {
        switch type {
        case network: return "virtio-net"
        case block: return "virtio-blk"
        case console: return "virtio-console"
        case entropy: return "virtio-rng"
        case balloon: return "virtio-balloon"
        case scsi: return "virtio-scsi"
        case ninep: return "virtio-9p"
        default: return "virtio"
        }
    }
}
