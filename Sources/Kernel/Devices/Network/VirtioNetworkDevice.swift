#if SKIFF_KERNEL
import CKernel
import Net
import Virtio

/// virtio-net (§5.1): receive and transmit queue pairs, the control queue when there are
/// several pairs, and the offloads the device offers.
///
/// Checksum offload and TSO are taken whenever offered (a tap backend offers them; QEMU's
/// user network does not): the stack then leaves TCP/UDP checksums and the cutting of 64 KiB
/// TCP segments to the device. Large receive comes with mergeable buffers, so receive buffers
/// stay 2 KiB and a 64 KiB segment spans several. With multi-queue the driver uses a pair
/// per CPU (up to the device's maximum) and transmits on the pair of the CPU it runs on.
///
/// Receive buffers are posted once and re-posted as frames are taken. Transmit buffers are
/// reclaimed when later frames are sent (transmit interrupts stay off).
final class VirtioNetworkDevice: NetworkDevice {
    let device: VirtioDevice
    let name: String
    let macAddress: MACAddress
    let mtu = 1500
    let offloads: LinkOffloads
    var onReceive: (() -> Void)? = nil
    private let pairs: [VirtioNetworkQueuePair]
    /// The pair the next receive looks at first, so no queue starves the others.
    private var nextReceivePair = 0

    static let bufferBytes = 2048
    static let configStatus = 6
    /// Pairs used at most: one per CPU is the point, and each costs its buffers.
    static let maximumPairs = 8

    static let driver = VirtioDriver(name: "virtio-net", deviceType: VirtioDeviceType.network) { device in
        VirtioNetworkDevice.attach(device)
    }

    @_optimize(size)  // boot-time only: the kernel must fit in 3 MiB (docs/memory.md)
    static func attach(_ device: VirtioDevice) -> Bool {
        guard device.negotiate(choosing: { VirtioFeatures.networkWanted(offered: $0) }) else { return false }
        let f = device.features
        let multiQueue = f.contains(.netMultiQueue)
        let devicePairs = multiQueue ? Int(device.transport.configRead16(VirtioNetControl.configMaximumQueuePairs)) : 1
        guard devicePairs >= 1 else {
            device.fail("offers 0 queue pairs")
            return false
        }
        let largeReceive = f.contains(.netGuestTSO4) || f.contains(.netGuestTSO6)
        // Descriptors: a 64 KiB segment spans 33 receive buffers; keep room for several.
        let queueCount = 2 &* devicePairs &+ (multiQueue ? 1 : 0)
        guard device.setUpQueues(count: queueCount, maximumSize: largeReceive ? 256 : 64) else { return false }
        let used = min(devicePairs, max(1, Scheduler.cpus.count), maximumPairs)
        let mergeable = f.contains(.netMergeableBuffers)
        let headerBytes = f.contains(.version1) || mergeable ? 12 : 10
        var pairs: [VirtioNetworkQueuePair] = []
        for p in 0..<used {
            guard let pair = VirtioNetworkQueuePair(
                receive: device.queues[2 &* p], transmit: device.queues[2 &* p &+ 1], headerBytes: headerBytes,
                mergeable: mergeable, largestReceivedFrame: largeReceive ? 65535 &+ 40 &+ 14 : 1500 &+ 14)
            else {
                device.fail("out of memory for frame buffers")
                return false
            }
            pairs.append(pair)
        }
        var offloads: LinkOffloads = []
        if f.contains(.netChecksum) { offloads.insert(.transmitChecksum) }
        if f.contains(.netHostTSO4) { offloads.insert(.segmentationIPv4) }
        if f.contains(.netHostTSO6) { offloads.insert(.segmentationIPv6) }
        let nic = VirtioNetworkDevice(device: device, pairs: pairs, offloads: offloads)
        for pair in pairs {
            let rx = pair.receiveQueue
            rx.onInterrupt = { [nic] in
                rx.disableInterrupts()
                nic.onReceive?()
            }
            pair.transmitQueue.onInterrupt = {}
            pair.transmitQueue.disableInterrupts()
        }
        guard device.start() else { return false }
        for pair in pairs { pair.postAllReceiveBuffers() }
        var active = 1
        if used > 1 {
            if nic.setQueuePairs(used, control: device.queues[2 &* devicePairs]) {
                active = used
            } else {
                log(device.label + ": the device refused \(used) queue pairs; using one")
            }
        }
        nic.activePairs = active
        Devices.networkDevices.append(nic)
        Devices.report(
            device.label + ": " + nic.name + ", mac " + nic.macDescription + ", " + device.transport.interruptDescription
                + ", " + describe(f) + ", \(active) queue pair" + (active == 1 ? "" : "s"))
        return true
    }

    /// Pairs in use: 1 until the control queue has switched the device to more.
    private(set) var activePairs = 1

    private init(device: VirtioDevice, pairs: [VirtioNetworkQueuePair], offloads: LinkOffloads) {
        self.device = device
        self.pairs = pairs
        self.offloads = offloads
        name = "eth\(Devices.networkDevices.count)"
        let t = device.transport
        if device.features.contains(.netMAC) {
            macAddress = MACAddress(
                t.configRead8(0), t.configRead8(1), t.configRead8(2), t.configRead8(3), t.configRead8(4), t.configRead8(5))
        } else {
            // A locally administered address from the TSC.
            let r = x86_rdtsc()
            macAddress = MACAddress(0x52, 0x54, 0x00, UInt8(truncatingIfNeeded: r >> 16), UInt8(truncatingIfNeeded: r >> 8), UInt8(truncatingIfNeeded: r))
        }
    }

    /// "offloads csum tso4 tso6 rx-csum lro4 lro6 mrg-rxbuf" (or "no offloads"), for the
    /// device line: what a user checks when throughput is not what they expected.
    static func describe(_ f: VirtioFeatures) -> String {
        let names: [(VirtioFeatures, String)] = [
            (.netChecksum, "csum"), (.netHostTSO4, "tso4"), (.netHostTSO6, "tso6"), (.netGuestChecksum, "rx-csum"),
            (.netGuestTSO4, "lro4"), (.netGuestTSO6, "lro6"), (.netMergeableBuffers, "mrg-rxbuf"),
        ]
        var s = ""
        for (bit, name) in names where f.contains(bit) { s += (s.isEmpty ? "offloads " : " ") + name }
        return s.isEmpty ? "no offloads" : s
    }

    /// Tells the device to use `count` queue pairs (`VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET`).
    private func setQueuePairs(_ count: Int, control: Virtqueue) -> Bool {
        guard let buffer = DMABuffer.allocate(bytes: 16) else { return false }
        defer { buffer.free() }
        let p = buffer.pointer
        p.storeBytes(of: VirtioNetControl.classMultiQueue, toByteOffset: 0, as: UInt8.self)
        p.storeBytes(of: VirtioNetControl.commandSetQueuePairs, toByteOffset: 1, as: UInt8.self)
        p.storeBytes(of: UInt16(truncatingIfNeeded: count).littleEndian, toByteOffset: 2, as: UInt16.self)
        p.storeBytes(of: UInt8(0xFF), toByteOffset: 8, as: UInt8.self)
        let segments = [
            VirtqueueSegment(address: buffer.physical, length: 2, deviceWritable: false),
            VirtqueueSegment(address: buffer.physical &+ 2, length: 2, deviceWritable: false),
            VirtqueueSegment(address: buffer.physical &+ 8, length: 1, deviceWritable: true),
        ]
        do throws(VirtioError) { try control.transact(segments) } catch { return false }
        return p.load(fromByteOffset: 8, as: UInt8.self) == VirtioNetControl.ok
    }

    var macDescription: String {
        var s = ""
        for i in 0..<6 {
            if i > 0 { s += ":" }
            s += hex(UInt64(macAddress.byte(i)), 2)
        }
        return s
    }

    var linkUp: Bool {
        guard !device.failed else { return false }
        guard device.features.contains(.netStatus) else { return true }
        return device.transport.configRead16(Self.configStatus) & 1 != 0
    }

    // MARK: - Receiving

    func receive() -> ReceivedFrame? {
        let n = activePairs
        for k in 0..<n {
            let index = (nextReceivePair &+ k) % n
            if let frame = pairs[index].receive() {
                nextReceivePair = (index &+ 1) % n
                return frame
            }
        }
        return nil
    }

    // MARK: - Transmitting

    func transmit(_ frame: OutgoingFrame) throws(NetworkDeviceError) {
        guard !device.failed else { throw .deviceFailed }
        let segmented = frame.segmentSize > 0
        if (frame.needsChecksum && !offloads.contains(.transmitChecksum)) || (segmented && !offloads.segments(ipv4: !frame.isIPv6)) {
            // Work this device does not do (the stack was not told it would): do it here.
            for piece in frame.completed() { try transmit(OutgoingFrame(bytes: piece)) }
            return
        }
        let limit = segmented ? 65535 &+ 40 &+ 14 : mtu &+ 14
        guard frame.bytes.count >= 14, frame.bytes.count <= limit else { throw .badFrameLength }
        let pair = pairs[Int(skiff_percpu_cpu_index()) % activePairs]
        guard pair.transmit(frame) else {
            throw device.failed ? .deviceFailed : .queueFull
        }
    }
}
#endif
