/// A per-CPU stack of free order-0 frames in front of the ``BuddyAllocator``.
///
/// Most page allocations are single frames, and taking the global allocator's lock for each
/// one serializes every CPU. A cache refills itself from the buddy allocator and drains back
/// into it in batches of half its capacity, so a CPU touches the global lock once per batch;
/// the half-capacity gap between "empty" and "full" keeps an alternating allocate/free
/// pattern from ping-ponging batches.
///
/// ## Sizing
///
/// The capacity is not a fixed watermark (OSv keeps at least 128 pages per CPU whatever the
/// memory size, cloudius-systems/osv#1013). It is recomputed from the buddy allocator's free
/// frames on every refill and drain decision:
///
///     capacity = min(freeFrames / (cpuCount × freeMemoryShare), 1 << BuddyAllocator.maxOrder)
///
/// so all caches together hold at most `1 / freeMemoryShare` (1/16) of the free memory, and no
/// cache holds more than one maximal buddy block (4 MiB) — beyond that, batching saves nothing
/// more and only fragments large blocks. When memory runs low the capacity falls to 0: the
/// cache then empties itself on its next operation and passes every request straight to the
/// buddy allocator, so parked frames never cause an allocation failure on their own CPU.
///
/// ## Draining other CPUs
///
/// Frames parked in *other* CPUs' caches are counted by ``BuddyAllocator/cachedFrames``. When
/// the buddy allocator cannot satisfy a request while that count is non-zero,
/// ``allocate(from:)`` answers ``Allocation/drainNeeded`` instead of failing; the kernel then
/// drains every CPU's cache (``drain(into:)``, run on each CPU or under the caches' locks) and
/// retries. ``allocate(order:cpu:caches:buddy:)`` does exactly that for callers that can reach
/// all caches directly.
///
/// ## Representation
///
/// A cache is three integers: the frames themselves are linked through the frame table's
/// `next` field and marked ``FrameState/cached``, which keeps the value type small (it lives in
/// per-CPU data and is used with interrupts off), lets the capacity be any size, and lets a
/// double free into a cache be detected like one into the buddy allocator. A cache must only
/// ever be used with the one allocator whose frames it holds.
public struct PerCPUPageCache: Sendable {
    /// The fraction of free memory (as its inverse) that all caches together may hold.
    public static let freeMemoryShare = 16

    /// The capacity rule above, for `freeFrames` free frames shared by `cpuCount` CPUs.
    public static func capacity(freeFrames: Int, cpuCount: Int) -> Int {
        let perCPU = freeFrames / (max(cpuCount, 1) &* freeMemoryShare)
        return min(perCPU, 1 &<< BuddyAllocator.maxOrder)
    }

    /// The outcome of ``allocate(from:)``.
    public enum Allocation: Equatable, Sendable {
        /// An order-0 frame.
        case frame(UInt64)
        /// Nothing is free here or in the buddy allocator, but other caches hold frames:
        /// drain them and retry.
        case drainNeeded
        /// No frame is free anywhere.
        case outOfMemory
    }

    /// The number of CPUs sharing the allocator; part of the sizing rule.
    public let cpuCount: Int
    /// The frames this cache holds.
    public private(set) var count = 0
    /// Top of the stack (a frame table index), `FrameEntry.none` when empty.
    var top = FrameEntry.none

    /// An empty cache for one of `cpuCount` CPUs.
    public init(cpuCount: Int) {
        self.cpuCount = max(cpuCount, 1)
    }

    /// The capacity this cache has right now, given `buddy`'s free memory.
    public func capacity(in buddy: borrowing BuddyAllocator) -> Int {
        Self.capacity(freeFrames: buddy.freeFrames, cpuCount: cpuCount)
    }

    /// An order-0 frame, from the cache when it has one, else after a refill.
    public mutating func allocate(from buddy: inout BuddyAllocator) -> Allocation {
        let capacity = capacity(in: buddy)
        if count == 0 && capacity > 0 { refill(from: &buddy, frames: (capacity &+ 1) / 2) }
        if count > 0 {
            let index = Int(top)
            top = buddy.table[index].next
            buddy.table[index] = FrameEntry(kind: .allocated, order: 0)
            count &-= 1
            buddy.cachedFrames &-= 1
            trim(into: &buddy)
            return .frame(buddy.table.frame(index))
        }
        if let frame = buddy.allocate(order: 0) { return .frame(frame) }
        return buddy.cachedFrames > 0 ? .drainNeeded : .outOfMemory
    }

    /// Takes back an order-0 frame allocated from this cache, another cache or the buddy
    /// allocator; drains a batch when the cache is over capacity.
    ///
    /// Throws, changing nothing, when `frame` is not an allocated order-0 frame.
    public mutating func free(frame: UInt64, to buddy: inout BuddyAllocator) throws(FrameError) {
        let index = try buddy.allocatedHead(frame)
        let order = Int(buddy.table[index].order)
        guard order == 0 else { throw .wrongOrder(allocated: order) }
        guard capacity(in: buddy) > 0 else {
            try buddy.free(frame: frame, order: 0)
            trim(into: &buddy)
            return
        }
        park(index, in: &buddy)
        trim(into: &buddy)
    }

    /// Returns every frame to the buddy allocator.
    public mutating func drain(into buddy: inout BuddyAllocator) {
        drain(into: &buddy, keeping: 0)
    }

    /// Any frame of `2^order` frames for `caches[cpu]`, draining all caches into the buddy
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
                switch caches[cpu].allocate(from: &buddy) {
                case .frame(let frame): return frame
                case .outOfMemory: return nil
                case .drainNeeded: break
                }
            } else if let frame = buddy.allocate(order: order) {
                return frame
            }
            guard attempt == 0, buddy.cachedFrames > 0 else { return nil }
            for i in caches.indices { caches[i].drain(into: &buddy) }
        }
        return nil
    }

    // MARK: Batches

    /// Moves up to `frames` frames from the buddy allocator into the cache.
    mutating func refill(from buddy: inout BuddyAllocator, frames: Int) {
        var moved = 0
        while moved < frames, let frame = buddy.allocate(order: 0) {
            park(buddy.table.index(frame), in: &buddy)
            moved &+= 1
        }
    }

    /// Drains down to half the capacity when over capacity (to empty when the capacity is 0).
    mutating func trim(into buddy: inout BuddyAllocator) {
        let capacity = capacity(in: buddy)
        if count > capacity { drain(into: &buddy, keeping: capacity / 2) }
    }

    mutating func drain(into buddy: inout BuddyAllocator, keeping: Int) {
        while count > keeping {
            let index = Int(top)
            top = buddy.table[index].next
            buddy.table[index] = FrameEntry(kind: .tail, order: 0)
            count &-= 1
            buddy.cachedFrames &-= 1
            buddy.freeFrames &+= 1
            buddy.release(index, order: 0)
        }
    }

    /// Pushes the allocated order-0 frame at `index` onto the stack.
    mutating func park(_ index: Int, in buddy: inout BuddyAllocator) {
        buddy.table[index] = FrameEntry(next: top, prev: FrameEntry.none, kind: .cached, order: 0)
        top = UInt32(index)
        count &+= 1
        buddy.cachedFrames &+= 1
    }
}
