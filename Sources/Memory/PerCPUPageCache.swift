/// A per-CPU stack of free order-0 frames in front of the ``BuddyAllocator``.
///
/// Most page allocations are single frames, and taking the global allocator's lock for each
/// one serializes every CPU. A cache is used in two tiers:
///
/// - **Fast path, no lock** (on its own CPU, interrupts off): ``allocate(in:)`` pops a cached
///   frame and ``free(frame:in:)`` pushes one while the cache is below its capacity. Both touch
///   only the cache and the frame-table entries of the frames it holds or is handed.
/// - **Slow path, buddy lock held**: when the fast path says no, ``refill(from:)`` takes a
///   batch of frames from the buddy allocator and ``free(frame:to:)`` gives a batch back. Half
///   the capacity moves each time, so a CPU takes the lock once per batch, and the gap between
///   "empty" and "full" keeps an alternating allocate/free pattern from ping-ponging batches.
///
/// ## Sizing
///
/// The capacity is not a fixed watermark (OSv keeps at least 128 pages per CPU whatever the
/// memory size, cloudius-systems/osv#1013). It is recomputed from the buddy allocator's free
/// frames every time the cache takes the slow path:
///
///     capacity = min(freeFrames / (cpuCount × freeMemoryShare), 1 << BuddyAllocator.maxOrder)
///
/// so all caches together hold at most `1 / freeMemoryShare` (1/16) of the free memory, and no
/// cache holds more than one maximal buddy block (4 MiB) — beyond that, batching saves nothing
/// more and only fragments large blocks. When memory runs low the capacity falls to 0: the
/// cache gives its frames back on its next slow path and from then on passes every request
/// straight to the buddy allocator.
///
/// ## Never failing while frames sit in caches
///
/// ``refill(from:)`` answers nil only when the buddy allocator itself is empty. Frames may
/// still be parked in other CPUs' caches; the kernel then runs ``drain(into:)`` for every CPU
/// (each on its own CPU, or under the caches' locks) and retries, as Linux's
/// `drain_all_pages` does. ``allocate(order:cpu:caches:buddy:)`` does all of this for callers
/// that can reach every cache directly.
///
/// ## Representation
///
/// A cache is a few integers: the frames themselves are linked through the frame table's
/// `next` field and marked ``FrameState/cached``. That keeps the value small (it lives in
/// per-CPU data), lets the capacity be any size without a fixed array, and makes a double
/// free into a cache as detectable as one into the buddy allocator. The buddy allocator
/// counts cached frames as allocated. A cache must only ever be used with the allocator whose
/// frames it holds.
///
/// The fast paths write the entries of their own frames while another CPU, holding the lock,
/// may be coalescing in the buddy allocator and read such an entry to ask "is this a free
/// head?". The answer is no both before and after the write (`cached` and `allocated` frames
/// are never free heads), so the overlap is harmless.
public struct PerCPUPageCache: Sendable {
    /// The fraction of free memory (as its inverse) that all caches together may hold.
    public static let freeMemoryShare = 16

    /// The capacity rule above, for `freeFrames` free frames shared by `cpuCount` CPUs.
    public static func capacity(freeFrames: Int, cpuCount: Int) -> Int {
        let perCPU = freeFrames / (max(cpuCount, 1) &* freeMemoryShare)
        return min(perCPU, 1 &<< BuddyAllocator.maxOrder)
    }

    /// The number of CPUs sharing the allocator; part of the sizing rule.
    public let cpuCount: Int
    /// The frames this cache holds.
    public private(set) var count = 0
    /// The most frames the cache may hold, as computed on its last slow path; 0 for a new
    /// cache, so the first allocation takes the slow path and sizes it.
    public private(set) var capacity = 0
    /// Top of the stack (a frame table index), `FrameEntry.none` when empty.
    var top = FrameEntry.none

    /// An empty cache for one of `cpuCount` CPUs.
    public init(cpuCount: Int) {
        self.cpuCount = max(cpuCount, 1)
    }

    // MARK: Fast path (no lock)

    /// A cached order-0 frame; nil when the cache is empty and ``refill(from:)`` must run.
    public mutating func allocate(in table: borrowing PageFrameTable) -> UInt64? {
        guard count > 0 else { return nil }
        let index = Int(top)
        top = table[index].next
        table[index] = FrameEntry(kind: .allocated, order: 0)
        count &-= 1
        return table.frame(index)
    }

    /// Parks the allocated order-0 `frame` in the cache; false when the cache is full and
    /// ``free(frame:to:)`` must run.
    ///
    /// Throws, changing nothing, when `frame` is not an allocated order-0 frame.
    public mutating func free(frame: UInt64, in table: borrowing PageFrameTable) throws(FrameError) -> Bool {
        let index = try Self.allocatedFrame(frame, in: table)
        guard count < capacity else { return false }
        park(index, in: table)
        return true
    }

    // MARK: Slow path (buddy allocator lock held)

    /// An order-0 frame, refilling the cache first when it is empty: nil only when the buddy
    /// allocator has no free frame (drain the other caches and retry).
    public mutating func refill(from buddy: inout BuddyAllocator) -> UInt64? {
        resize(in: &buddy)
        if count == 0 {
            var moved = 0
            while moved < (capacity &+ 1) / 2, let frame = buddy.allocate(order: 0) {
                park(buddy.table.index(frame), in: buddy.table)
                moved &+= 1
            }
        }
        return allocate(in: buddy.table) ?? buddy.allocate(order: 0)
    }

    /// Takes back an allocated order-0 frame when the fast path found the cache full: drains a
    /// batch to the buddy allocator, then parks the frame (or frees it directly when the
    /// capacity is 0).
    ///
    /// Throws, changing nothing, when `frame` is not an allocated order-0 frame.
    public mutating func free(frame: UInt64, to buddy: inout BuddyAllocator) throws(FrameError) {
        let index = try Self.allocatedFrame(frame, in: buddy.table)
        resize(in: &buddy)
        if count >= capacity { drain(into: &buddy, keeping: capacity / 2) }
        if count < capacity {
            park(index, in: buddy.table)
        } else {
            try buddy.free(frame: frame, order: 0)
        }
    }

    /// Recomputes the capacity and returns the frames above it to the buddy allocator; for a
    /// kernel that wants to shrink caches when memory gets tight without waiting for their
    /// next slow path.
    public mutating func trim(into buddy: inout BuddyAllocator) {
        resize(in: &buddy)
        if count > capacity { drain(into: &buddy, keeping: capacity / 2) }
    }

    /// Returns every frame to the buddy allocator and recomputes the capacity.
    public mutating func drain(into buddy: inout BuddyAllocator) {
        drain(into: &buddy, keeping: 0)
        resize(in: &buddy)
    }

    /// A block of `2^order` frames for `caches[cpu]`, draining all caches into the buddy
    /// allocator if that is what it takes: nil only when the memory is really not there.
    ///
    /// For callers that may touch every CPU's cache (a single-lock kernel, or tests). Order-0
    /// requests go through the CPU's cache; larger ones go to the buddy allocator directly.
    public static func allocate(
        order: Int, cpu: Int, caches: UnsafeMutableBufferPointer<PerCPUPageCache>,
        buddy: inout BuddyAllocator
    ) -> UInt64? {
        for attempt in 0..<2 {
            if order == 0 {
                if let frame = caches[cpu].allocate(in: buddy.table) ?? caches[cpu].refill(from: &buddy) {
                    return frame
                }
            } else if let frame = buddy.allocate(order: order) {
                return frame
            }
            guard attempt == 0, caches.contains(where: { $0.count > 0 }) else { return nil }
            for i in caches.indices { caches[i].drain(into: &buddy) }
        }
        return nil
    }

    // MARK: Internals

    mutating func resize(in buddy: inout BuddyAllocator) {
        capacity = Self.capacity(freeFrames: buddy.freeFrames, cpuCount: cpuCount)
    }

    mutating func drain(into buddy: inout BuddyAllocator, keeping: Int) {
        while count > keeping {
            let index = Int(top)
            top = buddy.table[index].next
            buddy.table[index] = FrameEntry(kind: .tail, order: 0)
            count &-= 1
            buddy.freeFrames &+= 1
            buddy.release(index, order: 0)
        }
    }

    /// Pushes the allocated order-0 frame at `index` onto the stack.
    mutating func park(_ index: Int, in table: borrowing PageFrameTable) {
        table[index] = FrameEntry(next: top, prev: FrameEntry.none, kind: .cached, order: 0)
        top = UInt32(index)
        count &+= 1
    }

    /// The index of `frame` if it is an allocated order-0 frame; the matching error otherwise.
    static func allocatedFrame(_ frame: UInt64, in table: borrowing PageFrameTable) throws(FrameError) -> Int {
        guard table.contains(frame) else { throw .outOfRange }
        let index = table.index(frame)
        switch table[index].state {
        case .allocated(0): return index
        case .allocated(let order): throw .wrongOrder(allocated: order)
        case .free: throw .alreadyFree
        case .cached: throw .alreadyCached
        case .tail, .unavailable: throw .notAllocated
        }
    }
}
