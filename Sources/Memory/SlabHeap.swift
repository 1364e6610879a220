/// The kernel heap behind `posix_memalign` and `free`: slabs for small blocks, page runs for
/// large ones.
///
/// Requests up to 2016 bytes are served from one-page slabs of fixed-size objects (see
/// ``SizeClasses`` for the classes and why they align naturally); everything larger, or
/// aligned beyond what a fitting class provides, gets its own run of pages from the
/// ``PageSource``. Any power-of-two alignment is honoured, page alignment included.
///
/// ## Finding the owner of a pointer
///
/// `free` takes no size. Every block the heap hands out starts *after* the first byte of a
/// page that begins with a header: a ``SlabPage`` (objects never start at offset 0, the header
/// is there) or a ``LargeRun`` header (before the object in the same page, or in the page just
/// before a page-aligned object). So the header of `p` is always at `(p - 1)` rounded down to a
/// page, and its magic number says which kind it is. The heap keeps no side table, and so
/// never allocates memory to track memory — which matters because it is the allocator the
/// Swift runtime itself calls.
///
/// ## Returning memory
///
/// A slab whose last object is freed goes back to the page source unless its class would
/// then have less than one slab's worth of free objects left in its other slabs; so each class
/// keeps at most one empty slab, and a program that allocates and frees one object at a slab
/// boundary does not allocate and free a page every time. The threshold is the class's own
/// slab capacity, not a tuned constant. ``releaseEmptySlabs()`` gives back those kept slabs too,
/// for when the page allocator runs short. Kept empty slabs sit at the end of their class's
/// partial list, so allocations fill partly used slabs first and the empty one stays empty.
///
/// The heap does no locking; the kernel wraps it in a lock taken with interrupts off.
public struct SlabHeap<Pages: PageSource> {
    /// Per-class bookkeeping.
    struct ClassState {
        /// Slabs with at least one free object: partly used ones first, empty ones last.
        var partialHead: SlabPage? = nil
        var partialTail: SlabPage? = nil
        var slabs = 0
        var objectsInUse = 0
    }

    /// Where the heap's pages come from.
    public var pages: Pages

    /// One entry per size class; the count must equal `SizeClasses.count` (a test checks it).
    /// Inline, because the heap cannot allocate its own bookkeeping from itself.
    var classes: InlineArray<22, ClassState> = .init(repeating: ClassState())
    /// Usable bytes of all live blocks (class sizes for slab objects).
    public private(set) var bytesInUse = 0
    /// Slab pages held, including empty ones kept for reuse.
    public private(set) var slabCount = 0
    /// Live page-run allocations.
    public private(set) var largeAllocationCount = 0
    /// Pages held by live page-run allocations, headers included.
    public private(set) var largePageCount = 0

    /// The largest request the heap accepts (128 TiB, the lower half of the address space);
    /// anything larger cannot be mapped and is refused before its page count can overflow.
    public static var maxByteCount: Int { 1 &<< 47 }

    /// An empty heap that takes pages from `pages`.
    public init(pages: Pages) {
        self.pages = pages
    }

    /// Whether `alignment` is one `posix_memalign` accepts as far as the heap is concerned: a
    /// power of two no larger than the largest request. (POSIX also requires a multiple of the
    /// pointer size; the caller reports EINVAL for that.)
    public static func isValidAlignment(_ alignment: Int) -> Bool {
        alignment > 0 && alignment & (alignment &- 1) == 0 && alignment <= maxByteCount
    }

    /// Bytes in slab pages.
    public var bytesInSlabs: Int { slabCount &* Page.size }
    /// Bytes in page runs.
    public var bytesInLargeRuns: Int { largePageCount &* Page.size }

    // MARK: Allocating

    /// `byteCount` bytes aligned to `alignment` (a power of two; blocks are always at least
    /// 16-byte aligned); nil when the alignment is invalid, the size is too large, or the page
    /// source is out of memory. A `byteCount` of 0 yields a unique minimal block, as
    /// `posix_memalign` allows.
    public mutating func allocate(byteCount: Int, alignment: Int = 16) -> UnsafeMutableRawPointer? {
        guard Self.isValidAlignment(alignment), byteCount >= 0, byteCount <= Self.maxByteCount else { return nil }
        let alignment = max(alignment, 16)
        let byteCount = max(byteCount, 1)
        if let index = SizeClasses.index(byteCount: byteCount, alignment: alignment) {
            return allocateObject(classIndex: index)
        }
        return allocateRun(byteCount: byteCount, alignment: alignment)
    }

    /// One object of size class `c` (see ``SizeClasses``); what ``ObjectCache`` refills from.
    public mutating func allocateObject(classIndex c: Int) -> UnsafeMutableRawPointer? {
        let capacity = SizeClasses.objectsPerSlab(at: c)
        let slab: SlabPage
        if let partial = classes[c].partialHead {
            slab = partial
        } else {
            guard let page = pages.allocatePages(count: 1) else { return nil }
            slab = SlabPage(page)
            slab.format(classIndex: c)
            pushFront(slab, classIndex: c)
            classes[c].slabs &+= 1
            slabCount &+= 1
        }
        let object = slab.claimObject(capacity: capacity)!
        if slab.inUse == capacity { unlink(slab, classIndex: c) }
        classes[c].objectsInUse &+= 1
        let size = SizeClasses.size(at: c)
        bytesInUse &+= size
        return slab.base + (SizeClasses.firstOffset(at: c) &+ object &* size)
    }

    mutating func allocateRun(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        let dataPages = (byteCount &+ Page.size &- 1) >> Page.shift
        if alignment < Page.size {
            // Header and object share the first page.
            let offset = max(SizeClasses.headerBytes, alignment)
            let count = (offset &+ byteCount &+ Page.size &- 1) >> Page.shift
            guard let run = pages.allocatePages(count: count) else { return nil }
            return recordRun(header: run, runStart: run, count: count, object: run + offset)
        }
        // A header page before the object, plus the slack to reach the alignment.
        let count = dataPages &+ alignment >> Page.shift
        guard let run = pages.allocatePages(count: count) else { return nil }
        let start = UInt(bitPattern: run)
        let object = (start &+ UInt(Page.size) &+ UInt(alignment) &- 1) & ~(UInt(alignment) &- 1)
        let objectPointer = UnsafeMutableRawPointer(bitPattern: object)!
        return recordRun(header: objectPointer - Page.size, runStart: run, count: count, object: objectPointer)
    }

    mutating func recordRun(
        header: UnsafeMutableRawPointer, runStart: UnsafeMutableRawPointer, count: Int,
        object: UnsafeMutableRawPointer
    ) -> UnsafeMutableRawPointer {
        let run = LargeRun(base: header)
        run.magic = LargeRun.magic
        run.pageCount = count
        run.runStart = UInt(bitPattern: runStart)
        run.object = UInt(bitPattern: object)
        run.usableBytes = (runStart + count &* Page.size) - object
        largeAllocationCount &+= 1
        largePageCount &+= count
        bytesInUse &+= run.usableBytes
        return object
    }

    // MARK: Freeing

    /// Returns a block from ``allocate(byteCount:alignment:)``.
    ///
    /// Throws, changing nothing, when `pointer` is not a live block of this heap (see
    /// ``HeapError`` for how reliable that check is).
    public mutating func free(_ pointer: UnsafeMutableRawPointer) throws(HeapError) {
        switch try owner(of: pointer) {
        case .object(let slab, let object): releaseObject(object, in: slab)
        case .run(let run): releaseRun(run)
        }
    }

    /// The bytes usable at `pointer` (at least what was requested), for `realloc` and
    /// `malloc_usable_size`; nil when `pointer` is not a live block.
    public func usableSize(of pointer: UnsafeMutableRawPointer) -> Int? {
        switch try? owner(of: pointer) {
        case .object(let slab, _): SizeClasses.size(at: slab.classIndex)
        case .run(let run): run.usableBytes
        case nil: nil
        }
    }

    /// The size class of `pointer` when it is a live slab object, nil when it is a live page
    /// run; throws when it is not a live block. Reads only the block's own slab header, which
    /// does not change while the block is live, so callers need not hold the heap's lock.
    public static func classIndex(of pointer: UnsafeMutableRawPointer) throws(HeapError) -> Int? {
        switch try owner(of: pointer) {
        case .object(let slab, _): slab.classIndex
        case .run: nil
        }
    }

    enum Owner {
        case object(SlabPage, Int)
        case run(LargeRun)
    }

    /// The header that owns `pointer`, validated.
    func owner(of pointer: UnsafeMutableRawPointer) throws(HeapError) -> Owner { try Self.owner(of: pointer) }

    static func owner(of pointer: UnsafeMutableRawPointer) throws(HeapError) -> Owner {
        let address = UInt(bitPattern: pointer)
        let header = (address &- 1) & ~UInt(Page.size &- 1)
        guard let base = UnsafeMutableRawPointer(bitPattern: header) else { throw .notAllocated }
        switch base.load(as: UInt32.self) {
        case SlabPage.magic:
            let slab = SlabPage(base)
            let c = slab.classIndex
            guard c < SizeClasses.count else { throw .notAllocated }
            let offset = Int(address &- header) &- SizeClasses.firstOffset(at: c)
            let size = SizeClasses.size(at: c)
            guard offset >= 0, offset % size == 0 else { throw .notAllocated }
            let object = offset / size
            guard slab.isAllocated(object) else { throw .doubleFree }
            return .object(slab, object)
        case LargeRun.magic:
            let run = LargeRun(base: base)
            guard run.object == address else { throw .notAllocated }
            return .run(run)
        default:
            throw .notAllocated
        }
    }

    mutating func releaseObject(_ object: Int, in slab: SlabPage) {
        let c = slab.classIndex
        let capacity = SizeClasses.objectsPerSlab(at: c)
        let wasFull = slab.inUse == capacity
        slab.releaseObject(object)
        classes[c].objectsInUse &-= 1
        bytesInUse &-= SizeClasses.size(at: c)
        if wasFull { pushFront(slab, classIndex: c) }
        guard slab.inUse == 0 else { return }
        let freeElsewhere = (classes[c].slabs &- 1) &* capacity &- classes[c].objectsInUse
        unlink(slab, classIndex: c)
        if freeElsewhere >= capacity {
            releaseSlab(slab, classIndex: c)
        } else {
            pushBack(slab, classIndex: c)
        }
    }

    mutating func releaseRun(_ run: LargeRun) {
        let count = run.pageCount
        let start = UnsafeMutableRawPointer(bitPattern: run.runStart)!
        largeAllocationCount &-= 1
        largePageCount &-= count
        bytesInUse &-= run.usableBytes
        run.magic = 0
        pages.freePages(start, count: count)
    }

    /// Gives every empty slab back to the page source; returns the pages released.
    @discardableResult
    public mutating func releaseEmptySlabs() -> Int {
        var released = 0
        for c in 0..<SizeClasses.count {
            var slab = classes[c].partialTail
            while let empty = slab, empty.inUse == 0 {
                slab = empty.prev
                unlink(empty, classIndex: c)
                releaseSlab(empty, classIndex: c)
                released &+= 1
            }
        }
        return released
    }

    /// Returns an empty slab, already off its list, to the page source.
    mutating func releaseSlab(_ slab: SlabPage, classIndex c: Int) {
        slab.magic = 0
        classes[c].slabs &-= 1
        slabCount &-= 1
        pages.freePages(slab.base, count: 1)
    }

    // MARK: Partial lists

    mutating func pushFront(_ slab: SlabPage, classIndex c: Int) {
        slab.prev = nil
        slab.next = classes[c].partialHead
        if let head = classes[c].partialHead { head.prev = slab } else { classes[c].partialTail = slab }
        classes[c].partialHead = slab
    }

    mutating func pushBack(_ slab: SlabPage, classIndex c: Int) {
        slab.next = nil
        slab.prev = classes[c].partialTail
        if let tail = classes[c].partialTail { tail.next = slab } else { classes[c].partialHead = slab }
        classes[c].partialTail = slab
    }

    mutating func unlink(_ slab: SlabPage, classIndex c: Int) {
        let next = slab.next
        let prev = slab.prev
        if let prev { prev.next = next } else { classes[c].partialHead = next }
        if let next { next.prev = prev } else { classes[c].partialTail = prev }
        slab.next = nil
        slab.prev = nil
    }
}
