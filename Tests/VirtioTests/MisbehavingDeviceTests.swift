import Testing
@testable import Virtio

/// A device that breaks the protocol is caught at the first bad used element and the queue
/// stays failed; nothing it wrote is acted on.
@Suite struct MisbehavingDeviceTests {
    func loadedQueue(_ size: Int = 8) throws -> (SplitVirtqueue<HostRingMemory>, DeviceModel, UInt16) {
        var (queue, device) = makeQueue(size: size, eventIndex: true)
        let head = try queue.add([segment(0x1000, 16, writable: false), segment(0x2000, 512, writable: true)])
        _ = queue.publish()
        _ = device.takeAvailable()
        return (queue, device, head)
    }

    func expectFailed(_ queue: inout SplitVirtqueue<HostRingMemory>, _ error: VirtqueueError) {
        #expect(throws: error) { try queue.nextCompletion() }
        #expect(queue.failure == error)
        #expect(error.isDeviceFault)
        #expect(!error.message.contains("\n") && !error.message.isEmpty)
        // Everything afterwards refuses with the same error.
        #expect(throws: error) { try queue.nextCompletion() }
        #expect(throws: error) { try queue.add([segment(1, 1, writable: true)]) }
        let kicked = queue.publish()
        #expect(!kicked)
        #expect(!queue.hasCompletions)
    }

    @Test func usedIDOutOfRange() throws {
        var (queue, device, _) = try loadedQueue()
        device.complete(id: 8, length: 0)
        expectFailed(&queue, .usedIDOutOfRange(id: 8, size: 8))
        var (q2, d2, _) = try loadedQueue()
        d2.complete(id: 0xFFFF_FFFF, length: 0)
        expectFailed(&q2, .usedIDOutOfRange(id: 0xFFFF_FFFF, size: 8))
    }

    @Test func usedIDNotInFlight() throws {
        var (queue, device, head) = try loadedQueue()
        // The chain's second descriptor is not a head.
        let second = queue.freeList.next[Int(head)]
        device.complete(id: UInt32(second), length: 0)
        expectFailed(&queue, .usedIDNotInFlight(id: UInt32(second)))
    }

    @Test func completedTwice() throws {
        var (queue, device, head) = try loadedQueue()
        _ = try queue.add([segment(0x3000, 8, writable: true)])
        _ = queue.publish()
        device.complete(id: UInt32(head), length: 512)
        device.complete(id: UInt32(head), length: 512)
        let first = try queue.nextCompletion()
        #expect(first == VirtqueueCompletion(head: head, length: 512))
        expectFailed(&queue, .usedIDNotInFlight(id: UInt32(head)))
    }

    @Test func usedLengthLargerThanTheBuffers() throws {
        var (queue, device, head) = try loadedQueue()
        device.complete(id: UInt32(head), length: 513)
        expectFailed(&queue, .usedLengthTooLarge(id: UInt32(head), length: 513, capacity: 512))
    }

    @Test func readOnlyRequestWithALength() throws {
        var (queue, device) = makeQueue(size: 4, eventIndex: false)
        let head = try queue.add([segment(0x1000, 100, writable: false)])
        _ = queue.publish()
        _ = device.takeAvailable()
        device.complete(id: UInt32(head), length: 1)
        expectFailed(&queue, .usedLengthTooLarge(id: UInt32(head), length: 1, capacity: 0))
    }

    @Test func usedIndexJumpsAhead() throws {
        var (queue, device, _) = try loadedQueue()
        device.forceUsedIndex(5)
        expectFailed(&queue, .usedIndexJumped(from: 0, to: 5, inFlight: 1))
    }

    @Test func usedIndexGoesBackwards() throws {
        var (queue, device, head) = try loadedQueue()
        device.complete(id: UInt32(head), length: 0)
        let first = try queue.nextCompletion()
        #expect(first != nil)
        _ = try queue.add([segment(0x3000, 8, writable: true)])
        _ = queue.publish()
        device.forceUsedIndex(0)
        expectFailed(&queue, .usedIndexJumped(from: 1, to: 0, inFlight: 1))
    }

    /// The device overwrites the descriptor table (links, lengths); the driver frees the chain by
    /// its own record and every descriptor is still handed out exactly once afterwards.
    @Test func scribbledDescriptorTableDoesNotCorruptTheFreeList() throws {
        var (queue, device, head) = try loadedQueue()
        for i in 0..<queue.size {
            let o = queue.layout.descriptor(i)
            queue.memory.store16(o + 14, UInt16(i))  // every descriptor points at itself
            queue.memory.store32(o + 8, 0xFFFF_FFFF)
        }
        device.complete(id: UInt32(head), length: 512)
        let c = try queue.nextCompletion()
        #expect(c == VirtqueueCompletion(head: head, length: 512))
        var heads: [UInt16] = []
        for _ in 0..<queue.size { heads.append(try queue.add([segment(1, 1, writable: true)])) }
        #expect(heads.sorted() == (0..<8).map { UInt16($0) })
    }

    @Test func zeroLengthQueueIsRefused() {
        #expect(VirtqueueLayout(size: 0) == nil)
        #expect(VirtqueueError.badSize(0).message.contains("queue size 0"))
        #expect(!VirtqueueError.badSize(0).isDeviceFault)
    }
}
