#if SKIFF_KERNEL
import Virtio

/// virtio-rng (§5.4): one queue; the driver offers a buffer and the device fills it with random
/// bytes. It feeds the kernel's `Entropy` pool.
final class VirtioEntropyDevice {
    let device: VirtioDevice

    static let driver = VirtioDriver(name: "virtio-rng", deviceType: VirtioDeviceType.entropy) { device in
        if Kernel.options.noRandom {
            Devices.report(device.label + ": not used (--norandom)")
            device.transport.reset()
            return true
        }
        guard device.negotiate(wanted: []), device.setUpQueues(count: 1, maximumSize: 8), device.start() else { return false }
        Devices.entropySources.append(VirtioEntropyDevice(device: device))
        Devices.report(device.label + ": entropy source, " + device.transport.interruptDescription)
        return true
    }

    init(device: VirtioDevice) {
        self.device = device
    }

    /// Reads up to `buffer.count` (at most a page of) random bytes; returns how many the device
    /// gave (0 when it failed).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, 4096)
        guard count > 0, !device.failed, let dma = DMABuffer.allocate(bytes: count) else { return 0 }
        defer { dma.free() }
        let segment = VirtqueueSegment(address: dma.physical, length: UInt32(count), deviceWritable: true)
        let length: UInt32
        do throws(VirtioError) {
            length = try device.queues[0].transact([segment])
        } catch {
            return 0
        }
        // The ring already checked `length` against the buffer.
        let n = Int(length)
        buffer.copyMemory(from: UnsafeRawBufferPointer(start: dma.pointer, count: n))
        return n
    }
}
#endif
