import Testing
@testable import Memory

extension SlabHeap {
    /// A description of the first broken invariant of the partial lists, or nil.
    func integrityViolation() -> String? {
        var totalSlabs = 0
        for c in 0..<SizeClasses.count {
            let capacity = SizeClasses.objectsPerSlab(at: c)
            var previous: SlabPage? = nil
            var slab = classes[c].partialHead
            var empties = 0
            var partialInUse = 0
            var listed = 0
            while let s = slab {
                guard s.magic == SlabPage.magic, s.classIndex == c else { return "class \(c): bad slab header" }
                guard s.prev?.address == previous?.address else { return "class \(c): bad prev link" }
                guard s.inUse < capacity else { return "class \(c): full slab on the partial list" }
                if s.inUse == 0 { empties += 1 } else if empties > 0 { return "class \(c): used slab after an empty one" }
                var bits = 0
                for w in 0..<4 { bits += s.bitmapWord(w).nonzeroBitCount }
                guard bits == s.inUse else { return "class \(c): bitmap has \(bits) bits, inUse \(s.inUse)" }
                partialInUse += s.inUse
                listed += 1
                previous = s
                slab = s.next
            }
            guard classes[c].partialTail?.address == previous?.address else { return "class \(c): bad tail" }
            guard empties <= 1 else { return "class \(c): \(empties) empty slabs kept" }
            let full = classes[c].slabs - listed
            guard full >= 0, classes[c].objectsInUse == partialInUse + full * capacity else {
                return "class \(c): \(classes[c].objectsInUse) in use, lists say \(partialInUse) + \(full) full slabs"
            }
            totalSlabs += classes[c].slabs
        }
        guard totalSlabs == slabCount else { return "slabCount \(slabCount), classes hold \(totalSlabs)" }
        return nil
    }
}

/// Random malloc/free traffic with content and alignment checks.
@Suite struct SlabHeapRandomTests {
    struct Block {
        var pointer: UnsafeMutableRawPointer
        var size: Int
        var alignment: Int
        var seed: UInt8
    }

    static func fill(_ b: Block) {
        let bytes = b.pointer.assumingMemoryBound(to: UInt8.self)
        for i in 0..<b.size { bytes[i] = b.seed &+ UInt8(truncatingIfNeeded: i &* 31) }
    }

    static func isIntact(_ b: Block) -> Bool {
        let bytes = b.pointer.assumingMemoryBound(to: UInt8.self)
        for i in 0..<b.size where bytes[i] != b.seed &+ UInt8(truncatingIfNeeded: i &* 31) { return false }
        return true
    }

    static func randomRequest(_ rng: inout SplitMix64) -> (size: Int, alignment: Int) {
        let roll = Int.random(in: 0..<100, using: &rng)
        let size: Int
        switch roll {
        case 0..<65: size = Int.random(in: 0...256, using: &rng)
        case 65..<90: size = Int.random(in: 257...2016, using: &rng)
        default: size = Int.random(in: 2017...40_000, using: &rng)
        }
        let alignment = Int.random(in: 0..<5, using: &rng) == 0 ? 1 << Int.random(in: 0...13, using: &rng) : 16
        return (size, alignment)
    }

    @Test(arguments: [31, 32, 33, 34, 35, 36] as [UInt64])
    func randomTrafficKeepsContents(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let source = HostPageSource()
        var heap = SlabHeap(pages: source)
        var live: [Block] = []
        var expectedInUse = 0
        for step in 0..<8000 {
            // Alternate growth and shrink phases so slabs fill up, empty and get released.
            let growing = (step / 1000) % 2 == 0
            if live.isEmpty || Int.random(in: 0..<10, using: &rng) < (growing ? 7 : 3) {
                let (size, alignment) = Self.randomRequest(&rng)
                let p = try unwrap(heap.allocate(byteCount: size, alignment: alignment))
                #expect(UInt(bitPattern: p) % UInt(max(alignment, 16)) == 0, "step \(step): misaligned")
                let usable = try #require(heap.usableSize(of: p))
                #expect(usable >= size)
                let block = Block(pointer: p, size: size, alignment: alignment, seed: UInt8(truncatingIfNeeded: step))
                Self.fill(block)
                live.append(block)
                expectedInUse += usable
            } else {
                let block = live.swapAt(Int.random(in: 0..<live.count, using: &rng))
                #expect(Self.isIntact(block), "step \(step): block of \(block.size) overwritten")
                expectedInUse -= heap.usableSize(of: block.pointer) ?? 0
                try heap.free(block.pointer)
            }
            #expect(heap.bytesInUse == expectedInUse, "step \(step)")
            if step % 400 == 0 {
                #expect(heap.integrityViolation() == nil, "step \(step)")
                // No two live blocks overlap.
                let sorted = live.sorted { UInt(bitPattern: $0.pointer) < UInt(bitPattern: $1.pointer) }
                for (a, b) in zip(sorted, sorted.dropFirst()) {
                    #expect(UInt(bitPattern: a.pointer) + UInt(max(a.size, 1)) <= UInt(bitPattern: b.pointer))
                }
            }
        }
        for block in live {
            #expect(Self.isIntact(block))
            try heap.free(block.pointer)
        }
        #expect(heap.bytesInUse == 0)
        #expect(heap.largeAllocationCount == 0 && heap.largePageCount == 0)
        #expect(heap.integrityViolation() == nil)
        // At most one empty slab per class was kept; releasing them returns every page.
        #expect(heap.slabCount <= SizeClasses.count)
        heap.releaseEmptySlabs()
        #expect(heap.slabCount == 0)
        #expect(source.outstandingPages == 0)
        #expect(source.errors.isEmpty)
    }

    /// The heap on top of the buddy allocator, as in the kernel: pages are frames of a host
    /// arena, runs come from `allocate(pages:)`.
    @Test func runsOnTheBuddyAllocator() throws {
        let frames = 2048
        let arena = UnsafeMutableRawPointer.allocate(byteCount: frames * Page.size, alignment: Page.size)
        defer { arena.deallocate() }
        try withBuddy(firstFrame: 0, frameCount: frames) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: frames)
            try withUnsafeMutablePointer(to: &buddy) { buddy in
                var heap = SlabHeap(pages: ArenaPages(arena: arena, buddy: buddy))
                var rng = SplitMix64(seed: 99)
                var live: [Block] = []
                for step in 0..<5000 {
                    if live.isEmpty || Int.random(in: 0..<10, using: &rng) < 6 {
                        let (size, alignment) = Self.randomRequest(&rng)
                        guard let p = heap.allocate(byteCount: size, alignment: alignment) else {
                            // Out of arena: the buddy allocator must really be (nearly) full.
                            #expect(buddy.pointee.freeFrames < 40, "step \(step)")
                            continue
                        }
                        let block = Block(pointer: p, size: size, alignment: alignment, seed: UInt8(truncatingIfNeeded: step))
                        Self.fill(block)
                        live.append(block)
                    } else {
                        let block = live.swapAt(Int.random(in: 0..<live.count, using: &rng))
                        #expect(Self.isIntact(block), "step \(step)")
                        try heap.free(block.pointer)
                    }
                }
                for block in live { try heap.free(block.pointer) }
                heap.releaseEmptySlabs()
                #expect(buddy.pointee.freeFrames == frames)
                #expect(buddy.pointee.freeBlockCounts == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])
            }
        }
    }
}

/// Pages from a buddy allocator over a host arena: frame n is `arena + n × 4096`.
struct ArenaPages: PageSource {
    var arena: UnsafeMutableRawPointer
    var buddy: UnsafeMutablePointer<BuddyAllocator>

    mutating func allocatePages(count: Int) -> UnsafeMutableRawPointer? {
        guard let frame = buddy.pointee.allocate(pages: count) else { return nil }
        return arena + Int(frame) * Page.size
    }

    mutating func freePages(_ start: UnsafeMutableRawPointer, count: Int) {
        let frame = UInt64((start - arena) / Page.size)
        do { try buddy.pointee.free(frame: frame, pages: count) } catch { Issue.record("freePages: \(error)") }
    }
}
