#if SKIFF_KERNEL
import Boot
import CKernel
import Virtio

/// virtio 1.x over PCI (§4.1): the common, notification, ISR and device configuration
/// structures are located through vendor-specific capabilities, each a window into a BAR.
/// Interrupts use MSI-X (a vector per queue when the table has room, else one shared vector),
/// falling back to the INTx line through the I/O APIC, or to it alone with `pci=nomsi`.
final class VirtioPCITransport: VirtioTransport {
    let function: PCIFunction
    let deviceType: UInt32
    private let common: UnsafeMutableRawPointer
    private let notifyBase: UnsafeMutableRawPointer
    private let notifyLength: UInt32
    private let notifyMultiplier: UInt32
    private let isr: UnsafeMutableRawPointer
    private let device: UnsafeMutableRawPointer?
    private let deviceLength: Int
    private var msix: MSIX? = nil
    /// The MSI-X table entry of each queue (0xFFFF: none).
    private var queueVectors: [UInt16] = []
    private(set) var interruptDescription = "none"

    static let noVector: UInt16 = 0xFFFF

    // Capability configuration types.
    static let commonConfiguration: UInt8 = 1
    static let notifyConfiguration: UInt8 = 2
    static let isrConfiguration: UInt8 = 3
    static let deviceConfiguration: UInt8 = 4

    // Common configuration fields.
    static let deviceFeatureSelect = 0x00
    static let deviceFeature = 0x04
    static let driverFeatureSelect = 0x08
    static let driverFeature = 0x0C
    static let configMSIXVector = 0x10
    static let numQueues = 0x12
    static let deviceStatus = 0x14
    static let configGenerationOffset = 0x15
    static let queueSelect = 0x16
    static let queueSize = 0x18
    static let queueMSIXVector = 0x1A
    static let queueEnable = 0x1C
    static let queueNotifyOffset = 0x1E
    static let queueDescriptors = 0x20
    static let queueDriver = 0x28
    static let queueDevice = 0x30

    /// Nil when the function is not a modern virtio device or a structure is missing or
    /// unmappable (a transitional device without modern capabilities is skipped).
    init?(_ function: PCIFunction) {
        guard let type = VirtioDeviceType.fromPCIDeviceID(function.deviceID) else { return nil }
        self.function = function
        deviceType = type
        var common: UnsafeMutableRawPointer? = nil
        var notify: (UnsafeMutableRawPointer, UInt32, UInt32)? = nil
        var isr: UnsafeMutableRawPointer? = nil
        var device: (UnsafeMutableRawPointer, Int)? = nil
        let config = function.config
        for cap in function.capabilities(PCIFunction.capabilityVendor) {
            let kind = config.read8(cap &+ 3)
            let bar = Int(config.read8(cap &+ 4))
            let offset = config.read32(cap &+ 8)
            let length = config.read32(cap &+ 12)
            guard bar < 6, length > 0, let base = function.memoryBAR(bar) else { continue }
            func map(_ minimum: UInt32) -> UnsafeMutableRawPointer? {
                guard length >= minimum else { return nil }
                return KernelPageTables.mapDevice(physical: base &+ UInt64(offset), length: UInt64(length))
            }
            switch kind {
            case Self.commonConfiguration where common == nil: common = map(0x38)
            case Self.notifyConfiguration where notify == nil:
                if let p = map(2) { notify = (p, length, config.read32(cap &+ 16)) }
            case Self.isrConfiguration where isr == nil: isr = map(1)
            case Self.deviceConfiguration where device == nil:
                if let p = map(1) { device = (p, Int(length)) }
            default: break
            }
        }
        guard let common, let notify, let isr else { return nil }
        self.common = common
        (notifyBase, notifyLength, notifyMultiplier) = notify
        self.isr = isr
        self.device = device?.0
        deviceLength = device?.1 ?? 0
        function.enableMemoryAndBusMastering()
    }

    var location: String { "pci " + function.address.description }
    var isLegacy: Bool { false }
    var usedAlignment: Int { 4 }

    private func c8(_ o: Int) -> UInt8 { mmio_read8(common.advanced(by: o)) }
    private func c16(_ o: Int) -> UInt16 { mmio_read16(common.advanced(by: o)) }
    private func c32(_ o: Int) -> UInt32 { mmio_read32(common.advanced(by: o)) }
    private func w8(_ o: Int, _ v: UInt8) { mmio_write8(common.advanced(by: o), v) }
    private func w16(_ o: Int, _ v: UInt16) { mmio_write16(common.advanced(by: o), v) }
    private func w32(_ o: Int, _ v: UInt32) { mmio_write32(common.advanced(by: o), v) }
    private func w64(_ o: Int, _ v: UInt64) {
        w32(o, UInt32(truncatingIfNeeded: v))
        w32(o &+ 4, UInt32(truncatingIfNeeded: v >> 32))
    }

    var status: VirtioDeviceStatus {
        get { VirtioDeviceStatus(rawValue: c8(Self.deviceStatus)) }
        set { w8(Self.deviceStatus, newValue.rawValue) }
    }

    func reset() {
        w8(Self.deviceStatus, 0)
        // The reset is complete when the device reads back 0 (§4.1.4.3.2).
        var spins = 0
        while c8(Self.deviceStatus) != 0 && spins < 1_000_000 {
            x86_pause()
            spins &+= 1
        }
    }

    var deviceFeatures: VirtioFeatures {
        w32(Self.deviceFeatureSelect, 0)
        let low = c32(Self.deviceFeature)
        w32(Self.deviceFeatureSelect, 1)
        let high = c32(Self.deviceFeature)
        return VirtioFeatures(rawValue: UInt64(high) << 32 | UInt64(low))
    }

    func setDriverFeatures(_ features: VirtioFeatures) {
        w32(Self.driverFeatureSelect, 0)
        w32(Self.driverFeature, UInt32(truncatingIfNeeded: features.rawValue))
        w32(Self.driverFeatureSelect, 1)
        w32(Self.driverFeature, UInt32(truncatingIfNeeded: features.rawValue >> 32))
    }

    var queueCountHint: Int? { Int(c16(Self.numQueues)) }

    func maximumQueueSize(_ index: Int) -> Int {
        guard index < Int(c16(Self.numQueues)) else { return 0 }
        w16(Self.queueSelect, UInt16(index))
        return Int(c16(Self.queueSize))
    }

    func activateQueue(_ index: Int, size: Int, descriptors: UInt64, driverArea: UInt64, deviceArea: UInt64) -> Bool {
        w16(Self.queueSelect, UInt16(index))
        w16(Self.queueSize, UInt16(truncatingIfNeeded: size))
        if index < queueVectors.count, queueVectors[index] != Self.noVector {
            w16(Self.queueMSIXVector, queueVectors[index])
            guard c16(Self.queueMSIXVector) == queueVectors[index] else { return false }
        }
        w64(Self.queueDescriptors, descriptors)
        w64(Self.queueDriver, driverArea)
        w64(Self.queueDevice, deviceArea)
        while notifyOffsets.count <= index { notifyOffsets.append(0) }
        notifyOffsets[index] = c16(Self.queueNotifyOffset)
        w16(Self.queueEnable, 1)
        return true
    }

    /// Each activated queue's notification offset (in units of the notify multiplier).
    private var notifyOffsets: [UInt16] = []

    func notify(queue index: Int) {
        guard index < notifyOffsets.count else { return }
        let offset = UInt32(notifyOffsets[index]) &* notifyMultiplier
        guard offset &+ 2 <= notifyLength else { return }
        mmio_write16(notifyBase.advanced(by: Int(offset)), UInt16(index))
    }

    func prepareInterrupts(queueCount: Int, handler: @escaping (Int?) -> Void) -> Bool {
        queueVectors = [UInt16](repeating: Self.noVector, count: queueCount)
        if !Kernel.options.noMSI, let msix = MSIX(function) {
            msix.enable()  // every entry masked until programmed
            var perQueue = msix.tableSize >= queueCount &+ 1
            if perQueue {
                // Entry q+1 for queue q; entry 0 (configuration changes) stays unused.
                for q in 0..<queueCount {
                    guard let m = InterruptLines.allocateMessage(handler: { handler(q) }) else {
                        perQueue = false
                        break
                    }
                    msix.program(entry: q &+ 1, address: m.address, data: m.data)
                    queueVectors[q] = UInt16(q &+ 1)
                }
            }
            if perQueue {
                self.msix = msix
                w16(Self.configMSIXVector, Self.noVector)
                interruptDescription = "msi-x, \(queueCount) vector" + (queueCount == 1 ? "" : "s")
                return true
            }
            if let m = InterruptLines.allocateMessage(handler: { handler(nil) }) {
                for i in 0..<msix.tableSize { msix.mask(entry: i) }
                msix.program(entry: 0, address: m.address, data: m.data)
                queueVectors = [UInt16](repeating: 0, count: queueCount)
                self.msix = msix
                w16(Self.configMSIXVector, Self.noVector)
                interruptDescription = "msi-x, 1 shared vector"
                return true
            }
            msix.disable()
            queueVectors = [UInt16](repeating: Self.noVector, count: queueCount)
        }
        // INTx: a shared, level-triggered line; reading the ISR tells whether it was us and
        // lowers the line.
        guard let route = PCIInterruptRouting.route(function) else { return false }
        let isr = self.isr
        let attached = InterruptLines.attach(gsi: route.gsi, levelTriggered: route.levelTriggered, activeLow: route.activeLow) {
            if mmio_read8(isr) & 1 != 0 { handler(nil) }
        }
        guard attached else { return false }
        function.command = function.command & ~PCIFunction.commandInterruptDisable
        interruptDescription = "intx gsi \(route.gsi)"
        return true
    }

    func configRead8(_ offset: Int) -> UInt8 {
        guard let device, offset >= 0, offset < deviceLength else { return 0 }
        return mmio_read8(device.advanced(by: offset))
    }

    func configRead16(_ offset: Int) -> UInt16 {
        guard let device, offset >= 0, offset &+ 2 <= deviceLength else { return 0 }
        return mmio_read16(device.advanced(by: offset))
    }

    func configRead32(_ offset: Int) -> UInt32 {
        guard let device, offset >= 0, offset &+ 4 <= deviceLength else { return 0 }
        return mmio_read32(device.advanced(by: offset))
    }

    var configGeneration: UInt32 { UInt32(c8(Self.configGenerationOffset)) }
}
#endif

#if SKIFF_KERNEL
extension VirtioPCITransport {
    /// Every virtio PCI device (vendor 0x1AF4; 0x1000–0x103F transitional, 0x1040–0x107F
    /// modern) goes to the virtio driver for its type.
    static let driver = PCIDriver(name: "virtio-pci", vendorID: 0x1AF4, deviceIDs: 0x1000...0x107F) { function in
        guard let transport = VirtioPCITransport(function) else {
            Devices.report("pci " + function.address.description + ": virtio device without usable modern capabilities")
            return false
        }
        Devices.attach(transport)
        return true
    }
}
#endif
