#if SKIFF_KERNEL
/// A driver for PCI functions it recognizes by vendor and device ID.
struct PCIDriver: Sendable {
    let name: StaticString
    let vendorID: UInt16
    let deviceIDs: ClosedRange<UInt16>
    /// Takes the function; false when it turned out unusable.
    let attach: @Sendable (PCIFunction) -> Bool
}

/// A driver for one virtio device type, on any transport.
struct VirtioDriver: Sendable {
    let name: StaticString
    let deviceType: UInt32
    /// Brings the device up (`VirtioDevice.negotiate`, `setUpQueues`, `start`) and publishes
    /// it (`Devices.blockDevices`, …); false when the device is unusable.
    let attach: @Sendable (VirtioDevice) -> Bool
}

/// Every driver Skiff has. A driver is one file declaring a `static let driver` (see
/// VirtioEntropyDevice.swift for the smallest); listing it here is what makes probing find it.
enum DriverRegistry {
    static let pci: [PCIDriver] = [
        VirtioPCITransport.driver
    ]

    static let virtio: [VirtioDriver] = [
        VirtioBlockDevice.driver,
        VirtioEntropyDevice.driver,
        VirtioNetworkDevice.driver,
        VirtioNinePDevice.driver,
    ]
}
#endif
