/// One CPU's cache of free heap objects, per size class, in front of a ``SlabHeap``.
///
/// The slab heap is one structure behind one lock; every Swift object the kernel creates or
/// releases would take that lock. A CPU's cache answers most `malloc`/`free` pairs on its own:
/// a freed object is pushed on its class's stack, and the next allocation of that class pops
/// it. Only when a stack is empty (refill) or full (flush) does the CPU go to the heap, moving
/// half a stack at a time so an alternating pattern does not bounce between the two.
///
/// ## Sizing from memory pressure
///
/// No watermark is tuned by hand (OSv's fixed pools need it, cloudius-systems/osv#1013). Each
/// time a class takes a slow path its capacity is recomputed from the free page frames:
///
///     capacity(c) = min(objectsPerSlab(c), freeBytes / (cpuCount × freeMemoryShare × classes × size(c)))
///
/// so all caches of all CPUs together hold at most 1/64 of the free memory, a class at most
/// one slab's worth per CPU, and with memory short the capacity is 0: the class's stack is
/// flushed back on its next slow path and every request goes to the heap. ``drain(into:)``
/// empties a cache at once (when the page allocator runs dry).
///
/// ## Representation
///
/// Cached objects stay allocated as far as the heap knows; they are linked through their own
/// first eight bytes (every class is at least 16 bytes), so the cache itself is a few words per
/// class and never allocates. The next eight bytes hold a tag (the address mixed with
/// ``tagKey``): freeing an object that already carries its tag is a double free, which the
/// heap's own check cannot see for a cached object, and would otherwise hand the same block to
/// two owners.
public struct ObjectCache {
    /// The fraction of free memory (as its inverse) all caches together may hold.
    public static let freeMemoryShare = 64

    var heads: InlineArray<22, UInt> = .init(repeating: 0)
    var counts: InlineArray<22, Int> = .init(repeating: 0)
    var capacities: InlineArray<22, Int> = .init(repeating: 0)
    /// Bytes of the objects held (the heap counts them as in use).
    public private(set) var cachedBytes = 0

    public init() {}

    /// Mixed into the tags; the kernel sets a random value at boot so no program can forge one.
    nonisolated(unsafe) public static var tagKey: UInt = 0x9E37_79B9_7F4A_7C15

    @inline(__always) static func tag(_ object: UnsafeMutableRawPointer) -> UInt {
        UInt(bitPattern: object) ^ tagKey
    }

    /// The capacity rule above.
    public static func capacity(classIndex c: Int, freeBytes: Int, cpuCount: Int) -> Int {
        let share = max(cpuCount, 1) &* freeMemoryShare &* SizeClasses.count &* SizeClasses.size(at: c)
        return min(SizeClasses.objectsPerSlab(at: c), freeBytes / share)
    }

    public func count(classIndex c: Int) -> Int { counts[c] }
    public func capacity(classIndex c: Int) -> Int { capacities[c] }

    /// The fast path: a cached object of class `c`, or nil.
    public mutating func pop(classIndex c: Int) -> UnsafeMutableRawPointer? {
        guard let object = UnsafeMutableRawPointer(bitPattern: heads[c]) else { return nil }
        heads[c] = object.load(as: UInt.self)
        object.storeBytes(of: 0, toByteOffset: 8, as: UInt.self)
        counts[c] &-= 1
        cachedBytes &-= SizeClasses.size(at: c)
        return object
    }

    /// The fast path: keeps `object` (a live block of class `c`) when there is room; throws
    /// `.doubleFree` when it is in the cache already.
    public mutating func push(_ object: UnsafeMutableRawPointer, classIndex c: Int) throws(HeapError) -> Bool {
        guard object.load(fromByteOffset: 8, as: UInt.self) != Self.tag(object) else { throw .doubleFree }
        guard counts[c] < capacities[c] else { return false }
        object.storeBytes(of: Self.tag(object), toByteOffset: 8, as: UInt.self)
        object.storeBytes(of: heads[c], as: UInt.self)
        heads[c] = UInt(bitPattern: object)
        counts[c] &+= 1
        cachedBytes &+= SizeClasses.size(at: c)
        return true
    }

    /// The slow allocation path, with the heap's lock held: recomputes the class's capacity,
    /// takes up to half of it from the heap into the cache, and returns one object (nil when
    /// the heap is out of memory).
    public mutating func refill<Pages: PageSource>(
        classIndex c: Int, from heap: inout SlabHeap<Pages>, freeBytes: Int, cpuCount: Int
    ) -> UnsafeMutableRawPointer? {
        capacities[c] = Self.capacity(classIndex: c, freeBytes: freeBytes, cpuCount: cpuCount)
        trim(classIndex: c, to: capacities[c], into: &heap)
        guard let first = heap.allocateObject(classIndex: c) else { return nil }
        var batch = capacities[c] / 2 &- counts[c]
        while batch > 0, let more = heap.allocateObject(classIndex: c) {
            more.storeBytes(of: 0, toByteOffset: 8, as: UInt.self)  // fresh memory could hold a stale tag
            _ = try? push(more, classIndex: c)
            batch &-= 1
        }
        return first
    }

    /// The slow free path, with the heap's lock held: recomputes the capacity, gives half of
    /// it (or everything, when the capacity fell) back to the heap, and keeps `object` if
    /// there is room then, else frees it too.
    public mutating func flush<Pages: PageSource>(
        _ object: UnsafeMutableRawPointer, classIndex c: Int, into heap: inout SlabHeap<Pages>, freeBytes: Int,
        cpuCount: Int
    ) throws(HeapError) {
        capacities[c] = Self.capacity(classIndex: c, freeBytes: freeBytes, cpuCount: cpuCount)
        trim(classIndex: c, to: capacities[c] / 2, into: &heap)
        if try !push(object, classIndex: c) { try heap.free(object) }
    }

    /// Gives every cached object back to the heap (heap lock held) and sets the capacities to
    /// 0 until the next slow paths; returns the objects released.
    @discardableResult
    public mutating func drain<Pages: PageSource>(into heap: inout SlabHeap<Pages>) -> Int {
        var released = 0
        for c in 0..<SizeClasses.count {
            released &+= counts[c]
            capacities[c] = 0
            trim(classIndex: c, to: 0, into: &heap)
        }
        return released
    }

    mutating func trim<Pages: PageSource>(classIndex c: Int, to limit: Int, into heap: inout SlabHeap<Pages>) {
        while counts[c] > limit, let object = pop(classIndex: c) {
            // Cached objects are live blocks of this heap: freeing them cannot fail.
            try? heap.free(object)
        }
    }
}
