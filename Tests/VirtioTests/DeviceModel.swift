@testable import Virtio

/// Ordinary memory standing in for a virtqueue's DMA block; the driver and the device model
/// share it (single-threaded, so the barriers have nothing to order).
final class HostRingMemory: VirtqueueMemory {
    let bytes: UnsafeMutableRawPointer
    let count: Int

    init(count: Int) {
        self.count = count
        bytes = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 4096)
        bytes.initializeMemory(as: UInt8.self, repeating: 0xEE, count: count)  // not zeroed: init must reset
    }

    deinit { bytes.deallocate() }

    func load16(_ offset: Int) -> UInt16 { check(offset, 2); return bytes.load(fromByteOffset: offset, as: UInt16.self) }
    func load32(_ offset: Int) -> UInt32 { check(offset, 4); return bytes.load(fromByteOffset: offset, as: UInt32.self) }
    func load64(_ offset: Int) -> UInt64 { check(offset, 8); return bytes.load(fromByteOffset: offset, as: UInt64.self) }
    func store16(_ offset: Int, _ value: UInt16) { check(offset, 2); bytes.storeBytes(of: value, toByteOffset: offset, as: UInt16.self) }
    func store32(_ offset: Int, _ value: UInt32) { check(offset, 4); bytes.storeBytes(of: value, toByteOffset: offset, as: UInt32.self) }
    func store64(_ offset: Int, _ value: UInt64) { check(offset, 8); bytes.storeBytes(of: value, toByteOffset: offset, as: UInt64.self) }
    func fullBarrier() { barriers += 1 }
    func writeBarrier() {}
    func readBarrier() {}
    var barriers = 0

    private func check(_ offset: Int, _ size: Int) {
        precondition(offset >= 0 && offset + size <= count && offset % size == 0, "bad ring access at \(offset)")
    }
}

/// A device that follows the split-virtqueue rules from its side: it reads chains from the
/// descriptor table, returns them on the used ring, and decides about interrupts the way the
/// specification says a device must. It can also be told to break the rules.
final class DeviceModel {
    struct Request: Equatable {
        var head: UInt16
        var segments: [VirtqueueSegment]
        var writableBytes: UInt64 { segments.filter(\.deviceWritable).reduce(0) { $0 + UInt64($1.length) } }
    }

    let memory: HostRingMemory
    let layout: VirtqueueLayout
    let eventIndex: Bool
    var lastAvailable: UInt16 = 0
    var usedIndex: UInt16 = 0
    var interrupts = 0

    init(memory: HostRingMemory, layout: VirtqueueLayout, eventIndex: Bool) {
        self.memory = memory
        self.layout = layout
        self.eventIndex = eventIndex
    }

    var size: Int { layout.size }

    /// Requests the driver has published and the device has not taken yet.
    var pendingAvailable: Int { Int(memory.load16(layout.availableIndex) &- lastAvailable) }

    /// Takes every published request, walking each chain (a loop or an over-long chain is a
    /// driver bug the test reports).
    func takeAvailable() -> [Request] {
        var requests: [Request] = []
        let available = memory.load16(layout.availableIndex)
        while lastAvailable != available {
            let head = memory.load16(layout.availableRing(Int(lastAvailable) & (size - 1)))
            precondition(Int(head) < size, "driver published descriptor \(head) outside the queue")
            var segments: [VirtqueueSegment] = []
            var d = Int(head)
            while true {
                precondition(segments.count < size, "descriptor chain loops")
                let o = layout.descriptor(d)
                let flags = memory.load16(o + 12)
                segments.append(VirtqueueSegment(address: memory.load64(o), length: memory.load32(o + 8), deviceWritable: flags & 2 != 0))
                guard flags & 1 != 0 else { break }
                d = Int(memory.load16(o + 14))
                precondition(d < size, "next descriptor outside the queue")
            }
            requests.append(Request(head: head, segments: segments))
            lastAvailable &+= 1
        }
        return requests
    }

    /// Puts a used element; returns whether the device must interrupt the driver now.
    @discardableResult
    func complete(id: UInt32, length: UInt32) -> Bool {
        let o = layout.usedRing(Int(usedIndex) & (size - 1))
        memory.store32(o, id)
        memory.store32(o + 4, length)
        let old = usedIndex
        usedIndex &+= 1
        memory.store16(layout.usedIndex, usedIndex)
        let interrupt: Bool
        if eventIndex {
            interrupt = EventIndex.needsEvent(event: memory.load16(layout.usedEvent), new: usedIndex, old: old)
        } else {
            interrupt = memory.load16(layout.availableFlags) & 1 == 0
        }
        if interrupt { interrupts += 1 }
        return interrupt
    }

    /// The device going idle: it wants a notification for the next request.
    func waitForNotification() {
        if eventIndex {
            memory.store16(layout.availableEvent, lastAvailable)
        } else {
            memory.store16(layout.usedFlags, 0)
        }
    }

    /// The device busy polling the ring: no notifications, please.
    func suppressNotifications() {
        if eventIndex {
            memory.store16(layout.availableEvent, lastAvailable &- 1)
        } else {
            memory.store16(layout.usedFlags, 1)
        }
    }

    /// Writes the used index directly (to model a device that lies about it).
    func forceUsedIndex(_ value: UInt16) {
        usedIndex = value
        memory.store16(layout.usedIndex, value)
    }
}

/// Deterministic pseudo-random numbers for reproducible randomized tests.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// A driver queue with its device model over one block of memory.
func makeQueue(size: Int, eventIndex: Bool, usedAlignment: Int = 4) -> (SplitVirtqueue<HostRingMemory>, DeviceModel) {
    let layout = VirtqueueLayout(size: size, usedAlignment: usedAlignment)!
    let memory = HostRingMemory(count: layout.totalBytes)
    let queue = SplitVirtqueue(layout: layout, memory: memory, eventIndex: eventIndex)
    return (queue, DeviceModel(memory: memory, layout: layout, eventIndex: eventIndex))
}

func segment(_ address: UInt64, _ length: UInt32, writable: Bool) -> VirtqueueSegment {
    VirtqueueSegment(address: address, length: length, deviceWritable: writable)
}
