#if SKIFF_KERNEL
import LinuxABI
import NineP
import VFS
import Virtio

/// virtio-9p: a host folder shared under a mount tag, carrying 9P2000.L messages (the
/// `NinePTransport` of the portable `NineP` module, which mounts it).
///
/// One queue; a request is two descriptors, the message for the device to read and a buffer
/// for its reply. Each exchange in flight holds one slot (a request and a reply buffer of
/// `maximumMessageSize`, tag = slot number). The first slot is made at probe time and more, up
/// to `maximumSlots`, when threads use the share at once; a thread that finds every slot busy
/// sleeps until one is free. Nothing is locked while the host works on a request.
final class VirtioNinePDevice: NinePTransport {
    let device: VirtioDevice
    /// The mount tag (`mount_tag=` on QEMU's command line).
    let tag: [UInt8]
    let maximumMessageSize = 128 << 10
    static let maximumSlots = 4

    private struct Slot {
        let request: DMABuffer
        let reply: DMABuffer
    }

    /// Slots and which are idle; guarded by the wait queue's lock.
    private var slots: [Slot] = []
    private var idle: [Int] = []
    /// Slots being allocated by threads that found none idle.
    private var growing = 0
    private let waiters = WaitQueue()
    /// The 9P session, made at the first mount (a second Tversion would end the first's fids).
    private var client: NinePClient? = nil
    private let sessionLock = FileSystems.lockFactory.makeLock()

    static let driver = VirtioDriver(name: "virtio-9p", deviceType: VirtioDeviceType.ninep) { device in
        VirtioNinePDevice.attach(device)
    }

    @_optimize(size)  // boot-time only: the kernel must fit in 3 MiB (docs/memory.md)
    static func attach(_ device: VirtioDevice) -> Bool {
        guard device.negotiate(wanted: [.ninePMountTag], required: [.ninePMountTag]),
            device.setUpQueues(count: 1, maximumSize: 2 &* maximumSlots)
        else { return false }
        let t = device.transport
        let length = min(Int(t.configRead16(0)), 255)
        var tag: [UInt8] = []
        for i in 0..<length { tag.append(t.configRead8(2 &+ i)) }
        guard !tag.isEmpty else {
            device.fail("has an empty mount tag")
            return false
        }
        let share = VirtioNinePDevice(device: device, tag: tag)
        guard share.makeSlot(), device.start() else {
            device.fail("out of memory for message buffers")
            return false
        }
        Devices.shares.append(share)
        Devices.report(device.label + ": share " + String(decoding: tag, as: UTF8.self) + ", " + t.interruptDescription)
        return true
    }

    private init(device: VirtioDevice, tag: [UInt8]) {
        self.device = device
        self.tag = tag
    }

    /// The session over this channel, made (Tversion) at the first call.
    func session() throws(Errno) -> NinePClient {
        sessionLock.lock()
        defer { sessionLock.unlock() }
        if let client { return client }
        let made = try NinePClient(
            transport: self, lock: FileSystems.lockFactory.makeLock(), messageSize: maximumMessageSize)
        client = made
        return made
    }

    // MARK: - NinePTransport

    func exchange(
        _ request: (inout NinePWriter) -> Int?, reply: (inout NinePReader) throws(Errno) -> Void
    ) throws(Errno) {
        let index = try takeSlot()
        defer { giveBack(index) }
        let slot = waiters.lock.withLock { slots[index] }
        var writer = NinePWriter(
            UnsafeMutableRawBufferPointer(start: slot.request.pointer, count: maximumMessageSize),
            tag: UInt16(truncatingIfNeeded: index))
        guard let length = request(&writer) else { throw .EIO }
        let written: UInt32
        do throws(VirtioError) {
            written = try device.queues[0].transact([
                VirtqueueSegment(address: slot.request.physical, length: UInt32(length), deviceWritable: false),
                VirtqueueSegment(address: slot.reply.physical, length: UInt32(maximumMessageSize), deviceWritable: true),
            ])
        } catch {
            throw .EIO
        }
        // The ring checked `written` against the reply buffer.
        var reader = NinePReader(UnsafeRawBufferPointer(start: slot.reply.pointer, count: Int(written)))
        try reply(&reader)
    }

    // MARK: - Slots

    /// Allocates another slot and marks it idle; false when memory is short.
    private func makeSlot() -> Bool {
        guard let request = DMABuffer.allocate(bytes: maximumMessageSize) else { return false }
        guard let reply = DMABuffer.allocate(bytes: maximumMessageSize) else {
            request.free()
            return false
        }
        waiters.lock.withLock {
            slots.append(Slot(request: request, reply: reply))
            idle.append(slots.count &- 1)
        }
        return true
    }

    /// An idle slot: one free now, a new one while there are fewer than `maximumSlots`, or the
    /// next one given back. EIO once the device is disabled.
    private func takeSlot() throws(Errno) -> Int {
        while true {
            guard !device.failed else { throw .EIO }
            let (taken, grow): (Int?, Bool) = waiters.lock.withLock {
                if let index = idle.popLast() { return (index, false) }
                guard slots.count &+ growing < Self.maximumSlots else { return (nil, false) }
                growing &+= 1
                return (nil, true)
            }
            if let taken { return taken }
            if grow {
                let made = makeSlot()
                waiters.lock.withLock { growing &-= 1 }
                if made { continue }
            }
            waiters.wait(while: { idle.isEmpty && !device.failed })
        }
    }

    private func giveBack(_ index: Int) {
        waiters.lock.withLock { idle.append(index) }
        waiters.wakeOne()
    }
}
#endif
