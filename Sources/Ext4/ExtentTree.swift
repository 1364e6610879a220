/// A file's extent tree: lookup, insertion with node splits and depth growth, removal with
/// node freeing and depth collapse.
///
/// The invariants kept are the ones e2fsck checks: entries sorted and non-overlapping; every
/// index key equal to the first key of its child (so a change of a node's first entry is
/// propagated upwards); no empty non-root node; `i_blocks` counting tree blocks too; a tree
/// whose single child would fit in the inode is pulled back into the inode.
extension Ext4FileSystem {
    /// One step of a root-to-leaf path: a node, where it lives (0 for the root in the inode),
    /// and the entry chosen in it (-1 when the wanted block precedes every entry).
    struct ExtentLevel {
        var node: ExtentNode
        var block: UInt64
        var index: Int
    }

    /// Capacity of an extent block of this volume.
    var extentBlockCapacity: Int { (layout.blockSize &- ExtentNode.headerSize) / ExtentNode.entrySize }

    func extentRoot(_ handle: InodeHandle) throws(Ext4Error) -> ExtentNode {
        let node = ExtentNode(
            bytes: Array(handle.inode.raw[Inode.blockAreaOffset..<(Inode.blockAreaOffset &+ Inode.blockAreaSize)]))
        if let problem = node.validate(expectedDepth: nil, blocksCount: layout.blocksCount, zones: zones) {
            throw Ext4Error(problem.errno, "\(problem.message) (inode \(handle.number))")
        }
        guard node.capacity == 4 else { throw .corrupt("ext4: inode \(handle.number) extent root holds \(node.capacity)") }
        return node
    }

    func loadExtentNode(_ block: UInt64, depth: Int, _ handle: InodeHandle) throws(Ext4Error) -> ExtentNode {
        let node = ExtentNode(bytes: try metadata(block, kind: .extentNode(seed: handle.seed)))
        if let problem = node.validate(expectedDepth: depth, blocksCount: layout.blocksCount, zones: zones) {
            throw Ext4Error(problem.errno, "\(problem.message) (inode \(handle.number), block \(block))")
        }
        guard node.capacity == extentBlockCapacity, node.entries > 0 else {
            throw .corrupt("ext4: inode \(handle.number) extent block \(block) holds \(node.entries)/\(node.capacity)")
        }
        return node
    }

    /// The path to the leaf that holds (or would hold) `logical`.
    func extentPath(_ handle: InodeHandle, _ logical: UInt32) throws(Ext4Error) -> [ExtentLevel] {
        var node = try extentRoot(handle)
        var path: [ExtentLevel] = []
        var block: UInt64 = 0
        while true {
            let index = node.search(logical)
            if node.depth == 0 {
                path.append(ExtentLevel(node: node, block: block, index: index))
                return path
            }
            let chosen = max(index, 0)
            path.append(ExtentLevel(node: node, block: block, index: chosen))
            let child = node.child(chosen)
            let depth = node.depth &- 1
            node = try loadExtentNode(child, depth: depth, handle)
            block = child
        }
    }

    /// Writes a node back: the root into the inode, a block through the journal.
    func storeExtentLevel(_ level: ExtentLevel, _ handle: inout InodeHandle) {
        if level.block == 0 {
            handle.inode.raw.copy(
                from: level.node.bytes, at: 0, to: Inode.blockAreaOffset, count: Inode.blockAreaSize)
            changedInOperation = true
        } else {
            var node = level.node
            if layout.metadataChecksum { node.updateChecksum(seed: handle.seed) }
            setMetadata(level.block, node.bytes)
        }
    }

    // MARK: Lookup

    /// The extent holding `logical`, or nil in a hole; `next` is where the following extent
    /// starts (2^32 when none), so a hole's length is known without another lookup.
    func lookupExtent(_ handle: InodeHandle, _ logical: UInt32) throws(Ext4Error) -> (extent: Extent?, next: UInt64) {
        let path = try extentPath(handle, logical)
        var next: UInt64 = 1 << 32
        for level in path where level.index &+ 1 < level.node.entries {
            next = min(next, UInt64(level.node.key(level.index &+ 1)))
        }
        let leaf = path[path.count &- 1]
        if leaf.index < 0 {
            if leaf.node.entries > 0 { next = min(next, UInt64(leaf.node.key(0))) }
            return (nil, next)
        }
        let extent = leaf.node.extent(leaf.index)
        if UInt64(logical) < extent.end { return (extent, next) }
        return (nil, next)
    }

    /// Every extent of the file in order.
    func allExtents(_ handle: InodeHandle) throws(Ext4Error) -> [Extent] {
        var result: [Extent] = []
        try collectExtents(try extentRoot(handle), handle, into: &result)
        return result
    }

    private func collectExtents(_ node: ExtentNode, _ handle: InodeHandle, into result: inout [Extent]) throws(Ext4Error) {
        var index = 0
        while index < node.entries {
            if node.depth == 0 {
                result.append(node.extent(index))
            } else {
                let child = try loadExtentNode(node.child(index), depth: node.depth &- 1, handle)
                try collectExtents(child, handle, into: &result)
            }
            index &+= 1
        }
    }

    // MARK: Insertion

    /// Maps the unmapped range of `extent`, merging with a neighbour when the blocks continue
    /// it on disk.
    func insertExtent(_ extent: Extent, _ handle: inout InodeHandle) throws(Ext4Error) {
        var path = try extentPath(handle, extent.logical)
        let leafLevel = path.count &- 1
        var leaf = path[leafLevel]
        let index = leaf.index
        if index >= 0 {
            var left = leaf.node.extent(index)
            if left.initialized == extent.initialized, left.end == UInt64(extent.logical),
                left.physical &+ UInt64(left.length) == extent.physical, left.length &+ extent.length <= left.maxLength
            {
                left.length &+= extent.length
                leaf.node.setExtent(index, left)
                path[leafLevel] = leaf
                storeExtentLevel(leaf, &handle)
                return
            }
        }
        if index &+ 1 < leaf.node.entries {
            var right = leaf.node.extent(index &+ 1)
            if right.initialized == extent.initialized, extent.end == UInt64(right.logical),
                extent.physical &+ UInt64(extent.length) == right.physical, right.length &+ extent.length <= right.maxLength
            {
                right.logical = extent.logical
                right.physical = extent.physical
                right.length &+= extent.length
                leaf.node.setExtent(index &+ 1, right)
                path[leafLevel] = leaf
                storeExtentLevel(leaf, &handle)
                if index &+ 1 == 0 { try correctKeys(&path, from: leafLevel, &handle) }
                return
            }
        }
        try insertEntry(&path, level: leafLevel, position: index &+ 1, entry: ExtentNode.leafEntry(extent), key: extent.logical, &handle)
    }

    /// Inserts a raw entry at `position` of the node at `level`, splitting full nodes and
    /// growing the tree when the root is full.
    private func insertEntry(
        _ path: inout [ExtentLevel], level: Int, position: Int, entry: [UInt8], key: UInt32, _ handle: inout InodeHandle
    ) throws(Ext4Error) {
        var current = path[level]
        if !current.node.isFull {
            current.node.insert(entry, at: position)
            path[level] = current
            storeExtentLevel(current, &handle)
            if position == 0 && level > 0 { try correctKeys(&path, from: level, &handle) }
            return
        }
        if level == 0 {
            // Grow: the root's entries move to a new block, the root points at it.
            guard current.node.depth < ExtentNode.maxDepth else {
                throw .corrupt("ext4: inode \(handle.number) extent tree too deep")
            }
            let block = try allocateTreeBlock(&handle)
            var child = ExtentNode(size: layout.blockSize, depth: current.node.depth)
            var moved = 0
            while moved < current.node.entries {
                child.insert(current.node.entry(moved), at: moved)
                moved &+= 1
            }
            var root = ExtentNode(size: Inode.blockAreaSize, depth: current.node.depth &+ 1)
            root.insert(ExtentNode.indexEntry(key: child.key(0), child: block), at: 0)
            let childLevel = ExtentLevel(node: child, block: block, index: current.index)
            path[0] = ExtentLevel(node: root, block: 0, index: 0)
            path.insert(childLevel, at: 1)
            storeExtentLevel(childLevel, &handle)
            storeExtentLevel(path[0], &handle)
            try insertEntry(&path, level: 1, position: position, entry: entry, key: key, &handle)
            return
        }
        // Split a full block node. Appending at the end starts a new node with just the new
        // entry (sequential writes then fill nodes completely); otherwise the upper half moves.
        let block = try allocateTreeBlock(&handle)
        var right = ExtentNode(size: layout.blockSize, depth: current.node.depth)
        let parentLevel = level &- 1
        if position == current.node.entries {
            right.insert(entry, at: 0)
            storeExtentLevel(ExtentLevel(node: right, block: block, index: 0), &handle)
            try insertEntry(
                &path, level: parentLevel, position: path[parentLevel].index &+ 1,
                entry: ExtentNode.indexEntry(key: key, child: block), key: key, &handle)
            return
        }
        let split = current.node.entries / 2
        var moved = 0
        while current.node.entries > split {
            right.insert(current.node.entry(split), at: moved)
            current.node.remove(at: split)
            moved &+= 1
        }
        storeExtentLevel(current, &handle)
        storeExtentLevel(ExtentLevel(node: right, block: block, index: 0), &handle)
        let rightKey = right.key(0)
        let distanceFromLeaf = path.count &- 1 &- level
        try insertEntry(
            &path, level: parentLevel, position: path[parentLevel].index &+ 1,
            entry: ExtentNode.indexEntry(key: rightKey, child: block), key: rightKey, &handle)
        // The tree changed shape above this level; find the right node again and retry.
        var fresh = try extentPath(handle, key)
        let targetLevel = fresh.count &- 1 &- distanceFromLeaf
        try insertEntry(
            &fresh, level: targetLevel, position: fresh[targetLevel].index &+ 1, entry: entry, key: key, &handle)
    }

    /// After the first entry of the node at `level` changed, makes the index keys above equal
    /// to it.
    func correctKeys(_ path: inout [ExtentLevel], from level: Int, _ handle: inout InodeHandle) throws(Ext4Error) {
        var current = level
        while current > 0 {
            guard path[current].node.entries > 0 else { return }
            let key = path[current].node.key(0)
            let parent = current &- 1
            let slot = path[parent].index
            guard path[parent].node.key(slot) != key else { return }
            path[parent].node.setKey(slot, key)
            storeExtentLevel(path[parent], &handle)
            if slot != 0 { return }
            current = parent
        }
    }

    private func allocateTreeBlock(_ handle: inout InodeHandle) throws(Ext4Error) -> UInt64 {
        let goal = layout.groupStart(layout.inodeLocation(handle.number).group)
        let run = try allocateBlocks(goal: goal, count: 1)
        handle.inode.setSectors(handle.inode.sectors(blockSize: layout.blockSize) &+ UInt64(layout.blockSize / 512))
        return run.start
    }

    // MARK: Removal

    /// Removes the entry at `position` of the node at `level`; a block node left empty is
    /// freed and removed from its parent in turn.
    private func removeEntry(_ path: inout [ExtentLevel], level: Int, position: Int, _ handle: inout InodeHandle) throws(Ext4Error) {
        path[level].node.remove(at: position)
        if path[level].node.entries == 0 && level > 0 {
            freeMetadataBlock(path[level].block)
            handle.inode.setSectors(handle.inode.sectors(blockSize: layout.blockSize) &- UInt64(layout.blockSize / 512))
            try removeEntry(&path, level: level &- 1, position: path[level &- 1].index, &handle)
            return
        }
        if level == 0 && path[0].node.entries == 0 { path[0].node.depth = 0 }
        storeExtentLevel(path[level], &handle)
        if position == 0 && level > 0 { try correctKeys(&path, from: level, &handle) }
    }

    /// Pulls a lone child back into the root while its entries fit there.
    private func collapseRoot(_ handle: inout InodeHandle) throws(Ext4Error) {
        while true {
            var root = try extentRoot(handle)
            guard root.depth > 0, root.entries == 1 else { return }
            let childBlock = root.child(0)
            let child = try loadExtentNode(childBlock, depth: root.depth &- 1, handle)
            guard child.entries <= root.capacity else { return }
            root = ExtentNode(size: Inode.blockAreaSize, depth: child.depth)
            var index = 0
            while index < child.entries {
                root.insert(child.entry(index), at: index)
                index &+= 1
            }
            storeExtentLevel(ExtentLevel(node: root, block: 0, index: 0), &handle)
            freeMetadataBlock(childBlock)
            handle.inode.setSectors(handle.inode.sectors(blockSize: layout.blockSize) &- UInt64(layout.blockSize / 512))
        }
    }

    /// Unmaps every block from logical block `first` on and frees them; at most `limit`
    /// extents per call. Returns whether blocks from `first` on remain mapped.
    func truncateExtents(_ handle: inout InodeHandle, from first: UInt32, limit: Int = Int.max) throws(Ext4Error) -> Bool {
        var removed = 0
        while true {
            var path = try extentPath(handle, UInt32.max)
            let leafLevel = path.count &- 1
            let leaf = path[leafLevel]
            guard leaf.index >= 0 else { break }
            var extent = leaf.node.extent(leaf.index)
            guard extent.end > UInt64(first) else { break }
            guard removed < limit else { return true }
            if extent.logical >= first {
                releaseData(extent.physical, count: extent.length, &handle)
                try removeEntry(&path, level: leafLevel, position: leaf.index, &handle)
            } else {
                let keep = first &- extent.logical
                releaseData(extent.physical &+ UInt64(keep), count: extent.length &- keep, &handle)
                extent.length = keep
                path[leafLevel].node.setExtent(leaf.index, extent)
                storeExtentLevel(path[leafLevel], &handle)
            }
            removed &+= 1
        }
        try collapseRoot(&handle)
        return false
    }

    /// Unmaps logical blocks `start..<end`, freeing them when `free` (a hole punch) or
    /// leaving them allocated (when the caller re-maps them, as when unwritten extents are
    /// written).
    func unmapRange(_ handle: inout InodeHandle, from start: UInt32, to end: UInt64, free: Bool) throws(Ext4Error) {
        guard UInt64(start) < end else { return }
        let last = UInt32(truncatingIfNeeded: end &- 1)
        while true {
            var path = try extentPath(handle, last)
            let leafLevel = path.count &- 1
            let leaf = path[leafLevel]
            guard leaf.index >= 0 else { break }
            var extent = leaf.node.extent(leaf.index)
            guard extent.end > UInt64(start) else { break }
            if extent.logical >= start && extent.end <= end {
                if free { releaseData(extent.physical, count: extent.length, &handle) }
                try removeEntry(&path, level: leafLevel, position: leaf.index, &handle)
                continue
            }
            if extent.logical < start && extent.end > end {
                // The range is inside one extent: keep both ends.
                let headLength = start &- extent.logical
                let tailStart = UInt32(truncatingIfNeeded: end)
                let tail = Extent(
                    logical: tailStart, length: UInt32(extent.end &- end),
                    physical: extent.physical &+ UInt64(tailStart &- extent.logical), initialized: extent.initialized)
                if free { releaseData(extent.physical &+ UInt64(headLength), count: UInt32(end &- UInt64(start)), &handle) }
                extent.length = headLength
                path[leafLevel].node.setExtent(leaf.index, extent)
                storeExtentLevel(path[leafLevel], &handle)
                try insertExtent(tail, &handle)
                break
            }
            if extent.logical < start {
                let keep = start &- extent.logical
                if free { releaseData(extent.physical &+ UInt64(keep), count: extent.length &- keep, &handle) }
                extent.length = keep
                path[leafLevel].node.setExtent(leaf.index, extent)
                storeExtentLevel(path[leafLevel], &handle)
                break
            }
            // The extent starts inside the range and runs past its end: drop its head.
            let cut = UInt32(truncatingIfNeeded: end) &- extent.logical
            if free { releaseData(extent.physical, count: cut, &handle) }
            extent.logical &+= cut
            extent.physical &+= UInt64(cut)
            extent.length &-= cut
            path[leafLevel].node.setExtent(leaf.index, extent)
            storeExtentLevel(path[leafLevel], &handle)
            if leaf.index == 0 { try correctKeys(&path, from: leafLevel, &handle) }
        }
        try collapseRoot(&handle)
    }

    /// Frees data blocks of a file and takes them off its block count.
    func releaseData(_ start: UInt64, count: UInt32, _ handle: inout InodeHandle) {
        guard count > 0 else { return }
        freeBlocks(start, count: UInt64(count))
        let sectors = UInt64(count) &* UInt64(layout.blockSize / 512)
        let current = handle.inode.sectors(blockSize: layout.blockSize)
        handle.inode.setSectors(current >= sectors ? current &- sectors : 0)
    }
}
