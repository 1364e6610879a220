/// Logical-to-physical block mapping for both kinds of files: extent-mapped, and the legacy
/// ext2/ext3 block map (12 direct pointers, then single, double and triple indirect blocks).
extension Ext4FileSystem {
    /// Where logical block `logical` of a file is, and how many following logical blocks are
    /// mapped contiguously (or, in a hole, how long the hole is). `physical` is nil in a hole
    /// and for unwritten extents when `unwrittenAsHole` (reads see zeros there).
    func mapRun(_ handle: InodeHandle, _ logical: UInt32, unwrittenAsHole: Bool = true) throws(Ext4Error)
        -> (physical: UInt64?, count: UInt32, initialized: Bool)
    {
        if handle.inode.hasExtents {
            let (extent, next) = try lookupExtent(handle, logical)
            if let extent {
                let offset = logical &- extent.logical
                let count = extent.length &- offset
                if !extent.initialized && unwrittenAsHole { return (nil, count, false) }
                return (extent.physical &+ UInt64(offset), count, extent.initialized)
            }
            return (nil, UInt32(min(next &- UInt64(logical), UInt64(UInt32.max))), true)
        }
        guard let physical = try legacyMap(handle, logical) else { return (nil, 1, true) }
        return (physical, 1, true)
    }

    /// The block map of a non-extent inode.
    func legacyMap(_ handle: InodeHandle, _ logical: UInt32) throws(Ext4Error) -> UInt64? {
        let perBlock = UInt64(layout.blockSize / 4)
        var index = UInt64(logical)
        func pointer(_ slot: Int) -> UInt32 { handle.inode.raw.le32(Inode.blockAreaOffset &+ slot &* 4) }
        if index < 12 { return try checkedData(UInt64(pointer(Int(index))), handle) }
        index &-= 12
        var levels = 1
        var root = pointer(12)
        var span = perBlock
        if index >= span {
            index &-= span
            levels = 2
            root = pointer(13)
            span = perBlock &* perBlock
            if index >= span {
                index &-= span
                levels = 3
                root = pointer(14)
                span = perBlock &* perBlock &* perBlock
                guard index < span else { return nil }
            }
        }
        var block = UInt64(root)
        while levels > 0 {
            guard block != 0 else { return nil }
            guard block < layout.blocksCount, !zones.overlaps(block, count: 1) else {
                throw .corrupt("ext4: inode \(handle.number) indirect block \(block)")
            }
            span /= perBlock
            let data = try metadata(block)
            let slot = Int(index / span)
            index %= span
            block = UInt64(data.le32(slot &* 4))
            levels &-= 1
        }
        return try checkedData(block, handle)
    }

    private func checkedData(_ block: UInt64, _ handle: InodeHandle) throws(Ext4Error) -> UInt64? {
        guard block != 0 else { return nil }
        guard block < layout.blocksCount, !zones.overlaps(block, count: 1) else {
            throw .corrupt("ext4: inode \(handle.number) maps block \(block)")
        }
        return block
    }

    /// The volume blocks of the first `blocks` logical blocks as runs (the journal's map).
    func mappedRuns(of inode: Inode, number: UInt32, blocks: UInt32) throws(Ext4Error)
        -> [(logical: UInt32, physical: UInt64, count: UInt32)]
    {
        let handle = InodeHandle(number: number, inode: inode, layout: layout)
        var runs: [(logical: UInt32, physical: UInt64, count: UInt32)] = []
        var logical: UInt32 = 0
        while logical < blocks {
            let run = try mapRun(handle, logical, unwrittenAsHole: false)
            let count = max(1, min(run.count, blocks &- logical))
            if let physical = run.physical {
                if let last = runs.last, last.logical &+ last.count == logical,
                    last.physical &+ UInt64(last.count) == physical
                {
                    runs[runs.count &- 1].count &+= count
                } else {
                    runs.append((logical, physical, count))
                }
            }
            logical &+= count
        }
        return runs
    }
}
