/// The driver side of a split virtqueue (virtio 1.x §2.7): placing requests as descriptor
/// chains, publishing them on the available ring, deciding when the device needs a
/// notification, and taking completions off the used ring.
///
/// Nothing the device writes is trusted. The driver keeps its own copy of every chain (the free
/// list's links, each chain's length and writable capacity) and checks every used element
/// against it: an index outside the queue, a descriptor that is not the head of a request in
/// flight, a length larger than the request's writable buffers, or a used index that moves by
/// more than the requests in flight are reported as `VirtqueueError` and leave the queue
/// `failed`; every later call throws the same error, so the driver can disable the device.
///
/// Indices are 16-bit counters that wrap around; positions in the rings are the counters
/// modulo the queue size, which is why the size must be a power of two.
///
/// The type is not thread-safe: the kernel holds a lock around it.
public struct SplitVirtqueue<Memory: VirtqueueMemory> {
    public let layout: VirtqueueLayout
    public let memory: Memory
    /// Whether `VIRTIO_F_EVENT_IDX` was negotiated.
    public let eventIndex: Bool

    public private(set) var freeList: DescriptorFreeList
    /// Per head descriptor: the chain's length while it is in flight, else 0.
    private var chainLength: [UInt16]
    /// Per head descriptor: bytes the device may write into the chain.
    private var writableBytes: [UInt64]
    /// The available index as the driver has filled it (published by `publish()`).
    public private(set) var availableIndex: UInt16 = 0
    /// The available index at the last `publish()`.
    private var publishedIndex: UInt16 = 0
    /// The used index up to which completions have been taken.
    public private(set) var lastUsedIndex: UInt16 = 0
    public private(set) var inFlight = 0
    /// Set once the device broke the protocol.
    public private(set) var failure: VirtqueueError? = nil

    static var descriptorNext: UInt16 { 1 }
    static var descriptorWrite: UInt16 { 2 }
    static var availableNoInterrupt: UInt16 { 1 }
    static var usedNoNotify: UInt16 { 1 }

    /// Starts an empty queue over zeroed or reused memory (the rings' indices are reset).
    public init(layout: VirtqueueLayout, memory: Memory, eventIndex: Bool) {
        self.layout = layout
        self.memory = memory
        self.eventIndex = eventIndex
        freeList = DescriptorFreeList(size: layout.size)
        chainLength = [UInt16](repeating: 0, count: layout.size)
        writableBytes = [UInt64](repeating: 0, count: layout.size)
        memory.store16(layout.availableFlags, 0)
        memory.store16(layout.availableIndex, 0)
        memory.store16(layout.usedEvent, 0)
        memory.store16(layout.usedFlags, 0)
        memory.store16(layout.usedIndex, 0)
        memory.store16(layout.availableEvent, 0)
        memory.fullBarrier()
    }

    public var size: Int { layout.size }
    public var freeDescriptors: Int { freeList.freeCount }

    // MARK: - Submitting

    /// Places one request, its segments in order (the device expects the ones it reads before
    /// the ones it writes). Returns the head descriptor, which names the request in its
    /// completion. The request becomes visible to the device at the next `publish()`.
    public mutating func add<C: Collection>(_ segments: C) throws(VirtqueueError) -> UInt16
    where C.Element == VirtqueueSegment {
        if let failure { throw failure }
        let count = segments.count
        guard count >= 1, count <= size else { throw .badRequest(segments: count) }
        guard let head = freeList.allocate(count) else { throw .full }
        var d = head
        var writable: UInt64 = 0
        var i = 0
        for segment in segments {
            let last = i == count &- 1
            let following = freeList.next[Int(d)]
            var flags: UInt16 = last ? 0 : Self.descriptorNext
            if segment.deviceWritable {
                flags |= Self.descriptorWrite
                writable &+= UInt64(segment.length)
            }
            let offset = layout.descriptor(Int(d))
            memory.store64(offset, segment.address)
            memory.store32(offset &+ 8, segment.length)
            memory.store16(offset &+ 12, flags)
            memory.store16(offset &+ 14, last ? 0 : following)
            d = following
            i &+= 1
        }
        chainLength[Int(head)] = UInt16(truncatingIfNeeded: count)
        writableBytes[Int(head)] = writable
        memory.store16(layout.availableRing(Int(availableIndex) & (size &- 1)), head)
        availableIndex &+= 1
        inFlight &+= 1
        return head
    }

    /// Makes the requests added since the last call visible to the device. Returns true when
    /// the device asked to be notified of them (the caller then writes the transport's notify
    /// register); false when it is suppressing notifications.
    public mutating func publish() -> Bool {
        guard failure == nil, availableIndex != publishedIndex else { return false }
        memory.writeBarrier()  // ring entries before the index
        memory.store16(layout.availableIndex, availableIndex)
        memory.fullBarrier()  // the index before reading the device's suppression state
        let old = publishedIndex
        publishedIndex = availableIndex
        if eventIndex {
            return EventIndex.needsEvent(event: memory.load16(layout.availableEvent), new: availableIndex, old: old)
        }
        return memory.load16(layout.usedFlags) & Self.usedNoNotify == 0
    }

    // MARK: - Completions

    /// True when the device has returned requests not yet taken with `nextCompletion()`.
    public var hasCompletions: Bool {
        failure == nil && memory.load16(layout.usedIndex) != lastUsedIndex
    }

    /// Takes the next completed request off the used ring, after checking it; nil when there is
    /// none. The request's descriptors are free again when this returns.
    public mutating func nextCompletion() throws(VirtqueueError) -> VirtqueueCompletion? {
        if let failure { throw failure }
        let used = memory.load16(layout.usedIndex)
        if used == lastUsedIndex { return nil }
        let pending = Int(used &- lastUsedIndex)
        guard pending <= inFlight else {
            throw fail(.usedIndexJumped(from: lastUsedIndex, to: used, inFlight: inFlight))
        }
        memory.readBarrier()  // the index before the element it covers
        let offset = layout.usedRing(Int(lastUsedIndex) & (size &- 1))
        let id = memory.load32(offset)
        let length = memory.load32(offset &+ 4)
        guard id < UInt32(size) else { throw fail(.usedIDOutOfRange(id: id, size: size)) }
        let head = Int(id)
        let count = Int(chainLength[head])
        guard count > 0 else { throw fail(.usedIDNotInFlight(id: id)) }
        guard UInt64(length) <= writableBytes[head] else {
            throw fail(.usedLengthTooLarge(id: id, length: length, capacity: writableBytes[head]))
        }
        chainLength[head] = 0
        writableBytes[head] = 0
        freeList.free(head: UInt16(truncatingIfNeeded: head), count: count)
        inFlight &-= 1
        lastUsedIndex &+= 1
        return VirtqueueCompletion(head: UInt16(truncatingIfNeeded: head), length: length)
    }

    // MARK: - Interrupt suppression

    /// Asks the device for an interrupt at its next completion. Returns true when completions
    /// arrived meanwhile: the caller must take them, since no interrupt will announce them.
    public mutating func enableInterrupts() -> Bool {
        guard failure == nil else { return false }
        if eventIndex {
            memory.store16(layout.usedEvent, lastUsedIndex)
        } else {
            memory.store16(layout.availableFlags, 0)
        }
        memory.fullBarrier()  // the request before re-reading the used index
        return memory.load16(layout.usedIndex) != lastUsedIndex
    }

    /// Tells the device interrupts are not needed (a hint it may ignore), e.g. while polling.
    public mutating func disableInterrupts() {
        if eventIndex {
            // Behind the used index: not reached again until the counter wraps around.
            memory.store16(layout.usedEvent, lastUsedIndex &- 1)
        } else {
            memory.store16(layout.availableFlags, Self.availableNoInterrupt)
        }
    }

    // MARK: - Failure

    /// Marks the queue broken; every later call throws `error`.
    @discardableResult
    public mutating func fail(_ error: VirtqueueError) -> VirtqueueError {
        if failure == nil { failure = error }
        return failure!
    }
}
