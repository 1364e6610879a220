#if SKIFF_KERNEL
import Trace
import CKernel
import Storage
import Virtio

/// virtio-blk (§5.2): a disk as a `BlockDevice`.
///
/// Each request is a chain of a 16-byte header (type, sector), the data, and a status byte the
/// device writes last. With `VIRTIO_BLK_F_MQ` there is a queue per CPU (up to the device's
/// count) so CPUs do not contend; a request goes to the queue of the CPU that issues it. Data
/// buffers in the direct map or the kernel image are given to the device in place; others
/// (kernel stacks) go through a bounce buffer. Flush (`VIRTIO_BLK_F_FLUSH`) and discard
/// (`VIRTIO_BLK_F_DISCARD`) are used when offered; a device without FLUSH has no volatile cache.
final class VirtioBlockDevice: BlockDevice {
    let device: VirtioDevice
    let name: String
    let sectorSize = VirtioBlockRequest.sectorBytes
    let sectorCount: UInt64
    let blockSize: Int
    let isReadOnly: Bool
    let supportsDiscard: Bool
    let hasFlush: Bool
    /// Largest data transfer in one request.
    let maximumTransfer: Int
    let maximumDiscardSectors: UInt64
    private var slots: [RequestSlots] = []

    // Configuration space (§5.2.4).
    static let configCapacity = 0x00
    static let configSizeMax = 0x08
    static let configBlockSize = 0x14
    static let configNumQueues = 0x22
    static let configMaxDiscardSectors = 0x24

    static let driver = VirtioDriver(name: "virtio-blk", deviceType: VirtioDeviceType.block) { device in
        VirtioBlockDevice.attach(device)
    }

    @_optimize(size)  // boot-time only: the kernel must fit in 3 MiB (docs/memory.md)
    static func attach(_ device: VirtioDevice) -> Bool {
        let wanted: VirtioFeatures = [.blockSizeMax, .blockReadOnly, .blockSize, .blockFlush, .blockMultiQueue, .blockDiscard]
        guard device.negotiate(wanted: wanted) else { return false }
        let t = device.transport
        var queues = 1
        if device.features.contains(.blockMultiQueue) {
            queues = max(1, min(Int(t.configRead16(configNumQueues)), Scheduler.cpus.count, 16))
        }
        guard device.setUpQueues(count: queues, maximumSize: 128) else { return false }
        var slotPools: [RequestSlots] = []
        for q in device.queues {
            guard let pool = RequestSlots(count: q.size) else {
                device.fail("out of memory for request headers")
                return false
            }
            slotPools.append(pool)
        }
        guard device.start() else { return false }
        let disk = VirtioBlockDevice(device: device, name: Devices.nextBlockDeviceName(), slots: slotPools)
        Devices.blockDevices.append(disk)
        Devices.report(
            device.label + ": " + disk.name + ", \(disk.sectorCount) sectors (\(disk.sectorCount / 2048) MiB)"
                + (disk.isReadOnly ? ", read-only" : "") + (disk.hasFlush ? ", flush" : "")
                + (disk.supportsDiscard ? ", discard" : "") + ", \(queues) queue" + (queues == 1 ? "" : "s") + ", "
                + t.interruptDescription)
        return true
    }

    private init(device: VirtioDevice, name: String, slots: [RequestSlots]) {
        self.device = device
        self.name = name
        self.slots = slots
        let t = device.transport
        let f = device.features
        sectorCount = t.configRead64(Self.configCapacity)
        let logical = f.contains(.blockSize) ? Int(t.configRead32(Self.configBlockSize)) : 512
        blockSize = logical >= 512 && logical <= 65536 && logical & (logical &- 1) == 0 ? logical : 512
        isReadOnly = f.contains(.blockReadOnly)
        hasFlush = f.contains(.blockFlush)
        var transfer = 1 << 20
        if f.contains(.blockSizeMax) {
            let sizeMax = Int(t.configRead32(Self.configSizeMax))
            if sizeMax >= 4096 { transfer = min(transfer, sizeMax & ~511) }
        }
        maximumTransfer = transfer
        let discardSectors = UInt64(t.configRead32(Self.configMaxDiscardSectors))
        supportsDiscard = f.contains(.blockDiscard) && discardSectors > 0
        maximumDiscardSectors = discardSectors
    }

    // MARK: - BlockDevice

    func read(sector: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(BlockDeviceError) {
        _ = try checkTransfer(sector: sector, byteCount: buffer.count)
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let chunk = min(buffer.count &- done, maximumTransfer)
            try request(
                type: VirtioBlockRequest.typeIn, sector: sector &+ UInt64(done / sectorSize),
                data: base.advanced(by: done), count: chunk, deviceWrites: true)
            done &+= chunk
        }
    }

    func write(sector: UInt64, from buffer: UnsafeRawBufferPointer) throws(BlockDeviceError) {
        guard !isReadOnly else { throw .readOnly }
        _ = try checkTransfer(sector: sector, byteCount: buffer.count)
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let chunk = min(buffer.count &- done, maximumTransfer)
            try request(
                type: VirtioBlockRequest.typeOut, sector: sector &+ UInt64(done / sectorSize),
                data: UnsafeMutableRawPointer(mutating: base.advanced(by: done)), count: chunk, deviceWrites: false)
            done &+= chunk
        }
    }

    func flush() throws(BlockDeviceError) {
        guard !isReadOnly else { throw .readOnly }
        guard hasFlush else { return }  // no volatile cache: completed writes are durable
        try request(type: VirtioBlockRequest.typeFlush, sector: 0, data: nil, count: 0, deviceWrites: false)
    }

    func discard(sector: UInt64, count: UInt64) throws(BlockDeviceError) {
        guard !isReadOnly else { throw .readOnly }
        try checkRange(sector: sector, count: count)
        guard supportsDiscard else { throw .unsupported }
        var next = sector
        let end = sector &+ count
        while next < end {
            let n = min(end &- next, maximumDiscardSectors, UInt64(UInt32.max))
            try request(type: VirtioBlockRequest.typeDiscard, sector: 0, data: nil, count: 0, deviceWrites: false, discard: (next, UInt32(n)))
            next &+= n
        }
    }

    // MARK: - Requests

    /// One request on the calling CPU's queue: header, optional data (or discard range), status.
    private func request(
        type: UInt32, sector: UInt64, data: UnsafeMutableRawPointer?, count: Int, deviceWrites: Bool,
        discard: (sector: UInt64, count: UInt32)? = nil
    ) throws(BlockDeviceError) {
        Tracing.fire(.blockRequest, UInt64(type), discard?.sector ?? sector, UInt64(count))
        let started = Clock.monotonic
        var failed = true
        defer {
            BlockStatistics.count(type: type, bytes: count, nanoseconds: Clock.monotonic &- started, failed: failed)
            Tracing.fire(.blockDone, UInt64(type), discard?.sector ?? sector, failed ? 1 : 0)
        }
        guard !device.failed else { throw .deviceFailed }
        let index = Int(PerCPUIndex.current) % device.queues.count
        let queue = device.queues[index]
        let pool = slots[index]
        let slot = pool.take()
        defer { pool.give(slot) }
        VirtioBlockRequest.writeHeader(type: type, sector: sector, to: pool.header(slot))
        pool.status(slot).storeBytes(of: 0xFF, as: UInt8.self)

        var segments: [VirtqueueSegment] = [
            VirtqueueSegment(address: pool.headerPhysical(slot), length: UInt32(VirtioBlockRequest.headerBytes), deviceWritable: false)
        ]
        var bounce: DMABuffer? = nil
        defer { bounce?.free() }
        if let data, count > 0 {
            if let physical = DMA.physicalAddress(of: data, count: count) {
                segments.append(VirtqueueSegment(address: physical, length: UInt32(count), deviceWritable: deviceWrites))
            } else {
                guard let b = DMABuffer.allocate(bytes: count) else { throw .outOfMemory }
                bounce = b
                if !deviceWrites { b.pointer.copyMemory(from: data, byteCount: count) }
                segments.append(VirtqueueSegment(address: b.physical, length: UInt32(count), deviceWritable: deviceWrites))
            }
        }
        if let discard {
            VirtioBlockRequest.writeRange(sector: discard.sector, count: discard.count, unmap: false, to: pool.range(slot))
            segments.append(VirtqueueSegment(address: pool.rangePhysical(slot), length: UInt32(VirtioBlockRequest.rangeBytes), deviceWritable: false))
        }
        segments.append(VirtqueueSegment(address: pool.statusPhysical(slot), length: 1, deviceWritable: true))

        do throws(VirtioError) {
            try queue.transact(segments)
        } catch {
            throw error == .outOfMemory ? .outOfMemory : .deviceFailed
        }
        let status = mmio_read8(pool.status(slot))
        switch status {
        case VirtioBlockRequest.statusOK:
            failed = false
            if let bounce, let data, deviceWrites { data.copyMemory(from: bounce.pointer, byteCount: count) }
        case VirtioBlockRequest.statusIOError:
            throw .ioError
        case VirtioBlockRequest.statusUnsupported:
            throw .unsupported
        default:
            device.fail("request finished with status byte \(status)")
            throw .deviceFailed
        }
    }
}

/// Per-queue DMA memory for request headers, discard ranges and status bytes: 64 bytes per
/// slot, as many slots as the queue has descriptors (a request needs at least two, so slots run
/// out only when more threads wait than the queue could take anyway; they then sleep here).
final class RequestSlots {
    static let slotBytes = 64
    let memory: DMABuffer
    private var free: [Int]
    private let waiters = WaitQueue()

    init?(count: Int) {
        guard let m = DMABuffer.allocate(bytes: count &* Self.slotBytes) else { return nil }
        memory = m
        free = Array((0..<count).reversed())
    }

    func take() -> Int {
        while true {
            if let slot = waiters.lock.withLock({ free.popLast() }) { return slot }
            waiters.wait(while: { free.isEmpty })
        }
    }

    func give(_ slot: Int) {
        waiters.lock.withLock { free.append(slot) }
        waiters.wakeOne()
    }

    func header(_ slot: Int) -> UnsafeMutableRawPointer { memory.pointer.advanced(by: slot &* Self.slotBytes) }
    func range(_ slot: Int) -> UnsafeMutableRawPointer { header(slot).advanced(by: 16) }
    func status(_ slot: Int) -> UnsafeMutableRawPointer { header(slot).advanced(by: 32) }
    func headerPhysical(_ slot: Int) -> UInt64 { memory.physical &+ UInt64(slot &* Self.slotBytes) }
    func rangePhysical(_ slot: Int) -> UInt64 { headerPhysical(slot) &+ 16 }
    func statusPhysical(_ slot: Int) -> UInt64 { headerPhysical(slot) &+ 32 }
}
#endif
