import Testing
@testable import Memory

/// Runs `body` with an allocator over frames `firstFrame ..< firstFrame + frameCount`, its
/// table in host memory that lives exactly as long as the call.
func withBuddy<R>(
    firstFrame: UInt64, frameCount: Int, _ body: (inout BuddyAllocator) throws -> R
) rethrows -> R {
    let storage = UnsafeMutableRawBufferPointer.allocate(
        byteCount: max(PageFrameTable.bytesNeeded(frameCount: frameCount), 1),
        alignment: PageFrameTable.storageAlignment)
    defer { storage.deallocate() }
    var buddy = BuddyAllocator(table: PageFrameTable(storage: storage, firstFrame: firstFrame, frameCount: frameCount)!)
    return try body(&buddy)
}

/// The free-block count per order that a fully free allocator over `ranges` must reach: each
/// maximal contiguous run cut into the largest aligned blocks, as coalescing must leave it.
func maximalBlockCounts(_ ranges: [(first: UInt64, count: Int)]) -> [Int] {
    var counts = [Int](repeating: 0, count: BuddyAllocator.orderCount)
    var runs: [(first: UInt64, end: UInt64)] = []
    for r in ranges.sorted(by: { $0.first < $1.first }) where r.count > 0 {
        if let last = runs.last, last.end == r.first {
            runs[runs.count - 1].end = r.first + UInt64(r.count)
        } else {
            runs.append((r.first, r.first + UInt64(r.count)))
        }
    }
    for run in runs {
        var f = run.first
        while f < run.end {
            var order = min(f.trailingZeroBitCount, BuddyAllocator.maxOrder)
            while f + (1 << UInt64(order)) > run.end { order -= 1 }
            counts[order] += 1
            f += 1 << UInt64(order)
        }
    }
    return counts
}

extension BuddyAllocator {
    /// The per-order free block counts, as an array for `#expect`.
    var freeBlockCounts: [Int] { (0...Self.maxOrder).map { freeBlocks(order: $0) } }

    /// A description of the first broken invariant, or nil when the allocator is consistent:
    /// the free lists agree with the frame states and counters, every free block lies inside
    /// managed frames, no two free buddies are left unmerged, and exactly `cachedFrames`
    /// frames are marked as sitting in per-CPU caches.
    func integrityViolation(cachedFrames: Int = 0) -> String? {
        var listed = 0
        var freeFrameCount = 0
        for order in 0...Self.maxOrder {
            var count = 0
            var previous = FrameEntry.none
            var i = heads[order]
            while i != FrameEntry.none {
                let e = table[Int(i)]
                guard e.kind == .free, Int(e.order) == order else { return "list \(order) holds frame index \(i) in state \(e.state)" }
                guard e.prev == previous else { return "bad prev link at index \(i)" }
                let frame = table.frame(Int(i))
                guard frame % (1 << UInt64(order)) == 0 else { return "misaligned block \(frame) order \(order)" }
                guard Int(i) + (1 << order) <= table.frameCount else { return "block \(frame) leaves the table" }
                for t in 1..<(1 << order) where table[Int(i) + t].kind != .tail {
                    return "frame \(frame + UInt64(t)) inside free block is \(table[Int(i) + t].state)"
                }
                if order < Self.maxOrder {
                    let buddy = frame ^ (1 << UInt64(order))
                    if table.state(of: buddy) == .free(order: order) { return "unmerged buddies \(frame) and \(buddy)" }
                }
                count += 1
                freeFrameCount += 1 << order
                previous = i
                i = e.next
            }
            guard count == blockCounts[order] else { return "order \(order) count \(blockCounts[order]), listed \(count)" }
            listed += count
        }
        var freeHeads = 0
        var cached = 0
        var managed = 0
        for i in 0..<table.frameCount {
            switch table[i].kind {
            case .free: freeHeads += 1
            case .cached: cached += 1
            default: break
            }
            if table[i].kind != .unavailable { managed += 1 }
        }
        guard freeHeads == listed else { return "\(freeHeads) free heads but \(listed) listed" }
        guard freeFrameCount == freeFrames else { return "freeFrames \(freeFrames), lists hold \(freeFrameCount)" }
        guard cached == cachedFrames else { return "caches hold \(cachedFrames), table marks \(cached)" }
        guard managed == totalFrames else { return "totalFrames \(totalFrames), table manages \(managed)" }
        return nil
    }
}

/// `#require` for values produced by calls on a `~Copyable` receiver, which the macro cannot
/// take apart.
func unwrap<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    try #require(value, sourceLocation: sourceLocation)
}
