/// The physical page-frame allocator: a binary buddy system over 4 KiB frames.
///
/// Blocks are `2^order` frames for orders `0...maxOrder` and are aligned to their size *in
/// physical frame numbers*, so an order-9 block is a 2 MiB region the kernel can map with one
/// huge page. Freeing a block merges it with its buddy (the other half of the next-larger
/// aligned block) as long as that buddy is free, so memory returns to large blocks once it is
/// released.
///
/// All metadata lives in the ``PageFrameTable``: free lists are doubly linked through the
/// table's entries, never through the free pages, and every head frame records its state and
/// order. That record is what makes bad frees detectable — freeing a frame that is free, cached,
/// a tail, a hole, or allocated with another order fails with a ``FrameError`` and changes
/// nothing.
///
/// The allocator does no locking; the kernel wraps it in a spinlock and keeps most order-0
/// traffic in ``PerCPUPageCache``s in front of it. It is `~Copyable` because it owns its table.
public struct BuddyAllocator: ~Copyable {
    /// The largest block order: `2^10` frames = 4 MiB, twice the 2 MiB huge page so that huge
    /// pages can be split off without breaking the largest blocks immediately.
    public static let maxOrder = 10
    /// The number of orders, `maxOrder + 1`.
    public static let orderCount = maxOrder + 1

    /// The per-frame metadata.
    public let table: PageFrameTable
    /// Frames handed to the allocator with ``addFreeRange(firstFrame:count:)``.
    public internal(set) var totalFrames = 0
    /// Frames on the free lists.
    public internal(set) var freeFrames = 0

    var heads: InlineArray<11, UInt32> = .init(repeating: FrameEntry.none)
    var blockCounts: InlineArray<11, Int> = .init(repeating: 0)

    /// An allocator with no free memory yet; add RAM with ``addFreeRange(firstFrame:count:)``.
    public init(table: consuming PageFrameTable) {
        self.table = table
    }

    /// Frames currently allocated, including those parked in ``PerCPUPageCache``s (which the
    /// caches' own `count`s tell apart).
    public var allocatedFrames: Int { totalFrames &- freeFrames }

    /// The number of free blocks of `order`.
    public func freeBlocks(order: Int) -> Int {
        guard order >= 0, order <= Self.maxOrder else { return 0 }
        return blockCounts[order]
    }

    /// The largest order with a free block; nil when nothing is free.
    public var largestFreeOrder: Int? {
        var order = Self.maxOrder
        while order >= 0 {
            if blockCounts[order] > 0 { return order }
            order &-= 1
        }
        return nil
    }

    /// What `frame` is doing.
    public func state(of frame: UInt64) -> FrameState { table.state(of: frame) }

    // MARK: Adding memory

    /// Hands frames `firstFrame ..< firstFrame + count` to the allocator as free memory.
    ///
    /// Called once per usable range of the firmware memory map. The range may start and end at
    /// any frame: it is cut into the largest aligned blocks that fit, and those merge with
    /// free neighbours added earlier, so adjacent ranges reported separately still form large
    /// blocks. Fails without changes when the range leaves the table or overlaps frames the
    /// allocator already manages.
    public mutating func addFreeRange(firstFrame: UInt64, count: Int) throws(FrameError) {
        guard count >= 0, table.contains(firstFrame) || count == 0 else { throw .outOfRange }
        guard count > 0 else { return }
        let start = table.index(firstFrame)
        guard count <= table.frameCount &- start else { throw .outOfRange }
        for i in start..<(start &+ count) where table[i].kind != .unavailable {
            throw .overlapsManagedFrames
        }
        for i in start..<(start &+ count) { table[i].kind = .tail }
        releaseRun(start: start, count: count)
        totalFrames &+= count
        freeFrames &+= count
    }

    // MARK: Allocating

    /// A block of `2^order` frames aligned to its size, as its first frame number; nil when no
    /// free block of that order or larger exists.
    public mutating func allocate(order: Int) -> UInt64? {
        guard order >= 0, order <= Self.maxOrder else { return nil }
        var found = order
        while found <= Self.maxOrder && heads[found] == FrameEntry.none { found &+= 1 }
        guard found <= Self.maxOrder else { return nil }
        let head = Int(heads[found])
        unlink(head, order: found)
        // Split, keeping the lower half and returning upper halves to the free lists.
        while found > order {
            found &-= 1
            push(head &+ (1 &<< found), order: found)
        }
        table[head].kind = .allocated
        table[head].order = UInt8(order)
        freeFrames &-= 1 &<< order
        return table.frame(head)
    }

    /// Returns a block obtained from ``allocate(order:)`` and merges it with free buddies.
    ///
    /// Throws, changing nothing, when `frame` is not the head of an allocated block of exactly
    /// `order`: a double free, a frame in a per-CPU cache, or a frame never allocated.
    public mutating func free(frame: UInt64, order: Int) throws(FrameError) {
        guard order >= 0, order <= Self.maxOrder else { throw .invalidOrder }
        let i = try allocatedHead(frame)
        guard Int(table[i].order) == order else { throw .wrongOrder(allocated: Int(table[i].order)) }
        release(i, order: order)
        freeFrames &+= 1 &<< order
    }

    // MARK: Internals shared with the run and cache extensions

    /// The index of `frame` if it is an allocated head; the matching error otherwise.
    func allocatedHead(_ frame: UInt64) throws(FrameError) -> Int {
        guard table.contains(frame) else { throw .outOfRange }
        let i = table.index(frame)
        switch table[i].kind {
        case .allocated: return i
        case .free: throw .alreadyFree
        case .cached: throw .alreadyCached
        case .tail, .unavailable: throw .notAllocated
        }
    }

    /// Frees `count` frames from index `start` (all currently tails or allocated heads) as the
    /// largest aligned blocks that fit.
    mutating func releaseRun(start: Int, count: Int) {
        var i = start
        let end = start &+ count
        while i < end {
            let frame = table.frame(i)
            var order = min(frame.trailingZeroBitCount, Self.maxOrder)
            while 1 &<< order > end &- i { order &-= 1 }
            table[i].kind = .tail
            release(i, order: order)
            i &+= 1 &<< order
        }
    }

    /// Puts the block at `index` on the free lists, merging it with free buddies. Does not
    /// change `freeFrames`.
    mutating func release(_ index: Int, order: Int) {
        var head = index
        var order = order
        while order < Self.maxOrder {
            let buddyFrame = table.frame(head) ^ (1 &<< UInt64(order))
            guard table.contains(buddyFrame) else { break }
            let buddy = table.index(buddyFrame)
            guard table[buddy].isHead(.free, order: order) else { break }
            unlink(buddy, order: order)
            table[buddy].kind = .tail
            table[head].kind = .tail
            head = min(head, buddy)
            order &+= 1
        }
        push(head, order: order)
    }

    /// Makes `index` a free head of `order` at the front of that order's list.
    mutating func push(_ index: Int, order: Int) {
        let oldHead = heads[order]
        table[index] = FrameEntry(next: oldHead, prev: FrameEntry.none, kind: .free, order: UInt8(order))
        if oldHead != FrameEntry.none { table[Int(oldHead)].prev = UInt32(index) }
        heads[order] = UInt32(index)
        blockCounts[order] &+= 1
    }

    /// Removes the free head `index` from its list; the caller sets its new kind.
    mutating func unlink(_ index: Int, order: Int) {
        let entry = table[index]
        if entry.prev == FrameEntry.none {
            heads[order] = entry.next
        } else {
            table[Int(entry.prev)].next = entry.next
        }
        if entry.next != FrameEntry.none { table[Int(entry.next)].prev = entry.prev }
        table[index].next = FrameEntry.none
        table[index].prev = FrameEntry.none
        blockCounts[order] &-= 1
    }
}
