import Testing
@testable import Memory

/// The per-CPU object caches in front of the slab heap: what they keep, how their size follows
/// free memory, and that blocks stay unique and accounted for under random use by several CPUs.
@Suite struct ObjectCacheTests {
    static let plenty = 256 << 20

    @Test func capacityFollowsFreeMemoryAndStaysWithinASlab() {
        let c16 = SizeClasses.index(byteCount: 16, alignment: 16)!
        let c2016 = SizeClasses.count - 1
        // Plenty of memory: a slab's worth per class.
        #expect(ObjectCache.capacity(classIndex: c16, freeBytes: Self.plenty, cpuCount: 2) == SizeClasses.objectsPerSlab(at: c16))
        // A 3 MiB machine with 1 MiB free: small classes keep a few dozen, the largest none.
        let small = ObjectCache.capacity(classIndex: c16, freeBytes: 1 << 20, cpuCount: 1)
        #expect(small > 10 && small < SizeClasses.objectsPerSlab(at: c16))
        #expect(ObjectCache.capacity(classIndex: c2016, freeBytes: 1 << 20, cpuCount: 1) == 0)
        // More CPUs share the same budget.
        #expect(ObjectCache.capacity(classIndex: c16, freeBytes: 1 << 20, cpuCount: 4) < small)
        #expect(ObjectCache.capacity(classIndex: c16, freeBytes: 0, cpuCount: 1) == 0)
    }

    @Test func freedObjectsComeBackFromTheCacheWithoutTheHeap() throws {
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        var cache = ObjectCache()
        let c = SizeClasses.index(byteCount: 64, alignment: 16)!
        // Empty cache: the slow path fills it with half a slab's worth and returns one.
        let refilled = cache.refill(classIndex: c, from: &heap, freeBytes: Self.plenty, cpuCount: 1)
        let first = try #require(refilled)
        let capacity = SizeClasses.objectsPerSlab(at: c)
        #expect(cache.capacity(classIndex: c) == capacity)
        #expect(cache.count(classIndex: c) == capacity / 2)
        let inHeap = heap.bytesInUse
        // Pops and pushes touch only the cache.
        let popped = cache.pop(classIndex: c)
        let second = try #require(popped)
        #expect(second != first)
        #expect(try cache.push(second, classIndex: c))
        #expect(try cache.push(first, classIndex: c))
        #expect(heap.bytesInUse == inHeap)
        #expect(cache.cachedBytes == cache.count(classIndex: c) * 64)
        // A second free of a cached object is caught.
        #expect(throws: HeapError.doubleFree) { try cache.push(first, classIndex: c) }
        // Draining gives everything back: the heap holds no objects and no slab stays in use.
        #expect(cache.drain(into: &heap) > 0)
        #expect(heap.bytesInUse == 0 && cache.cachedBytes == 0)
        heap.releaseEmptySlabs()
        #expect(source.outstandingPages == 0)
    }

    @Test func aFullCacheFlushesHalfAndLowMemoryEmptiesIt() throws {
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        var cache = ObjectCache()
        let c = SizeClasses.index(byteCount: 256, alignment: 16)!
        let capacity = SizeClasses.objectsPerSlab(at: c)
        var blocks: [UnsafeMutableRawPointer] = []
        for _ in 0..<(3 * capacity) { blocks.append(heap.allocate(byteCount: 256)!) }
        let refilled = cache.refill(classIndex: c, from: &heap, freeBytes: Self.plenty, cpuCount: 1)
        blocks.append(try #require(refilled))
        var flushes = 0
        for b in blocks {
            if try !cache.push(b, classIndex: c) {
                try cache.flush(b, classIndex: c, into: &heap, freeBytes: Self.plenty, cpuCount: 1)
                flushes += 1
                #expect(cache.count(classIndex: c) <= capacity / 2 + 1)
            }
            #expect(cache.count(classIndex: c) <= capacity)
        }
        #expect(flushes > 0)
        // Memory runs short: the next slow path gives the whole class back.
        let allocated = heap.allocate(byteCount: 256)
        let extra = try #require(allocated)
        try cache.flush(extra, classIndex: c, into: &heap, freeBytes: 4096, cpuCount: 1)
        #expect(cache.count(classIndex: c) == 0 && cache.capacity(classIndex: c) == 0)
        #expect(heap.bytesInUse == cache.cachedBytes)
    }

    /// Two CPUs' caches and the heap, driven at random: no block is handed out twice, every
    /// block keeps its bytes, and after draining the heap is empty.
    @Test(arguments: [UInt64(1), 2, 3])
    func randomUseByTwoCPUsAgainstAModel(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        var caches = [ObjectCache(), ObjectCache()]
        var live: [(UnsafeMutableRawPointer, Int, UInt8)] = []
        var addresses = Set<UInt>()
        for step in 0..<20_000 {
            let cpu = Int(rng.next() % 2)
            let freeBytes = step % 5000 < 4000 ? Self.plenty : 64 << 10  // pressure now and then
            if live.isEmpty || rng.next() % 100 < 55 {
                let size = Int(rng.next() % 700) + 1
                let c = SizeClasses.index(byteCount: size, alignment: 16)!
                let p: UnsafeMutableRawPointer
                if let cached = caches[cpu].pop(classIndex: c) {
                    p = cached
                } else {
                    let refilled = caches[cpu].refill(classIndex: c, from: &heap, freeBytes: freeBytes, cpuCount: 2)
                    p = try #require(refilled)
                }
                #expect(addresses.insert(UInt(bitPattern: p)).inserted, "block handed out twice")
                let fill = UInt8(truncatingIfNeeded: step)
                p.initializeMemory(as: UInt8.self, repeating: fill, count: size)
                live.append((p, size, fill))
            } else {
                let i = Int(rng.next() % UInt64(live.count))
                let (p, size, fill) = live.swapRemoveAt(i)
                let intact = (0..<size).allSatisfy { p.load(fromByteOffset: $0, as: UInt8.self) == fill }
                #expect(intact, "a live block was overwritten")
                addresses.remove(UInt(bitPattern: p))
                let c = try #require(try SlabHeap<HostPageSource>.classIndex(of: p))
                if try !caches[cpu].push(p, classIndex: c) {
                    try caches[cpu].flush(p, classIndex: c, into: &heap, freeBytes: freeBytes, cpuCount: 2)
                }
            }
        }
        for (p, _, _) in live { try heap.free(p) }
        for i in caches.indices { caches[i].drain(into: &heap) }
        #expect(heap.bytesInUse == 0)
        #expect(heap.integrityViolation() == nil)
        heap.releaseEmptySlabs()
        #expect(source.outstandingPages == 0)
    }
}

extension Array {
    mutating func swapRemoveAt(_ i: Int) -> Element {
        swapAt(i, count - 1)
        return removeLast()
    }
}
