#if SKIFF_KERNEL
import CKernel
import Net
import Virtio

/// virtio-net (§5.1): queue 0 receives, queue 1 transmits. No offloads are negotiated: each
/// frame travels in one 2 KiB DMA buffer behind the virtio-net header (12 bytes for virtio
/// 1.x, 10 for legacy devices), so the MTU is 1500.
///
/// Receive buffers are posted once and re-posted as frames are taken. Transmit buffers are
/// reclaimed when later frames are sent (transmit interrupts stay off).
final class VirtioNetworkDevice: NetworkDevice {
    let device: VirtioDevice
    let name: String
    let macAddress: MACAddress
    let mtu = 1500
    let headerBytes: Int
    var onReceive: (() -> Void)? = nil

    static let bufferBytes = 2048
    static let configMAC = 0
    static let configStatus = 6

    private let receiveBuffers: BufferPool
    private let transmitBuffers: BufferPool
    /// Per head descriptor of each queue: the buffer it carries.
    private var receiveBufferOfHead: [Int]
    private var transmitBufferOfHead: [Int]
    private var freeTransmitBuffers: [Int]
    private let receiveLock = SpinLock()
    private let transmitLock = SpinLock()

    static let driver = VirtioDriver(name: "virtio-net", deviceType: VirtioDeviceType.network) { device in
        VirtioNetworkDevice.attach(device)
    }

    static func attach(_ device: VirtioDevice) -> Bool {
        guard device.negotiate(wanted: [.netMAC, .netStatus]), device.setUpQueues(count: 2, maximumSize: 64) else { return false }
        let rx = device.queues[0]
        let tx = device.queues[1]
        guard let receive = BufferPool(count: rx.size), let transmit = BufferPool(count: tx.size) else {
            device.fail("out of memory for frame buffers")
            return false
        }
        let nic = VirtioNetworkDevice(device: device, receive: receive, transmit: transmit)
        rx.onInterrupt = { [nic] in
            nic.device.queues[0].disableInterrupts()
            nic.onReceive?()
        }
        tx.onInterrupt = {}
        tx.disableInterrupts()
        guard device.start() else { return false }
        for i in 0..<receive.count { nic.post(buffer: i) }
        rx.kick()
        Devices.networkDevices.append(nic)
        Devices.report(device.label + ": " + nic.name + ", mac " + nic.macDescription + ", " + device.transport.interruptDescription)
        return true
    }

    private init(device: VirtioDevice, receive: BufferPool, transmit: BufferPool) {
        self.device = device
        name = "eth\(Devices.networkDevices.count)"
        headerBytes = device.features.contains(.version1) ? 12 : 10
        receiveBuffers = receive
        transmitBuffers = transmit
        receiveBufferOfHead = [Int](repeating: -1, count: device.queues[0].size)
        transmitBufferOfHead = [Int](repeating: -1, count: device.queues[1].size)
        freeTransmitBuffers = Array((0..<transmit.count).reversed())
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

    /// Offers receive buffer `i` to the device (not yet published: the caller kicks).
    private func post(buffer i: Int) {
        let segment = VirtqueueSegment(address: receiveBuffers.physical(i), length: UInt32(Self.bufferBytes), deviceWritable: true)
        do throws(VirtqueueError) {
            let head = try device.queues[0].add([segment])
            receiveBufferOfHead[Int(head)] = i
        } catch {
            if error.isDeviceFault { device.fail("receive queue: " + error.message) }
        }
    }

    func receive() -> [UInt8]? {
        let rx = device.queues[0]
        while !device.failed {
            let frame: [UInt8]?? = receiveLock.withLock {
                guard let c = rx.nextCompletion() else { return .none }
                let i = receiveBufferOfHead[Int(c.head)]
                receiveBufferOfHead[Int(c.head)] = -1
                guard i >= 0 else { return .some(nil) }
                defer { post(buffer: i) }
                let length = Int(c.length) &- headerBytes
                guard length >= 14, length <= mtu &+ 14 else { return .some(nil) }  // runt or oversized: dropped
                let start = receiveBuffers.pointer(i).advanced(by: headerBytes)
                return .some([UInt8](UnsafeRawBufferPointer(start: start, count: length)))
            }
            switch frame {
            case .some(.some(let f)):
                rx.kick()
                return f
            case .some(.none):
                rx.kick()
                continue  // dropped; look at the next
            case .none:
                // Nothing waiting: re-arm, and take what slipped in meanwhile.
                if !rx.enableInterrupts() { return nil }
            }
        }
        return nil
    }

    // MARK: - Transmitting

    func transmit(_ frame: [UInt8]) throws(NetworkDeviceError) {
        guard frame.count >= 14, frame.count <= mtu &+ 14 else { throw .badFrameLength }
        guard !device.failed else { throw .deviceFailed }
        let tx = device.queues[1]
        let queued: Bool = transmitLock.withLock {
            while let c = tx.nextCompletion() {
                let i = transmitBufferOfHead[Int(c.head)]
                transmitBufferOfHead[Int(c.head)] = -1
                if i >= 0 { freeTransmitBuffers.append(i) }
            }
            guard let i = freeTransmitBuffers.popLast() else { return false }
            let p = transmitBuffers.pointer(i)
            p.initializeMemory(as: UInt8.self, repeating: 0, count: headerBytes)
            frame.withUnsafeBytes { p.advanced(by: headerBytes).copyMemory(from: $0.baseAddress!, byteCount: frame.count) }
            let segment = VirtqueueSegment(
                address: transmitBuffers.physical(i), length: UInt32(headerBytes &+ frame.count), deviceWritable: false)
            do throws(VirtqueueError) {
                let head = try tx.add([segment])
                transmitBufferOfHead[Int(head)] = i
                return true
            } catch {
                freeTransmitBuffers.append(i)
                if error.isDeviceFault { device.fail("transmit queue: " + error.message) }
                return false
            }
        }
        guard !device.failed else { throw .deviceFailed }
        guard queued else { throw .queueFull }
        tx.kick()
    }
}

/// Frame buffers in DMA memory, two per page.
final class BufferPool {
    let count: Int
    private let pages: [DMABuffer]

    init?(count: Int) {
        self.count = count
        var pages: [DMABuffer] = []
        for _ in 0..<((count &+ 1) / 2) {
            guard let page = DMABuffer.allocate(bytes: 4096) else {
                for p in pages { p.free() }
                return nil
            }
            pages.append(page)
        }
        self.pages = pages
    }

    func physical(_ i: Int) -> UInt64 { pages[i / 2].physical &+ UInt64((i % 2) &* VirtioNetworkDevice.bufferBytes) }
    func pointer(_ i: Int) -> UnsafeMutableRawPointer { pages[i / 2].pointer.advanced(by: (i % 2) &* VirtioNetworkDevice.bufferBytes) }
}
#endif
