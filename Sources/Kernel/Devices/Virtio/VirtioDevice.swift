#if SKIFF_KERNEL
import Virtio

/// The driver-independent part of bringing up a virtio device (§3.1.1): reset, acknowledge,
/// feature negotiation, queues and their interrupts, DRIVER_OK — and disabling it for good when
/// it misbehaves.
final class VirtioDevice {
    let transport: any VirtioTransport
    private(set) var features = VirtioFeatures()
    private(set) var queues: [Virtqueue] = []
    private(set) var failed = false
    private let lock = SpinLock()

    init(transport: any VirtioTransport) {
        self.transport = transport
    }

    var type: UInt32 { transport.deviceType }

    /// "virtio-blk pci 0000:00:02.0", for log lines.
    var label: String { String(VirtioDeviceType.name(type)) + " " + transport.location }

    /// Resets the device and agrees on features: those in `wanted` the device offers, plus
    /// `required` (without which the device is refused). Event indices are always taken when
    /// offered; virtio 1.x devices must offer VERSION_1.
    func negotiate(wanted: VirtioFeatures, required: VirtioFeatures = []) -> Bool {
        negotiate(required: required) { _ in wanted }
    }

    /// The same, with the wanted features chosen from those offered (features that depend on
    /// others, as virtio-net's offloads do).
    func negotiate(required: VirtioFeatures = [], choosing wanted: (VirtioFeatures) -> VirtioFeatures) -> Bool {
        transport.reset()
        transport.status = [.acknowledge]
        transport.status = [.acknowledge, .driver]
        var required = required
        if !transport.isLegacy { required.insert(.version1) }
        let offered = transport.deviceFeatures
        guard let accepted = VirtioFeatures.negotiate(
            offered: offered, wanted: wanted(offered).union([.eventIndex, .accessPlatform]), required: required)
        else {
            fail("lacks required features (offers 0x" + String(offered.rawValue, radix: 16) + ")")
            return false
        }
        transport.setDriverFeatures(accepted)
        if !transport.isLegacy {
            transport.status = [.acknowledge, .driver, .featuresOK]
            guard transport.status.contains(.featuresOK) else {
                fail("refused the negotiated features")
                return false
            }
        }
        features = accepted
        return true
    }

    /// Sets up `count` queues of at most `maximumSize` descriptors (the device's maximum,
    /// rounded down to a power of two, if smaller) with their interrupts. A queue of size 0 or
    /// a refused queue disables the device.
    func setUpQueues(count: Int, maximumSize: Int = 256) -> Bool {
        guard !failed else { return false }
        let interrupts = transport.prepareInterrupts(queueCount: count) { [self] queue in
            if let queue {
                if queue < queues.count { queues[queue].interrupt() }
            } else {
                for q in queues { q.interrupt() }
            }
        }
        let eventIndex = features.contains(.eventIndex)
        for i in 0..<count {
            let offered = transport.maximumQueueSize(i)
            guard offered > 0 else {
                fail("queue \(i) has size 0")
                return false
            }
            var size = 1
            while size &* 2 <= min(offered, maximumSize, VirtqueueLayout.maximumSize) { size &*= 2 }
            guard let layout = VirtqueueLayout(size: size, usedAlignment: transport.usedAlignment),
                let memory = DMABuffer.allocate(bytes: layout.totalBytes)
            else {
                fail("out of memory for queue \(i)")
                return false
            }
            let queue = Virtqueue(index: i, device: self, layout: layout, memory: memory, eventIndex: eventIndex)
            queue.interruptsEnabled = interrupts
            let base = memory.physical
            guard transport.activateQueue(
                i, size: size, descriptors: base &+ UInt64(layout.descriptorOffset),
                driverArea: base &+ UInt64(layout.availableOffset), deviceArea: base &+ UInt64(layout.usedOffset))
            else {
                fail("refused queue \(i)")
                return false
            }
            queues.append(queue)
        }
        return true
    }

    /// DRIVER_OK: the device may now use its queues.
    func start() -> Bool {
        guard !failed else { return false }
        var s = transport.status
        s.insert(.driverOK)
        transport.status = s
        if transport.status.contains(.deviceNeedsReset) {
            fail("needs a reset right after start")
            return false
        }
        return true
    }

    /// Reports the device in one line and disables it: reset (it stops using its queues), the
    /// FAILED status, and every waiting request fails. Nothing it wrote is used afterwards. Its
    /// queue memory is never reused, in case the device keeps writing to it.
    func fail(_ reason: String) {
        let first: Bool = lock.withLock {
            if failed { return false }
            failed = true
            return true
        }
        guard first else { return }
        log(label + ": " + reason + "; device disabled")
        transport.reset()
        transport.status = [.failed]
        for q in queues { q.failAll() }
    }
}
#endif
