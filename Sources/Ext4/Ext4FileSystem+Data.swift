import LinuxABI

/// File data: writing (allocating extents as files grow or holes fill) and truncation.
///
/// Writes go straight to the data blocks; only the extent tree, bitmaps and inode change in
/// the journal. Large writes proceed in chunks of at most a group's worth of blocks, each
/// leaving a consistent file (its size covers exactly the data written so far), and the
/// running transaction may commit between chunks. Truncation frees from the end, a bounded
/// number of extents per transaction; when it needs more than one, the inode goes on the
/// orphan list first so recovery finishes the job.
extension Ext4FileSystem {
    /// Largest file size: 2^32 logical blocks.
    var maximumFileSize: UInt64 { UInt64(1) << 32 &* UInt64(layout.blockSize) }

    /// Blocks a change to an inode's extent tree may touch (new nodes, split parents).
    func treeCredits(_ handle: InodeHandle) -> Int {
        let depth = (try? extentRoot(handle).depth) ?? ExtentNode.maxDepth
        return 2 &* depth &+ 4
    }

    /// Allocations one write operation makes at most. Each can add an extent (a leaf entry,
    /// possibly a split) and dirty a bitmap and a descriptor block, so on fragmented free space
    /// a large write is cut into transactions the journal can hold.
    var allocationsPerOperation: Int { max(8, maxTransactionBlocks / 4) }

    /// Extents truncation frees per transaction.
    var truncateStep: Int { max(8, maxTransactionBlocks / 8) }

    /// Writes `buffer` at `offset`; returns the bytes written (short only when the volume
    /// filled up after some were written).
    public func write(_ number: UInt32, at offset: UInt64, from buffer: UnsafeRawBufferPointer) throws(Ext4Error) -> Int {
        try checkWritable()
        var handle = try liveHandle(number)
        guard handle.fileType == .regular else { throw handle.fileType == .directory ? .isDirectory : .invalid }
        guard handle.inode.flags & (Inode.immutableFlag | Inode.appendFlag) == 0 || (handle.inode.flags & Inode.appendFlag != 0 && offset == handle.inode.size) else {
            throw Ext4Error(.EPERM)
        }
        guard buffer.count > 0 else { return 0 }
        guard offset < maximumFileSize else { throw Ext4Error(.EFBIG) }
        guard handle.inode.hasExtents || handle.inode.size == 0 && handle.inode.sectors(blockSize: layout.blockSize) == 0 else {
            return try writeLegacy(&handle, at: offset, from: buffer)
        }
        if !handle.inode.hasExtents { startExtentTree(&handle) }
        if offset > handle.inode.size { try zeroPastEnd(handle, upTo: offset) }
        let total = Int(min(UInt64(buffer.count), maximumFileSize &- offset))
        let blockSize = layout.blockSize
        let chunkBytes = Int(min(layout.blocksPerGroup, 8192)) &* blockSize
        var done = 0
        while done < total {
            let chunk = min(chunkBytes, total &- done)
            let credits = treeCredits(handle) &+ 2 &* (chunk / blockSize / Int(layout.blocksPerGroup) &+ 2) &+ 4
            let written: (count: Int, full: Bool)
            do {
                written = try operation(credits: credits) { () throws(Ext4Error) -> (count: Int, full: Bool) in
                    let result = try writeChunk(
                        &handle, at: offset &+ UInt64(done), from: buffer, range: done..<(done &+ chunk),
                        allocations: allocationsPerOperation)
                    let end = offset &+ UInt64(done) &+ UInt64(result.count)
                    if end > handle.inode.size { handle.inode.size = end }
                    let now = options.clock()
                    handle.inode.modificationTime = now
                    handle.inode.changeTime = now
                    try writeInode(handle)
                    return result
                }
            } catch {
                if done > 0 && error.errno == .ENOSPC { return done }
                throw error
            }
            done &+= written.count
            if written.full { break }
            handle = try liveHandle(number)
        }
        if done == 0 { throw .noSpace }
        return done
    }

    /// Makes a block-mapped inode with no blocks an extent-mapped one.
    func startExtentTree(_ handle: inout InodeHandle) {
        handle.inode.raw.zero(from: Inode.blockAreaOffset, count: Inode.blockAreaSize)
        let root = ExtentNode(size: Inode.blockAreaSize, depth: 0)
        handle.inode.raw.copy(from: root.bytes, at: 0, to: Inode.blockAreaOffset, count: Inode.blockAreaSize)
        handle.inode.flags |= Inode.extentsFlag
    }

    /// Writes the bytes `range` of `buffer` at `offset` (inside one chunk). Returns how many
    /// were written — fewer when the allocation budget ran out, or (`full`) when the volume is
    /// full (ENOSPC when none).
    private func writeChunk(
        _ handle: inout InodeHandle, at offset: UInt64, from buffer: UnsafeRawBufferPointer, range: Range<Int>,
        allocations budget: Int
    ) throws(Ext4Error) -> (count: Int, full: Bool) {
        let blockSize = layout.blockSize
        var done = 0
        let total = range.count
        var scratch = [UInt8](repeating: 0, count: blockSize)
        var allocations = 0
        while done < total {
            if allocations >= budget { return (done, false) }
            let position = offset &+ UInt64(done)
            let logical = UInt32(truncatingIfNeeded: position / UInt64(blockSize))
            let within = Int(position % UInt64(blockSize))
            let blocksLeft = UInt32((within &+ total &- done &+ blockSize &- 1) / blockSize)
            let run = try mapRun(handle, logical, unwrittenAsHole: false)
            var physical: UInt64
            var count = min(max(run.count, 1), blocksLeft)
            var fresh = false
            if let mapped = run.physical {
                physical = mapped
                fresh = !run.initialized
            } else {
                // A hole: allocate, keeping room for the tree to grow.
                let reserve = UInt64(treeCredits(handle))
                if availableBlocks <= reserve {
                    if !pendingFrees.isEmpty && !changedInOperation { try commitRunning() }
                    guard availableBlocks > reserve else {
                        if done > 0 { return (done, true) }
                        throw .noSpace
                    }
                }
                count = UInt32(min(UInt64(count), availableBlocks &- reserve))
                var goal = layout.groupStart(layout.inodeLocation(handle.number).group)
                if logical > 0, let previous = try mapRun(handle, logical &- 1, unwrittenAsHole: false).physical {
                    goal = previous &+ 1
                }
                let allocated = try allocateBlocks(goal: goal, count: count)
                physical = allocated.start
                count = allocated.count
                fresh = true
                allocations &+= 1
            }
            // Copy the data: whole blocks straight from the caller, edges through a block
            // buffer (read back unless the block is new, when the rest is zeros).
            let bytes = min(Int(count) &* blockSize &- within, total &- done)
            var copied = 0
            var block = physical
            while copied < bytes {
                let inBlock = copied == 0 ? within : 0
                let piece = min(blockSize &- inBlock, bytes &- copied)
                let source = range.lowerBound &+ done &+ copied
                if inBlock == 0 && piece == blockSize {
                    var whole = 1
                    while copied &+ (whole &+ 1) &* blockSize <= bytes { whole &+= 1 }
                    try io.write(
                        block, count: whole,
                        from: UnsafeRawBufferPointer(rebasing: buffer[source..<(source &+ whole &* blockSize)]))
                    copied &+= whole &* blockSize
                    block &+= UInt64(whole)
                    continue
                }
                if fresh {
                    for index in 0..<blockSize { scratch[index] = 0 }
                } else {
                    try io.read(block, count: 1, into: &scratch, at: 0)
                }
                scratch.withUnsafeMutableBytes { target in
                    UnsafeMutableRawBufferPointer(rebasing: target[inBlock..<(inBlock &+ piece)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[source..<(source &+ piece)]))
                }
                try io.write(block, scratch)
                copied &+= piece
                block &+= 1
            }
            if run.physical == nil {
                handle.inode.setSectors(handle.inode.sectors(blockSize: layout.blockSize) &+ UInt64(count) &* UInt64(blockSize / 512))
                try insertExtent(Extent(logical: logical, length: count, physical: physical, initialized: true), &handle)
            } else if fresh {
                // Written blocks of an unwritten extent become initialized (the rest of the
                // first and last block were zero-filled above).
                try unmapRange(&handle, from: logical, to: UInt64(logical) &+ UInt64(count), free: false)
                try insertExtent(Extent(logical: logical, length: count, physical: physical, initialized: true), &handle)
            }
            done &+= bytes
        }
        return (done, false)
    }

    /// Overwrites the mapped blocks of a legacy block-mapped file; growing one is not
    /// supported (EOPNOTSUPP).
    private func writeLegacy(_ handle: inout InodeHandle, at offset: UInt64, from buffer: UnsafeRawBufferPointer) throws(Ext4Error) -> Int {
        let blockSize = layout.blockSize
        guard offset &+ UInt64(buffer.count) <= handle.inode.size else {
            throw Ext4Error(.EOPNOTSUPP, "ext4: growing block-mapped (ext2/3) files is not supported")
        }
        var done = 0
        var scratch = [UInt8](repeating: 0, count: blockSize)
        while done < buffer.count {
            let position = offset &+ UInt64(done)
            let logical = UInt32(truncatingIfNeeded: position / UInt64(blockSize))
            let within = Int(position % UInt64(blockSize))
            guard let physical = try legacyMap(handle, logical) else {
                throw Ext4Error(.EOPNOTSUPP, "ext4: filling holes of block-mapped files is not supported")
            }
            let piece = min(blockSize &- within, buffer.count &- done)
            try io.read(physical, count: 1, into: &scratch, at: 0)
            scratch.withUnsafeMutableBytes { target in
                UnsafeMutableRawBufferPointer(rebasing: target[within..<(within &+ piece)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[done..<(done &+ piece)]))
            }
            try io.write(physical, scratch)
            done &+= piece
        }
        try operation(credits: 4) { () throws(Ext4Error) in
            let now = options.clock()
            handle.inode.modificationTime = now
            handle.inode.changeTime = now
            try writeInode(handle)
        }
        return done
    }

    // MARK: Truncation

    /// Sets a regular file's size, freeing blocks past it or leaving a hole before it.
    public func truncate(_ number: UInt32, to size: UInt64) throws(Ext4Error) {
        try checkWritable()
        var handle = try liveHandle(number)
        guard handle.fileType == .regular else { throw handle.fileType == .directory ? .isDirectory : .invalid }
        guard size <= maximumFileSize else { throw Ext4Error(.EFBIG) }
        guard handle.inode.flags & (Inode.immutableFlag | Inode.appendFlag) == 0 else { throw Ext4Error(.EPERM) }
        try resize(&handle, to: size)
    }

    /// Zeroes the bytes of the last block past the end of the file, up to `limit`, before the
    /// file grows over them.
    ///
    /// Shrinking leaves whatever the last block held past the new end (it is invisible, and
    /// zeroing it before the shrink commits would change the file's visible contents if the
    /// shrink were lost in a crash); growing makes those bytes part of the file, so they
    /// become zeros first — in place, before the transaction that grows the file commits,
    /// which a crash can only leave invisible again.
    func zeroPastEnd(_ handle: InodeHandle, upTo limit: UInt64) throws(Ext4Error) {
        let blockSize = UInt64(layout.blockSize)
        let size = handle.inode.size
        let within = Int(size % blockSize)
        guard within != 0 else { return }
        let logical = UInt32(truncatingIfNeeded: size / blockSize)
        guard let physical = try mapRun(handle, logical).physical else { return }
        let end = Int(min(limit &- (size &- UInt64(within)), blockSize))
        guard end > within else { return }
        var block = try io.read(physical)
        block.zero(from: within, count: end &- within)
        try io.write(physical, block)
    }

    /// Changes the size and frees what lies beyond it, in as many transactions as needed.
    func resize(_ handle: inout InodeHandle, to size: UInt64) throws(Ext4Error) {
        let blockSize = UInt64(layout.blockSize)
        let oldSize = handle.inode.size
        if size >= oldSize {
            if size > oldSize { try zeroPastEnd(handle, upTo: size) }
            try operation(credits: 4) { () throws(Ext4Error) in
                handle.inode.size = size
                let now = options.clock()
                handle.inode.modificationTime = now
                handle.inode.changeTime = now
                try writeInode(handle)
            }
            return
        }
        if !handle.inode.hasExtents && size != 0 {
            throw Ext4Error(.EOPNOTSUPP, "ext4: shrinking block-mapped (ext2/3) files is not supported")
        }
        let first = UInt32((size &+ blockSize &- 1) / blockSize)
        var orphaned = false
        var finished = false
        while !finished {
            try operation(credits: truncateStep &* 3 &+ treeCredits(handle) &+ 8) { () throws(Ext4Error) in
                if handle.inode.size != size {
                    handle.inode.size = size
                    let now = options.clock()
                    handle.inode.modificationTime = now
                    handle.inode.changeTime = now
                }
                let remaining = try releaseBlocks(&handle, from: first, limit: truncateStep)
                if remaining && !orphaned {
                    try addOrphan(&handle)
                    orphaned = true
                } else if !remaining && orphaned {
                    try removeOrphan(&handle)
                }
                finished = !remaining
                try writeInode(handle)
            }
        }
    }

    /// Frees the blocks from logical `first` on, at most `limit` extents; returns whether more
    /// remain. Block-mapped inodes are freed whole in one go (`first` must be 0).
    func releaseBlocks(_ handle: inout InodeHandle, from first: UInt32, limit: Int) throws(Ext4Error) -> Bool {
        if handle.inode.hasExtents { return try truncateExtents(&handle, from: first, limit: limit) }
        if handle.fileType == .symlink && isFastSymlink(handle.inode) { return false }
        if handle.fileType != .regular && handle.fileType != .directory && handle.fileType != .symlink { return false }
        try freeLegacyBlocks(&handle)
        return false
    }

    /// Frees every block of a block-mapped inode, indirect blocks included.
    private func freeLegacyBlocks(_ handle: inout InodeHandle) throws(Ext4Error) {
        var slot = 0
        while slot < 15 {
            let block = UInt64(handle.inode.raw.le32(Inode.blockAreaOffset &+ slot &* 4))
            if block != 0 {
                let depth = slot < 12 ? 0 : slot &- 11
                try freeLegacyTree(block, depth: depth, handle)
            }
            slot &+= 1
        }
        handle.inode.raw.zero(from: Inode.blockAreaOffset, count: Inode.blockAreaSize)
        let xattr: UInt64 = handle.inode.fileACL != 0 ? UInt64(layout.blockSize / 512) : 0
        handle.inode.setSectors(xattr)
    }

    private func freeLegacyTree(_ block: UInt64, depth: Int, _ handle: InodeHandle) throws(Ext4Error) {
        guard block >= layout.firstDataBlock, block < layout.blocksCount, !zones.overlaps(block, count: 1) else {
            throw .corrupt("ext4: inode \(handle.number) maps block \(block)")
        }
        if depth == 0 {
            freeBlocks(block, count: 1)
            return
        }
        let data = try metadata(block)
        var index = 0
        while index < layout.blockSize / 4 {
            let child = UInt64(data.le32(index &* 4))
            if child != 0 { try freeLegacyTree(child, depth: depth &- 1, handle) }
            index &+= 1
        }
        freeMetadataBlock(block)
    }
}
