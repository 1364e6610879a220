import Testing
@testable import Memory

/// Random allocate/free sequences checked against a frame-by-frame model.
@Suite struct BuddyAllocatorRandomTests {
    enum ModelFrame: Equatable { case unmanaged, free, allocated }

    /// Managed ranges with holes, some of them adjacent, inside `first ..< first + count`.
    static func randomRanges(first: UInt64, count: Int, rng: inout SplitMix64) -> [(first: UInt64, count: Int)] {
        var ranges: [(first: UInt64, count: Int)] = []
        var f = first + UInt64.random(in: 0..<5, using: &rng)
        let end = first + UInt64(count)
        while f < end {
            let length = Int.random(in: 1...1500, using: &rng)
            let clipped = min(length, Int(end - f))
            ranges.append((f, clipped))
            f += UInt64(clipped)
            // A third of the ranges touch the next one: they must still merge.
            if Int.random(in: 0..<3, using: &rng) > 0 { f += UInt64.random(in: 1...300, using: &rng) }
        }
        return ranges.shuffled(using: &rng)
    }

    /// Whether the model has a free, aligned block of `order` frames.
    static func modelHasFreeBlock(_ model: [ModelFrame], first: UInt64, order: Int) -> Bool {
        let size = 1 << order
        var frame = (first + UInt64(size) - 1) / UInt64(size) * UInt64(size)
        while frame + UInt64(size) <= first + UInt64(model.count) {
            let i = Int(frame - first)
            if model[i..<(i + size)].allSatisfy({ $0 == .free }) { return true }
            frame += UInt64(size)
        }
        return false
    }

    struct Allocation {
        var frame: UInt64
        var order: Int  // for blocks
        var pages: Int?  // for runs
        var count: Int { pages ?? (1 << order) }

        /// The buddy blocks the allocation consists of: one, or one per set bit of a run.
        var blocks: [(frame: UInt64, order: Int)] {
            guard let pages else { return [(frame, order)] }
            var result: [(frame: UInt64, order: Int)] = []
            var offset = 0
            while offset < pages {
                let order = Int.bitWidth - 1 - (pages - offset).leadingZeroBitCount
                result.append((frame + UInt64(offset), order))
                offset += 1 << order
            }
            return result
        }
    }

    /// Whether freeing (`frame`, `order`) is legitimate: it is one of the live blocks.
    static func isLiveBlock(_ live: [Allocation], frame: UInt64, order: Int) -> Bool {
        live.contains { $0.blocks.contains { $0.frame == frame && $0.order == order } }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomOperationsMatchModel(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let first = UInt64.random(in: 0..<3000, using: &rng)
        let count = 6000
        try withBuddy(firstFrame: first, frameCount: count) { buddy in
            let ranges = Self.randomRanges(first: first, count: count, rng: &rng)
            var model = [ModelFrame](repeating: .unmanaged, count: count)
            for r in ranges {
                try buddy.addFreeRange(firstFrame: r.first, count: r.count)
                for f in r.first..<(r.first + UInt64(r.count)) { model[Int(f - first)] = .free }
            }
            let managed = model.filter { $0 == .free }.count
            var modelFree = managed
            #expect(buddy.totalFrames == managed)
            #expect(buddy.freeBlockCounts == maximalBlockCounts(ranges))

            var live: [Allocation] = []
            var freed: [Allocation] = []
            for step in 0..<6000 {
                let roll = Int.random(in: 0..<100, using: &rng)
                if roll < 50 || live.isEmpty {
                    // Allocate: mostly small orders, sometimes huge pages, sometimes runs.
                    let useRun = roll % 5 == 0
                    let order = roll < 45 ? Int.random(in: 0...3, using: &rng) : Int.random(in: 0...10, using: &rng)
                    let pages = Int.random(in: 1...40, using: &rng)
                    let result = useRun ? buddy.allocate(pages: pages) : buddy.allocate(order: order)
                    let needed = useRun ? BuddyAllocator.order(holding: pages) : order
                    guard let frame = result else {
                        #expect(!Self.modelHasFreeBlock(model, first: first, order: needed), "step \(step): nil with a free block")
                        continue
                    }
                    let a = Allocation(frame: frame, order: order, pages: useRun ? pages : nil)
                    #expect(frame % (1 << UInt64(needed)) == 0, "step \(step): misaligned \(frame)")
                    for f in frame..<(frame + UInt64(a.count)) {
                        #expect(model[Int(f - first)] == .free, "step \(step): frame \(f) handed out twice")
                        model[Int(f - first)] = .allocated
                    }
                    modelFree -= a.count
                    live.append(a)
                } else if roll < 95 {
                    let a = live.remove(at: Int.random(in: 0..<live.count, using: &rng))
                    if let pages = a.pages {
                        try buddy.free(frame: a.frame, pages: pages)
                    } else {
                        try buddy.free(frame: a.frame, order: a.order)
                    }
                    for f in a.frame..<(a.frame + UInt64(a.count)) {
                        #expect(model[Int(f - first)] == .allocated)
                        model[Int(f - first)] = .free
                    }
                    modelFree += a.count
                    freed.append(a)
                } else {
                    // A bad free: a stale block, a frame inside a live block, or a hole.
                    let before = buddy.freeBlockCounts
                    let freeBefore = buddy.freeFrames
                    switch roll {
                    case 95, 96:
                        if let stale = freed.randomElement(using: &rng),
                            !Self.isLiveBlock(live, frame: stale.frame, order: stale.order)
                        {
                            #expect(throws: FrameError.self) { try buddy.free(frame: stale.frame, order: stale.order) }
                        }
                    case 97, 98:
                        if let victim = live.randomElement(using: &rng), victim.count > 1 {
                            let inner = victim.frame + UInt64.random(in: 1..<UInt64(victim.count), using: &rng)
                            if !Self.isLiveBlock(live, frame: inner, order: 0) {
                                #expect(throws: FrameError.self) { try buddy.free(frame: inner, order: 0) }
                            }
                        }
                    default:
                        if let hole = model.firstIndex(of: .unmanaged) {
                            #expect(throws: FrameError.notAllocated) { try buddy.free(frame: first + UInt64(hole), order: 0) }
                        }
                    }
                    #expect(buddy.freeBlockCounts == before)
                    #expect(buddy.freeFrames == freeBefore)
                }
                #expect(buddy.freeFrames == modelFree, "step \(step)")
                if step % 500 == 0 {
                    #expect(buddy.integrityViolation() == nil, "step \(step)")
                }
            }
            // Free everything: the blocks must coalesce back to the maximal ones.
            for a in live.shuffled(using: &rng) {
                if let pages = a.pages {
                    try buddy.free(frame: a.frame, pages: pages)
                } else {
                    try buddy.free(frame: a.frame, order: a.order)
                }
            }
            #expect(buddy.freeFrames == managed)
            #expect(buddy.allocatedFrames == 0)
            #expect(buddy.freeBlockCounts == maximalBlockCounts(ranges))
            #expect(buddy.integrityViolation() == nil)
        }
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func exhaustionAndRecovery(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        try withBuddy(firstFrame: 0, frameCount: 3000) { buddy in
            let ranges = Self.randomRanges(first: 0, count: 3000, rng: &rng)
            for r in ranges { try buddy.addFreeRange(firstFrame: r.first, count: r.count) }
            let total = buddy.totalFrames
            var live: [(UInt64, Int)] = []
            // Allocate random orders until even order 0 fails.
            while true {
                let order = Int.random(in: 0...4, using: &rng)
                if let f = buddy.allocate(order: order) {
                    live.append((f, order))
                } else if let f = buddy.allocate(order: 0) {
                    live.append((f, 0))
                } else {
                    break
                }
            }
            #expect(buddy.freeFrames == 0)
            #expect(buddy.largestFreeOrder == nil)
            #expect(live.reduce(0) { $0 + (1 << $1.1) } == total)
            for (f, order) in live.shuffled(using: &rng) { try buddy.free(frame: f, order: order) }
            #expect(buddy.freeBlockCounts == maximalBlockCounts(ranges))
            #expect(buddy.integrityViolation() == nil)
        }
    }
}
