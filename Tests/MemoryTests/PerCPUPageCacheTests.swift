import Testing
@testable import Memory

/// One CPU's page allocation as the kernel does it: the fast path, then the locked slow path.
func allocateFrame(_ cache: inout PerCPUPageCache, _ buddy: inout BuddyAllocator) -> UInt64? {
    cache.allocate(in: buddy.table) ?? cache.refill(from: &buddy)
}

/// One CPU's page free as the kernel does it: the fast path, then the locked slow path.
func freeFrame(_ frame: UInt64, _ cache: inout PerCPUPageCache, _ buddy: inout BuddyAllocator) throws(FrameError) {
    if try !cache.free(frame: frame, in: buddy.table) { try cache.free(frame: frame, to: &buddy) }
}

@Suite struct PerCPUPageCacheTests {
    @Test func capacityFollowsFreeMemory() {
        // 1/16 of free memory shared by all CPUs, at most one maximal block each.
        #expect(PerCPUPageCache.capacity(freeFrames: 0, cpuCount: 4) == 0)
        #expect(PerCPUPageCache.capacity(freeFrames: 63, cpuCount: 4) == 0)
        #expect(PerCPUPageCache.capacity(freeFrames: 64, cpuCount: 4) == 1)
        #expect(PerCPUPageCache.capacity(freeFrames: 16 * 4 * 100, cpuCount: 4) == 100)
        #expect(PerCPUPageCache.capacity(freeFrames: 1 << 30, cpuCount: 4) == 1024)
        #expect(PerCPUPageCache.capacity(freeFrames: 16 * 100, cpuCount: 0) == 100)
    }

    @Test func refillsAndDrainsInBatches() throws {
        try withBuddy(firstFrame: 0, frameCount: 4096) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 4096)
            var cache = PerCPUPageCache(cpuCount: 2)
            // A new cache is empty and unsized: the fast path declines.
            #expect(cache.allocate(in: buddy.table) == nil)
            let first = try unwrap(cache.refill(from: &buddy))
            #expect(cache.capacity == 128)
            // One batch of half the capacity, minus the frame handed out.
            #expect(cache.count == 63)
            #expect(buddy.freeFrames == 4096 - 64)
            #expect(buddy.state(of: first) == .allocated(order: 0))
            #expect(try cache.free(frame: first, in: buddy.table))
            #expect(cache.count == 64)
            #expect(buddy.state(of: first) == .cached)
            // A double free into the cache, or into the buddy allocator, is caught.
            #expect(throws: FrameError.alreadyCached) { try cache.free(frame: first, in: buddy.table) }
            #expect(throws: FrameError.alreadyCached) { try cache.free(frame: first, to: &buddy) }
            #expect(throws: FrameError.alreadyCached) { try buddy.free(frame: first, order: 0) }
            #expect(cache.count == 64)
            #expect(buddy.integrityViolation(cachedFrames: 64) == nil)

            // The fast path fills the cache up to its capacity, then the slow path drains half.
            var more: [UInt64] = []
            for _ in 0..<100 { more.append(try unwrap(buddy.allocate(order: 0))) }
            var slow = 0
            for f in more where try !cache.free(frame: f, in: buddy.table) {
                #expect(cache.count == cache.capacity)
                try cache.free(frame: f, to: &buddy)
                slow += 1
            }
            #expect(slow == 1)
            #expect(cache.count <= cache.capacity)
            #expect(buddy.integrityViolation(cachedFrames: cache.count) == nil)
            cache.drain(into: &buddy)
            #expect(cache.count == 0)
            #expect(buddy.freeFrames == 4096)
            #expect(buddy.freeBlockCounts == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4])
            #expect(buddy.integrityViolation() == nil)
        }
    }

    @Test func fastPathRejectsBadFrames() throws {
        try withBuddy(firstFrame: 0, frameCount: 64) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 32)
            var cache = PerCPUPageCache(cpuCount: 1)
            let block = try unwrap(buddy.allocate(order: 1))
            #expect(throws: FrameError.wrongOrder(allocated: 1)) { try cache.free(frame: block, in: buddy.table) }
            #expect(throws: FrameError.notAllocated) { try cache.free(frame: block + 1, in: buddy.table) }
            #expect(throws: FrameError.notAllocated) { try cache.free(frame: 40, in: buddy.table) }
            #expect(throws: FrameError.outOfRange) { try cache.free(frame: 64, in: buddy.table) }
            #expect(throws: FrameError.alreadyFree) { try cache.free(frame: 16, to: &buddy) }
            #expect(cache.count == 0)
        }
    }

    @Test func lowMemoryBypassesTheCache() throws {
        try withBuddy(firstFrame: 0, frameCount: 40) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 40)
            var cache = PerCPUPageCache(cpuCount: 4)
            var frames: [UInt64] = []
            while let f = allocateFrame(&cache, &buddy) {
                frames.append(f)
                #expect(cache.count == 0 && cache.capacity == 0)
            }
            #expect(frames.count == 40)
            for f in frames { try freeFrame(f, &cache, &buddy) }
            #expect(cache.count == 0)
            #expect(buddy.freeFrames == 40)
        }
    }

    @Test func shrinkingMemoryEmptiesTheCache() throws {
        try withBuddy(firstFrame: 0, frameCount: 2048) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 2048)
            var cache = PerCPUPageCache(cpuCount: 1)
            let f = try unwrap(allocateFrame(&cache, &buddy))
            #expect(cache.count > 0)
            // Someone else takes nearly all the rest: the capacity falls to 0 and the cache gives
            // its frames back on its next slow path.
            var taken: [UInt64] = []
            while buddy.freeFrames > 10, let g = buddy.allocate(order: 0) { taken.append(g) }
            cache.trim(into: &buddy)
            #expect(cache.capacity == 0 && cache.count == 0)
            // The drained frames are free again; let them be taken too.
            while buddy.freeFrames > 10, let g = buddy.allocate(order: 0) { taken.append(g) }
            #expect(try !cache.free(frame: f, in: buddy.table))
            try cache.free(frame: f, to: &buddy)
            #expect(cache.count == 0)
            #expect(buddy.state(of: f) != .cached)
            #expect(buddy.integrityViolation() == nil)
        }
    }

    @Test func framesInOtherCachesAreDrainedBeforeFailing() throws {
        try withBuddy(firstFrame: 0, frameCount: 2048) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 2048)
            var caches = [PerCPUPageCache(cpuCount: 2), PerCPUPageCache(cpuCount: 2)]
            let own = try unwrap(allocateFrame(&caches[0], &buddy))
            let parked = caches[0].count
            #expect(parked > 0)
            var taken: [UInt64] = [own]
            while let g = buddy.allocate(order: 0) { taken.append(g) }
            #expect(taken.count + parked == 2048)
            // CPU 1 finds nothing on its own: the buddy allocator is empty.
            #expect(allocateFrame(&caches[1], &buddy) == nil)
            #expect(caches[0].count == parked)
            // With every cache in reach, CPU 0's parked frames are drained and used.
            while true {
                let next = caches.withUnsafeMutableBufferPointer { all in
                    PerCPUPageCache.allocate(order: 0, cpu: 1, caches: all, buddy: &buddy)
                }
                guard let next else { break }
                taken.append(next)
            }
            #expect(caches[0].count == 0 && caches[1].count == 0)
            #expect(taken.count == 2048)
            #expect(Set(taken).count == 2048)
        }
    }

    @Test func higherOrdersDrainCachesToCoalesce() throws {
        try withBuddy(firstFrame: 0, frameCount: 1024) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 1024)
            var caches = [PerCPUPageCache(cpuCount: 1)]
            let f = try unwrap(allocateFrame(&caches[0], &buddy))
            try freeFrame(f, &caches[0], &buddy)
            #expect(buddy.allocate(order: 10) == nil)
            let block = caches.withUnsafeMutableBufferPointer { all in
                PerCPUPageCache.allocate(order: 10, cpu: 0, caches: all, buddy: &buddy)
            }
            #expect(block == 0)
        }
    }

    @Test(arguments: [21, 22, 23, 24] as [UInt64])
    func randomTrafficKeepsTheBooksBalanced(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let total = 3000
        try withBuddy(firstFrame: 5, frameCount: total) { buddy in
            try buddy.addFreeRange(firstFrame: 5, count: total)
            let cpus = 3
            var caches = [PerCPUPageCache](repeating: PerCPUPageCache(cpuCount: cpus), count: cpus)
            var live: [UInt64] = []
            var liveSet = Set<UInt64>()
            var exhausted = 0
            for step in 0..<20_000 {
                let cpu = Int.random(in: 0..<cpus, using: &rng)
                // Allocation phases run memory out completely, so caches must shrink and drain.
                let allocating = Int.random(in: 0..<10, using: &rng) < ((step / 4000) % 2 == 0 ? 9 : 1)
                if allocating || live.isEmpty {
                    let frame = caches.withUnsafeMutableBufferPointer { all in
                        PerCPUPageCache.allocate(order: 0, cpu: cpu, caches: all, buddy: &buddy)
                    }
                    if let frame {
                        #expect(!liveSet.contains(frame), "step \(step): \(frame) handed out twice")
                        #expect(buddy.state(of: frame) == .allocated(order: 0))
                        live.append(frame)
                        liveSet.insert(frame)
                    } else {
                        #expect(live.count == total, "step \(step): failed with \(total - live.count) frames unused")
                        exhausted += 1
                    }
                } else {
                    let frame = live.swapAt(Int.random(in: 0..<live.count, using: &rng))
                    liveSet.remove(frame)
                    try freeFrame(frame, &caches[cpu], &buddy)
                    if Int.random(in: 0..<8, using: &rng) == 0 {
                        #expect(throws: FrameError.self) { try freeFrame(frame, &caches[cpu], &buddy) }
                    }
                }
                #expect(caches[cpu].count <= caches[cpu].capacity, "step \(step)")
                let cached = caches.reduce(0) { $0 + $1.count }
                #expect(buddy.freeFrames + cached + live.count == total)
                if step % 1000 == 0 {
                    #expect(buddy.integrityViolation(cachedFrames: cached) == nil, "step \(step)")
                }
            }
            #expect(exhausted > 0)
            for f in live { try freeFrame(f, &caches[0], &buddy) }
            for i in caches.indices { caches[i].drain(into: &buddy) }
            #expect(buddy.freeFrames == total)
            #expect(buddy.freeBlockCounts == maximalBlockCounts([(5, total)]))
            #expect(buddy.integrityViolation() == nil)
        }
    }
}

extension Array {
    /// Removes and returns element `i` in O(1) by moving the last element into its place.
    mutating func swapAt(_ i: Int) -> Element {
        swapAt(i, count - 1)
        return removeLast()
    }
}
