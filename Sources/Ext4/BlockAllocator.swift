/// Block allocation: first fit from a goal, group by group, through the block bitmaps.
///
/// Frees are deferred: `freeBlocks` only records the run, and `releasePendingFrees` clears the
/// bits when the running transaction commits. Until then the blocks stay allocated, so data
/// written in place into a newly allocated block can never land on a block whose old owner a
/// crash could still bring back.
extension Ext4FileSystem {
    /// The block bitmap of `group`; for a group whose bitmap was never written
    /// (BLOCK_UNINIT), the bitmap its layout implies.
    func blockBitmap(_ group: UInt32) throws(Ext4Error) -> [UInt8] {
        let descriptor = groups[Int(group)]
        if descriptor.has(GroupDescriptor.blockUninitialized) { return impliedBlockBitmap(group) }
        return try metadata(descriptor.blockBitmap, kind: .blockBitmap(group: group))
    }

    /// What an uninitialised group's bitmap holds: its superblock backup and descriptors,
    /// every bitmap and inode table stored in it, and the padding past its last block.
    func impliedBlockBitmap(_ group: UInt32) -> [UInt8] {
        var bitmap = [UInt8](repeating: 0, count: layout.blockSize)
        let start = layout.groupStart(group)
        let count = UInt64(layout.blocksInGroup(group))
        func mark(_ first: UInt64, _ length: UInt64) {
            var block = max(first, start)
            let end = min(first &+ length, start &+ count)
            while block < end {
                Bitmap.set(&bitmap, Int(block &- start))
                block &+= 1
            }
        }
        for run in layout.superblockAndDescriptorBlocks(group) { mark(run.start, run.count) }
        for descriptor in groups {
            mark(descriptor.blockBitmap, 1)
            mark(descriptor.inodeBitmap, 1)
            mark(descriptor.inodeTable, layout.inodeTableBlocks)
        }
        Bitmap.setRange(&bitmap, from: Int(count), to: layout.blockSize &* 8)
        return bitmap
    }

    /// Allocates up to `count` contiguous blocks, as close after `goal` as possible. Returns at
    /// least one block, or throws ENOSPC.
    func allocateBlocks(goal: UInt64, count: UInt32) throws(Ext4Error) -> (start: UInt64, count: UInt32) {
        let clamped = goal >= layout.firstDataBlock && goal < layout.blocksCount ? goal : layout.firstDataBlock
        let firstGroup = layout.group(ofBlock: clamped)
        var step: UInt32 = 0
        while step <= layout.groupCount {
            let group = (firstGroup &+ step) % layout.groupCount
            let from = step == 0 ? Int(clamped &- layout.groupStart(group)) : 0
            let to = step == layout.groupCount ? Int(clamped &- layout.groupStart(group)) : Int(layout.blocksInGroup(group))
            step &+= 1
            guard groups[Int(group)].freeBlocks > 0, from < to else { continue }
            if let run = try allocate(in: group, from: from, to: to, count: count) { return run }
        }
        throw .noSpace
    }

    private func allocate(in group: UInt32, from: Int, to: Int, count: UInt32) throws(Ext4Error) -> (start: UInt64, count: UInt32)? {
        var bitmap = try blockBitmap(group)
        let start = layout.groupStart(group)
        var bit = from
        while let found = Bitmap.firstClear(bitmap, from: bit, to: to) {
            let block = start &+ UInt64(found)
            if let zone = zones.run(containing: block) {
                // A damaged bitmap calls a system block free: never hand it out.
                bit = Int(min(zone.end &- start, UInt64(to)))
                continue
            }
            var length: UInt32 = 1
            while length < count, found &+ Int(length) < to, !Bitmap.test(bitmap, found &+ Int(length)),
                !zones.overlaps(block &+ UInt64(length), count: 1)
            {
                length &+= 1
            }
            var index = 0
            while index < Int(length) {
                Bitmap.set(&bitmap, found &+ index)
                index &+= 1
            }
            var descriptor = groups[Int(group)]
            if descriptor.has(GroupDescriptor.blockUninitialized) {
                descriptor.flags &= ~GroupDescriptor.blockUninitialized
            }
            descriptor.freeBlocks = descriptor.freeBlocks >= length ? descriptor.freeBlocks &- length : 0
            groups[Int(group)] = descriptor
            setMetadata(descriptor.blockBitmap, bitmap)
            markGroupChanged(group, Self.blockBitmapChanged)
            let free = superblock.freeBlocksCount
            superblock.freeBlocksCount = free >= UInt64(length) ? free &- UInt64(length) : 0
            markSuperblockChanged()
            return (block, length)
        }
        return nil
    }

    /// Frees `count` blocks from `start` when the running transaction commits.
    ///
    /// Blocks the cache holds were metadata (tree, directory, symlink, attribute blocks):
    /// their running changes are dropped, and a copy a committed but not yet checkpointed
    /// transaction logged gets a revoke record, so replay cannot write it over the block's
    /// next owner (file data is never journaled and needs none).
    func freeBlocks(_ start: UInt64, count: UInt64) {
        guard count > 0 else { return }
        changedInOperation = true
        if cache.count > 0 {
            var block = start
            let end = start &+ count
            while block < end {
                if cache.contains(block) {
                    if cache.isAwaitingCheckpoint(block) { pendingRevokes.append(block) }
                    cache.markFreed(block)
                }
                block &+= 1
            }
        }
        pendingFrees.append((start, count))
    }

    /// Blocks already freed by the running transaction and waiting for its commit.
    var pendingFreeCount: UInt64 {
        var total: UInt64 = 0
        for run in pendingFrees { total &+= run.count }
        return total
    }

    /// Clears the bits of every deferred free (called while committing).
    func releasePendingFrees() throws(Ext4Error) {
        guard !pendingFrees.isEmpty else { return }
        let runs = pendingFrees.sorted { $0.start < $1.start }
        pendingFrees.removeAll()
        for run in runs {
            var block = run.start
            let end = run.start &+ run.count
            guard run.start >= layout.firstDataBlock, end <= layout.blocksCount, end > run.start else {
                throw .corrupt("ext4: freeing blocks \(run.start)+\(run.count) outside the volume")
            }
            while block < end {
                let group = layout.group(ofBlock: block)
                let groupStart = layout.groupStart(group)
                let groupEnd = min(groupStart &+ UInt64(layout.blocksInGroup(group)), end)
                var descriptor = groups[Int(group)]
                guard !descriptor.has(GroupDescriptor.blockUninitialized) else {
                    throw .corrupt("ext4: freeing block \(block) in uninitialised group \(group)")
                }
                var bitmap = try metadata(descriptor.blockBitmap, kind: .blockBitmap(group: group))
                var freed: UInt32 = 0
                while block < groupEnd {
                    let bit = Int(block &- groupStart)
                    if Bitmap.test(bitmap, bit) {
                        Bitmap.clear(&bitmap, bit)
                        freed &+= 1
                    }
                    block &+= 1
                }
                descriptor.freeBlocks &+= freed
                groups[Int(group)] = descriptor
                setMetadata(descriptor.blockBitmap, bitmap)
                markGroupChanged(group, Self.blockBitmapChanged)
                superblock.freeBlocksCount = superblock.freeBlocksCount &+ UInt64(freed)
                markSuperblockChanged()
            }
        }
    }

    /// Blocks a new allocation could get now (excluding the running transaction's frees).
    var availableBlocks: UInt64 { superblock.freeBlocksCount }

    /// Makes sure `count` blocks can be allocated, committing the running transaction when
    /// that releases enough of its deferred frees. Call before an operation changes anything.
    func ensureFreeBlocks(_ count: UInt64) throws(Ext4Error) {
        if availableBlocks >= count { return }
        if !pendingFrees.isEmpty {
            try commitRunning()
            if availableBlocks >= count { return }
        }
        throw .noSpace
    }
}
