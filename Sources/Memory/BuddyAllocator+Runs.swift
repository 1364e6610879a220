/// Runs of frames whose length is not a power of two.
///
/// A 3-page kernel heap allocation should not cost 4 pages. A run of `n` frames is allocated as
/// one block of the next power of two, which is then cut: the run keeps one allocated block per
/// set bit of `n` (largest first, so each stays aligned), and the rest of the block goes back to
/// the free lists at once. Freeing the run with the same `n` re-derives the same blocks, checks
/// every one of them before changing anything, and frees them.
extension BuddyAllocator {
    /// The order of the largest block in what is left of a run of `remaining` frames.
    @inline(__always)
    static func leadingBlockOrder(_ remaining: Int) -> Int {
        (Int.bitWidth &- 1) &- remaining.leadingZeroBitCount
    }

    /// The smallest order whose blocks hold `pages` frames.
    static func order(holding pages: Int) -> Int {
        pages <= 1 ? 0 : Int.bitWidth &- (pages &- 1).leadingZeroBitCount
    }

    /// `pages` contiguous frames (`1...(1 << maxOrder)`), aligned to the power of two that holds
    /// them; nil when no such block is free.
    public mutating func allocate(pages: Int) -> UInt64? {
        guard pages >= 1, pages <= 1 &<< Self.maxOrder else { return nil }
        let order = Self.order(holding: pages)
        guard let frame = allocate(order: order) else { return nil }
        guard pages != 1 &<< order else { return frame }
        let head = table.index(frame)
        table[head].kind = .tail
        var offset = 0
        while offset < pages {
            let blockOrder = Self.leadingBlockOrder(pages &- offset)
            table[head &+ offset].kind = .allocated
            table[head &+ offset].order = UInt8(blockOrder)
            offset &+= 1 &<< blockOrder
        }
        let excess = (1 &<< order) &- pages
        releaseRun(start: head &+ pages, count: excess)
        freeFrames &+= excess
        return frame
    }

    /// Returns a run obtained from ``allocate(pages:)`` with the same `pages`.
    ///
    /// Throws, changing nothing, when any block of the run is not allocated as the run's
    /// layout says it must be.
    public mutating func free(frame: UInt64, pages: Int) throws(FrameError) {
        guard pages >= 1, pages <= 1 &<< Self.maxOrder else { throw .invalidOrder }
        guard table.contains(frame), pages <= table.frameCount &- table.index(frame) else { throw .outOfRange }
        let head = table.index(frame)
        var offset = 0
        while offset < pages {
            let order = Self.leadingBlockOrder(pages &- offset)
            let i = try allocatedHead(frame &+ UInt64(offset))
            guard Int(table[i].order) == order else { throw .wrongOrder(allocated: Int(table[i].order)) }
            offset &+= 1 &<< order
        }
        offset = 0
        while offset < pages {
            let order = Self.leadingBlockOrder(pages &- offset)
            release(head &+ offset, order: order)
            offset &+= 1 &<< order
        }
        freeFrames &+= pages
    }
}
