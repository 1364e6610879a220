import Testing
@testable import Memory

@Suite struct SlabHeapTests {
    @Test func smallBlocksComeFromSlabs() throws {
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        let p = try unwrap(heap.allocate(byteCount: 120))
        #expect(UInt(bitPattern: p) % 16 == 0)
        #expect(heap.usableSize(of: p) == 128)
        #expect(heap.bytesInUse == 128)
        #expect(heap.bytesInSlabs == 4096)
        #expect(heap.classStatistics(at: 7) == SizeClassStatistics(size: 128, objectsPerSlab: 31, slabs: 1, objectsInUse: 1))
        // The object is in the page the heap got, after the header.
        let page = UInt(bitPattern: p) & ~4095
        #expect(source.outstanding[page] == 1)
        #expect(UInt(bitPattern: p) - page >= 64)
        try heap.free(p)
        #expect(heap.bytesInUse == 0)
        // The class's only slab is kept empty for the next allocation…
        #expect(heap.slabCount == 1 && source.outstandingPages == 1)
        // …until the kernel asks for memory back.
        #expect(heap.releaseEmptySlabs() == 1)
        #expect(heap.slabCount == 0 && source.outstandingPages == 0)
        #expect(source.errors.isEmpty)
    }

    @Test func largeBlocksArePageRuns() throws {
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        let p = try unwrap(heap.allocate(byteCount: 10_000))
        #expect(heap.largeAllocationCount == 1)
        #expect(heap.largePageCount == 3)  // 64-byte header + 10000 bytes fit 3 pages
        #expect(heap.usableSize(of: p) == 3 * 4096 - 64)
        #expect(heap.bytesInUse == 3 * 4096 - 64)
        // Just over a slab class but still one page, header included.
        let q = try unwrap(heap.allocate(byteCount: 2017))
        #expect(heap.largePageCount == 4)
        try heap.free(p)
        try heap.free(q)
        #expect(heap.largeAllocationCount == 0 && heap.bytesInUse == 0)
        #expect(source.outstandingPages == 0)
        #expect(source.errors.isEmpty)
    }

    @Test(arguments: [1, 2, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384])
    func everyAlignmentIsHonoured(alignment: Int) throws {
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        var blocks: [(UnsafeMutableRawPointer, Int)] = []
        for size in [0, 1, 24, 100, 600, 1500, 2000, 3000, 4096, 5000, 20_000] {
            let p = try unwrap(heap.allocate(byteCount: size, alignment: alignment))
            #expect(UInt(bitPattern: p) % UInt(max(alignment, 16)) == 0, "size \(size)")
            #expect(heap.usableSize(of: p)! >= size)
            p.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: size), count: size)
            blocks.append((p, size))
        }
        for (p, size) in blocks {
            #expect(UnsafeRawBufferPointer(start: p, count: size).allSatisfy { $0 == UInt8(truncatingIfNeeded: size) })
            try heap.free(p)
        }
        heap.releaseEmptySlabs()
        #expect(source.outstandingPages == 0)
        #expect(source.errors.isEmpty)
    }

    @Test func badFreesAreDetected() throws {
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        let keep = try unwrap(heap.allocate(byteCount: 40))
        let p = try unwrap(heap.allocate(byteCount: 40))
        try heap.free(p)
        #expect(throws: HeapError.doubleFree) { try heap.free(p) }
        #expect(throws: HeapError.notAllocated) { try heap.free(keep + 16) }
        let large = try unwrap(heap.allocate(byteCount: 50_000, alignment: 4096))
        #expect(throws: HeapError.notAllocated) { try heap.free(large + 4096) }
        try heap.free(large)
        #expect(throws: HeapError.notAllocated) { try heap.free(large) }
        // Memory the heap never owned.
        let foreign = UnsafeMutableRawPointer.allocate(byteCount: 8192, alignment: 4096)
        defer { foreign.deallocate() }
        foreign.initializeMemory(as: UInt8.self, repeating: 0, count: 8192)
        #expect(throws: HeapError.notAllocated) { try heap.free(foreign + 4096 + 128) }
        #expect(heap.bytesInUse == 48)
        #expect(heap.classStatistics(at: 2).objectsInUse == 1)
        try heap.free(keep)
        #expect(source.errors.isEmpty)
    }

    @Test func invalidRequestsFail() {
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        #expect(heap.allocate(byteCount: 16, alignment: 0) == nil)
        #expect(heap.allocate(byteCount: 16, alignment: 24) == nil)
        #expect(heap.allocate(byteCount: -1) == nil)
        #expect(heap.allocate(byteCount: Int.max) == nil)
        #expect(heap.allocate(byteCount: 16, alignment: 1 << 62) == nil)
        #expect(source.outstandingPages == 0)
    }

    @Test func zeroBytesGivesDistinctBlocks() throws {
        var heap = SlabHeap(pages: HostPageSource())
        let a = try unwrap(heap.allocate(byteCount: 0))
        let b = try unwrap(heap.allocate(byteCount: 0))
        #expect(a != b)
        try heap.free(a)
        try heap.free(b)
    }

    @Test func emptySlabsAreReturnedWithHysteresis() throws {
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        let perSlab = SizeClasses.objectsPerSlab(at: 0)
        var blocks: [UnsafeMutableRawPointer] = []
        for _ in 0..<(3 * perSlab) { blocks.append(try unwrap(heap.allocate(byteCount: 16))) }
        #expect(heap.classStatistics(at: 0).slabs == 3)
        for p in blocks { try heap.free(p) }
        // One empty slab stays; the other two went back.
        #expect(heap.classStatistics(at: 0).slabs == 1)
        #expect(source.outstandingPages == 1)
        // Allocating and freeing around the boundary does not touch the page source.
        let before = source.allocationCount
        for _ in 0..<100 {
            let p = try unwrap(heap.allocate(byteCount: 16))
            try heap.free(p)
        }
        #expect(source.allocationCount == before)
        #expect(source.outstandingPages == 1)
        #expect(source.errors.isEmpty)
    }

    @Test func partlyUsedSlabsAreFilledBeforeTheEmptyOne() throws {
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        let perSlab = SizeClasses.objectsPerSlab(at: 3)
        var first: [UnsafeMutableRawPointer] = []
        var second: [UnsafeMutableRawPointer] = []
        for _ in 0..<perSlab { first.append(try unwrap(heap.allocate(byteCount: 64))) }
        for _ in 0..<perSlab { second.append(try unwrap(heap.allocate(byteCount: 64))) }
        // Empty the second slab (kept: the first has no free room) and make room in the first.
        for p in second { try heap.free(p) }
        try heap.free(first[0])
        #expect(heap.classStatistics(at: 3).slabs == 2)
        let p = try unwrap(heap.allocate(byteCount: 64))
        #expect(p == first[0])
        for q in first.dropFirst() { try heap.free(q) }
        try heap.free(p)
        // Now the class has two empty slabs' worth of room: only one slab stays.
        #expect(heap.classStatistics(at: 3).slabs == 1)
    }

    @Test func outOfMemoryIsNil() throws {
        let source = HostPageSource(pageLimit: 2)
        var heap = SlabHeap(pages: source)
        #expect(heap.allocate(byteCount: 9000) == nil)
        let a = try unwrap(heap.allocate(byteCount: 5000))
        #expect(heap.allocate(byteCount: 16) == nil)
        try heap.free(a)
        #expect(heap.allocate(byteCount: 16) != nil)
        #expect(heap.bytesInUse == 16)
    }
}
