import Testing
@testable import Memory

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
            #expect(cache.capacity(in: buddy) == 128)
            guard case .frame(let first) = cache.allocate(from: &buddy) else {
                Issue.record("no frame")
                return
            }
            // One refill of half the capacity, minus the frame handed out.
            #expect(cache.count == 63)
            #expect(buddy.cachedFrames == 63)
            #expect(buddy.freeFrames == 4096 - 64)
            #expect(buddy.state(of: first) == .allocated(order: 0))
            try cache.free(frame: first, to: &buddy)
            #expect(cache.count == 64)
            #expect(buddy.state(of: first) == .cached)
            // A double free into the cache, or into the buddy allocator, is caught.
            #expect(throws: FrameError.alreadyCached) { try cache.free(frame: first, to: &buddy) }
            #expect(throws: FrameError.alreadyCached) { try buddy.free(frame: first, order: 0) }
            #expect(cache.count == 64)

            // Freeing past the capacity drains down to half of it.
            var more: [UInt64] = []
            for _ in 0..<100 { more.append(try unwrap(buddy.allocate(order: 0))) }
            for f in more { try cache.free(frame: f, to: &buddy) }
            #expect(cache.count <= cache.capacity(in: buddy))
            #expect(buddy.cachedFrames == cache.count)
            cache.drain(into: &buddy)
            #expect(cache.count == 0 && buddy.cachedFrames == 0)
            #expect(buddy.freeFrames == 4096)
            #expect(buddy.freeBlockCounts == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4])
            #expect(buddy.integrityViolation() == nil)
        }
    }

    @Test func lowMemoryBypassesTheCache() throws {
        try withBuddy(firstFrame: 0, frameCount: 40) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 40)
            var cache = PerCPUPageCache(cpuCount: 4)
            #expect(cache.capacity(in: buddy) == 0)
            var frames: [UInt64] = []
            while case .frame(let f) = cache.allocate(from: &buddy) {
                frames.append(f)
                #expect(cache.count == 0)
            }
            #expect(frames.count == 40)
            #expect(cache.allocate(from: &buddy) == .outOfMemory)
            for f in frames { try cache.free(frame: f, to: &buddy) }
            #expect(cache.count == 0)
            #expect(buddy.freeFrames == 40)
        }
    }

    @Test func shrinkingMemoryEmptiesTheCache() throws {
        try withBuddy(firstFrame: 0, frameCount: 2048) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 2048)
            var cache = PerCPUPageCache(cpuCount: 1)
            guard case .frame(let f) = cache.allocate(from: &buddy) else { return }
            #expect(cache.count > 0)
            // Someone else takes nearly all the rest: the capacity falls to 0 and the cache gives
            // its frames back on its next operation.
            var taken: [UInt64] = []
            while buddy.freeFrames > 10, let g = buddy.allocate(order: 0) { taken.append(g) }
            #expect(cache.capacity(in: buddy) == 0)
            try cache.free(frame: f, to: &buddy)
            #expect(cache.count == 0)
            #expect(buddy.cachedFrames == 0)
        }
    }

    @Test func framesInOtherCachesAreDrainedBeforeFailing() throws {
        try withBuddy(firstFrame: 0, frameCount: 2048) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 2048)
            var caches = [PerCPUPageCache(cpuCount: 2), PerCPUPageCache(cpuCount: 2)]
            guard case .frame(let own) = caches[0].allocate(from: &buddy) else { return }
            let parked = caches[0].count
            #expect(parked > 0)
            var taken: [UInt64] = [own]
            while let g = buddy.allocate(order: 0) { taken.append(g) }
            #expect(taken.count + parked == 2048)
            // CPU 1 finds nothing, but CPU 0 still has frames: the answer is "drain", not "fail".
            #expect(caches[1].allocate(from: &buddy) == .drainNeeded)
            #expect(caches[0].count == parked)
            let rescued = caches.withUnsafeMutableBufferPointer { all in
                PerCPUPageCache.allocate(order: 0, cpu: 1, caches: all, buddy: &buddy)
            }
            #expect(rescued != nil)
            #expect(caches[0].count == 0)
            taken.append(try unwrap(rescued))
            // The drained frames went back to the buddy allocator; CPU 1 gets them all, then
            // nothing, even with draining.
            #expect(buddy.freeFrames + buddy.cachedFrames == parked - 1)
            while true {
                let next = caches.withUnsafeMutableBufferPointer { all in
                    PerCPUPageCache.allocate(order: 0, cpu: 1, caches: all, buddy: &buddy)
                }
                guard let next else { break }
                taken.append(next)
            }
            #expect(taken.count == 2048)
            #expect(Set(taken).count == 2048)
            #expect(caches[0].allocate(from: &buddy) == .outOfMemory)
        }
    }

    @Test func higherOrdersDrainCachesToCoalesce() throws {
        try withBuddy(firstFrame: 0, frameCount: 1024) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 1024)
            var caches = [PerCPUPageCache(cpuCount: 1)]
            guard case .frame(let f) = caches[0].allocate(from: &buddy) else { return }
            try caches[0].free(frame: f, to: &buddy)
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
                // Phases of allocation pressure and release, to sweep the capacity up and down.
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
                    try caches[cpu].free(frame: frame, to: &buddy)
                    if Int.random(in: 0..<8, using: &rng) == 0 {
                        #expect(throws: FrameError.self) { try caches[cpu].free(frame: frame, to: &buddy) }
                    }
                }
                #expect(caches[cpu].count <= caches[cpu].capacity(in: buddy), "step \(step)")
                #expect(buddy.cachedFrames == caches.reduce(0) { $0 + $1.count })
                #expect(buddy.freeFrames + buddy.cachedFrames + live.count == total)
            }
            #expect(exhausted > 0)
            for f in live { try caches[0].free(frame: f, to: &buddy) }
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
