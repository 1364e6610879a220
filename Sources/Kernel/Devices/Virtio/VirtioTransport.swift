#if SKIFF_KERNEL
import Virtio

/// How a virtio device is reached: its registers over modern PCI capabilities or virtio-mmio.
///
/// The generic driver logic (`VirtioDevice`, `Virtqueue`) talks to devices only through this.
/// Interrupts: `prepareInterrupts` installs one handler that the transport calls with a queue
/// index when the interrupt is known to be for that queue (a per-queue MSI-X vector), or with
/// nil when any queue may have completions (a shared vector, INTx, virtio-mmio).
protocol VirtioTransport: AnyObject {
    var deviceType: UInt32 { get }
    /// Where the device is, for log lines ("pci 0000:00:02.0", "mmio 0xfeb02e00").
    var location: String { get }
    /// Legacy (pre-1.0) register interface: virtio-mmio version 1.
    var isLegacy: Bool { get }
    /// Alignment of the used ring the transport requires.
    var usedAlignment: Int { get }

    var status: VirtioDeviceStatus { get set }
    /// Resets the device: it forgets its queues and stops using their memory.
    func reset()
    var deviceFeatures: VirtioFeatures { get }
    func setDriverFeatures(_ features: VirtioFeatures)

    /// How many queues the device has, where the transport says (nil for virtio-mmio).
    var queueCountHint: Int? { get }
    /// The largest size of queue `index`; 0 when the queue does not exist.
    func maximumQueueSize(_ index: Int) -> Int
    /// Gives queue `index` its rings and enables it; false when the device refuses.
    func activateQueue(_ index: Int, size: Int, descriptors: UInt64, driverArea: UInt64, deviceArea: UInt64) -> Bool
    func notify(queue index: Int)

    /// Interrupt delivery for `queueCount` queues; false when none can be set up.
    func prepareInterrupts(queueCount: Int, handler: @escaping (Int?) -> Void) -> Bool
    /// How interrupts arrive ("msi-x", "intx gsi 21", …) for log lines.
    var interruptDescription: String { get }

    /// The device-specific configuration space.
    func configRead8(_ offset: Int) -> UInt8
    func configRead16(_ offset: Int) -> UInt16
    func configRead32(_ offset: Int) -> UInt32
    /// Changes whenever the device changes its configuration (0 for legacy devices).
    var configGeneration: UInt32 { get }
}

extension VirtioTransport {
    /// A 64-bit configuration field, read until the generation counter is stable so the two
    /// halves belong together.
    func configRead64(_ offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<16 {
            let before = configGeneration
            value = UInt64(configRead32(offset)) | UInt64(configRead32(offset &+ 4)) << 32
            if configGeneration == before { break }
        }
        return value
    }
}
#endif
