#if SKIFF_KERNEL
import Net
import Virtio

/// One receive queue and one transmit queue of a virtio-net device, each with its buffers and
/// lock. A multi-queue device has several; each CPU transmits on its own pair.
final class VirtioNetworkQueuePair {
    let receiveQueue: Virtqueue
    let transmitQueue: Virtqueue
    /// The virtio-net header's size: 12 bytes, or 10 on a legacy device without mergeable
    /// buffers.
    let headerBytes: Int
    let mergeable: Bool
    /// The largest frame accepted from the device (larger with large receive).
    let largestReceivedFrame: Int

    private let receiveBuffers: BufferPool
    private let transmitBuffers: BufferPool
    /// Per head descriptor of each queue: the buffer it carries.
    private var receiveBufferOfHead: [Int]
    private var transmitBufferOfHead: [Int]
    /// Per transmit buffer: the DMA memory holding a frame too large for the buffer.
    private var largeFrameOfBuffer: [DMABuffer?]
    private var freeTransmitBuffers: [Int]
    private let receiveLock = SpinLock()
    private let transmitLock = SpinLock()

    init?(receive: Virtqueue, transmit: Virtqueue, headerBytes: Int, mergeable: Bool, largestReceivedFrame: Int) {
        guard let rb = BufferPool(count: receive.size), let tb = BufferPool(count: transmit.size) else { return nil }
        receiveQueue = receive
        transmitQueue = transmit
        self.headerBytes = headerBytes
        self.mergeable = mergeable
        self.largestReceivedFrame = largestReceivedFrame
        receiveBuffers = rb
        transmitBuffers = tb
        receiveBufferOfHead = [Int](repeating: -1, count: receive.size)
        transmitBufferOfHead = [Int](repeating: -1, count: transmit.size)
        largeFrameOfBuffer = [DMABuffer?](repeating: nil, count: tb.count)
        freeTransmitBuffers = Array((0..<tb.count).reversed())
    }

    var device: VirtioDevice { receiveQueue.device }

    // MARK: - Receiving

    /// Offers every receive buffer to the device.
    func postAllReceiveBuffers() {
        receiveLock.withLock {
            for i in 0..<receiveBuffers.count { post(buffer: i) }
        }
        receiveQueue.kick()
    }

    /// Offers receive buffer `i` to the device (published by the caller's kick).
    private func post(buffer i: Int) {
        let segment = VirtqueueSegment(address: receiveBuffers.physical(i), length: UInt32(VirtioNetworkDevice.bufferBytes), deviceWritable: true)
        do throws(VirtqueueError) {
            let head = try receiveQueue.add([segment])
            receiveBufferOfHead[Int(head)] = i
        } catch {
            if error.isDeviceFault { device.fail("receive queue: " + error.message) }
        }
    }

    /// Takes the buffer of a completion off the books: its index and the bytes the device
    /// wrote, or nil for a completion the device should not have made.
    private func takeBuffer(_ c: VirtqueueCompletion) -> (index: Int, length: Int)? {
        let i = receiveBufferOfHead[Int(c.head)]
        receiveBufferOfHead[Int(c.head)] = -1
        guard i >= 0 else { return nil }
        return (i, Swift.min(Int(c.length), VirtioNetworkDevice.bufferBytes))
    }

    private enum Taken {
        case frame(ReceivedFrame)
        case dropped
        case empty
    }

    /// The next frame, gathered from as many buffers as its header says (mergeable buffers:
    /// the device completes them together); nil when the queue is empty, with its interrupt
    /// re-armed.
    func receive() -> ReceivedFrame? {
        while !device.failed {
            let taken: Taken = receiveLock.withLock {
                guard let c = receiveQueue.nextCompletion() else { return .empty }
                guard let first = takeBuffer(c) else { return .dropped }
                defer { post(buffer: first.index) }
                guard first.length >= headerBytes else { return .dropped }
                let start = receiveBuffers.pointer(first.index)
                let header = VirtioNetHeader(reading: start, byteCount: headerBytes)
                var bytes = [UInt8](UnsafeRawBufferPointer(start: start.advanced(by: headerBytes), count: first.length &- headerBytes))
                let buffers = mergeable ? Int(header.bufferCount) : 1
                var complete = buffers >= 1
                var k = 1
                while k < buffers {
                    guard let more = receiveQueue.nextCompletion() else {
                        complete = false
                        break
                    }
                    if let piece = takeBuffer(more) {
                        if bytes.count &+ piece.length <= largestReceivedFrame {
                            bytes.append(contentsOf: UnsafeRawBufferPointer(start: receiveBuffers.pointer(piece.index), count: piece.length))
                        } else {
                            complete = false
                        }
                        post(buffer: piece.index)
                    }
                    k &+= 1
                }
                guard complete, bytes.count >= 14, bytes.count <= largestReceivedFrame else { return .dropped }
                return .frame(ReceivedFrame(bytes: bytes, checksumsVerified: header.checksumsVerified))
            }
            switch taken {
            case .frame(let f):
                receiveQueue.kick()
                return f
            case .dropped:
                receiveQueue.kick()  // runt, oversized or torn: dropped; look at the next
            case .empty:
                // Nothing waiting: re-arm, and take what slipped in meanwhile.
                if !receiveQueue.enableInterrupts() { return nil }
            }
        }
        return nil
    }

    // MARK: - Transmitting

    /// Places a frame behind its header; false when the queue is full. Frames larger than a
    /// buffer (segments the device cuts) go in DMA memory of their own, freed when the device
    /// has sent them.
    func transmit(_ frame: OutgoingFrame) -> Bool {
        var header = VirtioNetHeader()
        if frame.needsChecksum {
            header.flags = VirtioNetHeader.needsChecksum
            header.checksumStart = UInt16(truncatingIfNeeded: frame.checksumStart)
            header.checksumOffset = UInt16(truncatingIfNeeded: frame.checksumField)
        }
        if frame.segmentSize > 0 {
            header.segmentationType = frame.isIPv6 ? VirtioNetHeader.segmentationTCPv6 : VirtioNetHeader.segmentationTCPv4
            header.segmentSize = UInt16(truncatingIfNeeded: frame.segmentSize)
            header.headerLength = UInt16(truncatingIfNeeded: frame.headerLength)
        }
        let total = headerBytes &+ frame.bytes.count
        let queued: Bool = transmitLock.withLock {
            while let c = transmitQueue.nextCompletion() {
                let i = transmitBufferOfHead[Int(c.head)]
                transmitBufferOfHead[Int(c.head)] = -1
                guard i >= 0 else { continue }
                largeFrameOfBuffer[i]?.free()
                largeFrameOfBuffer[i] = nil
                freeTransmitBuffers.append(i)
            }
            guard let i = freeTransmitBuffers.popLast() else { return false }
            var p = transmitBuffers.pointer(i)
            var physical = transmitBuffers.physical(i)
            if total > VirtioNetworkDevice.bufferBytes {
                guard let large = DMABuffer.allocate(bytes: total) else {
                    freeTransmitBuffers.append(i)
                    return false  // out of memory for now: like a full queue, retried later
                }
                largeFrameOfBuffer[i] = large
                p = large.pointer
                physical = large.physical
            }
            header.write(to: p, byteCount: headerBytes)
            frame.bytes.withUnsafeBytes { p.advanced(by: headerBytes).copyMemory(from: $0.baseAddress!, byteCount: frame.bytes.count) }
            let segment = VirtqueueSegment(address: physical, length: UInt32(total), deviceWritable: false)
            do throws(VirtqueueError) {
                let head = try transmitQueue.add([segment])
                transmitBufferOfHead[Int(head)] = i
                return true
            } catch {
                largeFrameOfBuffer[i]?.free()
                largeFrameOfBuffer[i] = nil
                freeTransmitBuffers.append(i)
                if error.isDeviceFault { device.fail("transmit queue: " + error.message) }
                return false
            }
        }
        if queued { transmitQueue.kick() }
        return queued
    }
}
#endif
