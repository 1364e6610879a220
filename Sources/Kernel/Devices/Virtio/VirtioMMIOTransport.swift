#if SKIFF_KERNEL
import Boot
import CKernel
import Virtio

/// virtio over memory-mapped registers (§4.2): microvm's and Firecracker's devices, announced
/// by `virtio_mmio.device=SIZE@BASE:IRQ` on the kernel command line. Version 2 is virtio 1.x;
/// version 1 (the legacy layout QEMU still uses unless `virtio-mmio.force-legacy=false`) is
/// driven too, with its page-frame queue addresses. The interrupt is a GSI on the I/O APIC,
/// level-triggered: the handler acknowledges the device before the EOI.
final class VirtioMMIOTransport: VirtioTransport {
    let base: UnsafeMutableRawPointer
    let physical: UInt64
    let irq: Int
    let levelTriggered: Bool
    let activeLow: Bool
    let deviceType: UInt32
    let version: UInt32
    private(set) var interruptDescription = "none"

    static let magic: UInt32 = 0x7472_6976  // "virt"

    static let regMagic = 0x000
    static let regVersion = 0x004
    static let regDeviceID = 0x008
    static let regDeviceFeatures = 0x010
    static let regDeviceFeaturesSelect = 0x014
    static let regDriverFeatures = 0x020
    static let regDriverFeaturesSelect = 0x024
    static let regGuestPageSize = 0x028
    static let regQueueSelect = 0x030
    static let regQueueSizeMax = 0x034
    static let regQueueSize = 0x038
    static let regQueueAlign = 0x03C
    static let regQueuePFN = 0x040
    static let regQueueReady = 0x044
    static let regQueueNotify = 0x050
    static let regInterruptStatus = 0x060
    static let regInterruptAck = 0x064
    static let regStatus = 0x070
    static let regQueueDescriptorsLow = 0x080
    static let regQueueDriverLow = 0x090
    static let regQueueDeviceLow = 0x0A0
    static let regConfigGeneration = 0x0FC
    static let regConfig = 0x100

    /// Nil when nothing answers at the address, the magic value or version is wrong, or the
    /// slot is empty (device ID 0).
    init?(_ d: VirtioMMIODevice, levelTriggered: Bool = true, activeLow: Bool = false) {
        guard d.size >= 0x100, let base = KernelPageTables.mapDevice(physical: d.base, length: d.size) else { return nil }
        self.base = base
        physical = d.base
        irq = d.irq
        self.levelTriggered = levelTriggered
        self.activeLow = activeLow
        guard mmio_read32(base.advanced(by: Self.regMagic)) == Self.magic else { return nil }
        version = mmio_read32(base.advanced(by: Self.regVersion))
        deviceType = mmio_read32(base.advanced(by: Self.regDeviceID))
        guard version == 1 || version == 2, deviceType != 0 else { return nil }
        configLength = Int(d.size) &- Self.regConfig
    }

    private let configLength: Int

    private func r32(_ o: Int) -> UInt32 { mmio_read32(base.advanced(by: o)) }
    private func w32(_ o: Int, _ v: UInt32) { mmio_write32(base.advanced(by: o), v) }

    var location: String { "mmio 0x" + String(physical, radix: 16) + (isLegacy ? " (legacy)" : "") }
    var isLegacy: Bool { version == 1 }
    var usedAlignment: Int { isLegacy ? 4096 : 4 }

    var status: VirtioDeviceStatus {
        get { VirtioDeviceStatus(rawValue: UInt8(truncatingIfNeeded: r32(Self.regStatus))) }
        set { w32(Self.regStatus, UInt32(newValue.rawValue)) }
    }

    func reset() {
        w32(Self.regStatus, 0)
        if isLegacy { w32(Self.regGuestPageSize, 4096) }
    }

    var deviceFeatures: VirtioFeatures {
        w32(Self.regDeviceFeaturesSelect, 0)
        let low = r32(Self.regDeviceFeatures)
        w32(Self.regDeviceFeaturesSelect, 1)
        let high = r32(Self.regDeviceFeatures)
        return VirtioFeatures(rawValue: UInt64(high) << 32 | UInt64(low))
    }

    func setDriverFeatures(_ features: VirtioFeatures) {
        w32(Self.regDriverFeaturesSelect, 0)
        w32(Self.regDriverFeatures, UInt32(truncatingIfNeeded: features.rawValue))
        w32(Self.regDriverFeaturesSelect, 1)
        w32(Self.regDriverFeatures, UInt32(truncatingIfNeeded: features.rawValue >> 32))
    }

    var queueCountHint: Int? { nil }

    func maximumQueueSize(_ index: Int) -> Int {
        w32(Self.regQueueSelect, UInt32(index))
        if !isLegacy && r32(Self.regQueueReady) != 0 { return 0 }  // in use: not ours to set up
        return Int(r32(Self.regQueueSizeMax))
    }

    func activateQueue(_ index: Int, size: Int, descriptors: UInt64, driverArea: UInt64, deviceArea: UInt64) -> Bool {
        w32(Self.regQueueSelect, UInt32(index))
        w32(Self.regQueueSize, UInt32(size))
        if isLegacy {
            // One block: the caller laid it out with the used ring page-aligned.
            guard descriptors & 4095 == 0, descriptors >> 12 <= 0xFFFF_FFFF else { return false }
            w32(Self.regQueueAlign, 4096)
            w32(Self.regQueuePFN, UInt32(descriptors >> 12))
            return true
        }
        w32(Self.regQueueDescriptorsLow, UInt32(truncatingIfNeeded: descriptors))
        w32(Self.regQueueDescriptorsLow &+ 4, UInt32(truncatingIfNeeded: descriptors >> 32))
        w32(Self.regQueueDriverLow, UInt32(truncatingIfNeeded: driverArea))
        w32(Self.regQueueDriverLow &+ 4, UInt32(truncatingIfNeeded: driverArea >> 32))
        w32(Self.regQueueDeviceLow, UInt32(truncatingIfNeeded: deviceArea))
        w32(Self.regQueueDeviceLow &+ 4, UInt32(truncatingIfNeeded: deviceArea >> 32))
        w32(Self.regQueueReady, 1)
        return true
    }

    func notify(queue index: Int) {
        w32(Self.regQueueNotify, UInt32(index))
    }

    func prepareInterrupts(queueCount: Int, handler: @escaping (Int?) -> Void) -> Bool {
        let base = self.base
        let attached = InterruptLines.attach(gsi: UInt32(irq), levelTriggered: levelTriggered, activeLow: activeLow) {
            let pending = mmio_read32(base.advanced(by: Self.regInterruptStatus))
            guard pending != 0 else { return }
            mmio_write32(base.advanced(by: Self.regInterruptAck), pending)
            if pending & 1 != 0 { handler(nil) }
        }
        if attached { interruptDescription = "gsi \(irq)" }
        return attached
    }

    func configRead8(_ offset: Int) -> UInt8 {
        guard offset >= 0, offset < configLength else { return 0 }
        return mmio_read8(base.advanced(by: Self.regConfig &+ offset))
    }

    func configRead16(_ offset: Int) -> UInt16 {
        guard offset >= 0, offset &+ 2 <= configLength else { return 0 }
        return mmio_read16(base.advanced(by: Self.regConfig &+ offset))
    }

    func configRead32(_ offset: Int) -> UInt32 {
        guard offset >= 0, offset &+ 4 <= configLength else { return 0 }
        return mmio_read32(base.advanced(by: Self.regConfig &+ offset))
    }

    var configGeneration: UInt32 { isLegacy ? 0 : r32(Self.regConfigGeneration) }
}
#endif
