import LinuxABI

/// A hashed (htree) directory: lookup through the index, insertion that keeps the index
/// exact, and iteration in hash order.
///
/// Insertion follows Linux's `ext4_dx_add_entry`: when the leaf a name hashes to is full it is
/// split at its median hash into a new block and the index gains an entry for the new block;
/// a full index node is split first (or, when every index level up to the root is full, the
/// tree grows a level, up to two levels — three with `large_dir`), and the insertion restarts.
/// The index therefore always stays valid for e2fsck and Linux; nothing is ever converted back
/// to a linear directory.
struct HTree {
    let hash: DirectoryHash
    let maxLevels: Int
    let blockSize: Int
    let checksums: Bool

    struct Level {
        var logical: UInt32
        var physical: UInt64
        var node: HTreeNode
        var index: Int
    }

    // MARK: Walking the index

    /// The index path to the leaf for `target`.
    func path(to target: UInt32, _ handle: InodeHandle, fs: Ext4FileSystem) throws(Ext4Error) -> [Level] {
        let blocks = try fs.directoryBlockCount(handle)
        let (rootPhysical, rootData) = try fs.readDirectoryBlock(handle, 0)
        var node = HTreeNode(data: rootData, countOffset: HTreeNode.rootCountOffset)
        try check(node, root: true, blocks: blocks, handle)
        // Read from the root every time: an insertion may just have added a level.
        let levels = Int(rootData[30]) &+ 1
        guard levels <= maxLevels else {
            throw .corrupt("ext4: directory \(handle.number) has \(levels) index levels")
        }
        var result: [Level] = []
        var logical: UInt32 = 0
        var physical = rootPhysical
        while true {
            let index = node.search(target)
            result.append(Level(logical: logical, physical: physical, node: node, index: index))
            if result.count == levels { return result }
            logical = node.block(index)
            (physical, node) = try readNode(logical, blocks: blocks, handle, fs: fs)
        }
    }

    private func readNode(_ logical: UInt32, blocks: UInt32, _ handle: InodeHandle, fs: Ext4FileSystem) throws(Ext4Error)
        -> (UInt64, HTreeNode)
    {
        guard logical > 0, logical < blocks else {
            throw .corrupt("ext4: directory \(handle.number) index points at block \(logical)")
        }
        let (physical, data) = try fs.readDirectoryBlock(handle, logical)
        guard HTreeNode.countOffset(of: data) == HTreeNode.nodeCountOffset else {
            throw .corrupt("ext4: directory \(handle.number) block \(logical) is not an index node")
        }
        let node = HTreeNode(data: data, countOffset: HTreeNode.nodeCountOffset)
        try check(node, root: false, blocks: blocks, handle)
        return (physical, node)
    }

    private func check(_ node: HTreeNode, root: Bool, blocks: UInt32, _ handle: InodeHandle) throws(Ext4Error) {
        let expected = HTreeNode.expectedLimit(blockSize: blockSize, root: root, checksums: checksums)
        guard node.limit == expected, node.count >= 1, node.count <= node.limit else {
            throw .corrupt("ext4: directory \(handle.number) index count \(node.count), limit \(node.limit) (expected \(expected))")
        }
        var index = 0
        while index < node.count {
            guard node.block(index) < blocks else {
                throw .corrupt("ext4: directory \(handle.number) index entry points at block \(node.block(index))")
            }
            index &+= 1
        }
    }

    /// Moves to the next leaf; returns the hash of the index entry reached, nil at the end.
    private func advance(_ path: inout [Level], _ handle: InodeHandle, fs: Ext4FileSystem) throws(Ext4Error) -> UInt32? {
        var level = path.count &- 1
        while path[level].index &+ 1 >= path[level].node.count {
            if level == 0 { return nil }
            level &-= 1
        }
        path[level].index &+= 1
        let reached = path[level].node.hash(path[level].index)
        let blocks = try fs.directoryBlockCount(handle)
        while level &+ 1 < path.count {
            let logical = path[level].node.block(path[level].index)
            let (physical, node) = try readNode(logical, blocks: blocks, handle, fs: fs)
            level &+= 1
            path[level] = Level(logical: logical, physical: physical, node: node, index: 0)
        }
        return reached
    }

    private func leaf(_ path: [Level]) -> UInt32 {
        let last = path[path.count &- 1]
        return last.node.block(last.index)
    }

    // MARK: Lookup

    func find(_ name: [UInt8], in handle: InodeHandle, fs: Ext4FileSystem) throws(Ext4Error) -> Ext4FileSystem.EntryLocation? {
        let target = hash.hash(name).major
        var path = try path(to: target, handle, fs: fs)
        while true {
            if let found = try fs.findEntry(name, inBlock: leaf(path), handle, indexedLeaf: true) { return found }
            guard let next = try advance(&path, handle, fs: fs), next & ~1 == target else { return nil }
        }
    }

    // MARK: Insertion

    func insert(
        _ name: [UInt8], inode: UInt32, fileType: UInt8, into handle: inout InodeHandle, fs: Ext4FileSystem
    ) throws(Ext4Error) {
        let target = hash.hash(name).major
        var restarts = 0
        while restarts <= maxLevels &+ 1 {
            var path = try path(to: target, handle, fs: fs)
            let last = path.count &- 1
            let leafLogical = leaf(path)
            let (leafPhysical, leafData) = try fs.readDirectoryBlock(handle, leafLogical)
            guard leafLogical != 0 else {
                throw .corrupt("ext4: directory \(handle.number) index names its root as a leaf")
            }
            var block = leafData
            for record in try fs.indexedLeafRecords(leafData)
            where DirectoryBlock.insert(&block, into: record, inode: inode, name: name, fileType: fileType) {
                fs.storeLeaf(handle, physical: leafPhysical, block)
                return
            }
            if path[last].node.isFull {
                try splitIndex(&path, &handle, fs: fs)
                restarts &+= 1
                continue
            }
            try splitLeaf(
                &path, leafPhysical: leafPhysical, leafData: leafData, leafLogical: leafLogical, name: name,
                inode: inode, fileType: fileType, target: target, &handle, fs: fs)
            return
        }
        throw .corrupt("ext4: directory \(handle.number) index did not settle")
    }

    /// Splits a full leaf at its median hash and records the new leaf in the index.
    private func splitLeaf(
        _ path: inout [Level], leafPhysical: UInt64, leafData: [UInt8], leafLogical: UInt32, name: [UInt8], inode: UInt32,
        fileType: UInt8, target: UInt32, _ handle: inout InodeHandle, fs: Ext4FileSystem
    ) throws(Ext4Error) {
        struct Item {
            var hash: UInt32
            var record: DirectoryRecord
        }
        var items: [Item] = []
        for record in try fs.indexedLeafRecords(leafData) where record.inode != 0 {
            items.append(Item(hash: hash.hash(DirectoryBlock.name(leafData, record)).major, record: record))
        }
        guard items.count >= 2 else { throw .noSpace }
        items.sort { $0.hash < $1.hash }
        // Move the upper half by size, as Linux does.
        var moved = 0
        var size = 0
        var index = items.count &- 1
        while index > 0 {
            if size &+ items[index].record.neededLength / 2 > blockSize / 2 { break }
            size &+= items[index].record.neededLength
            moved &+= 1
            index &-= 1
        }
        if moved == 0 { moved = 1 }
        let split = items.count &- moved
        let splitHash = items[split].hash
        let continued: UInt32 = items[split &- 1].hash == splitHash ? 1 : 0

        let (newPhysical, newLogical) = try fs.appendDirectoryBlock(&handle)
        var low = DirectoryBlock.empty(blockSize: blockSize, checksums: checksums, seed: handle.seed)
        var high = low
        fill(&low, items[0..<split].map { $0.record }, from: leafData)
        fill(&high, items[split...].map { $0.record }, from: leafData)
        var placed = false
        if target >= splitHash {
            placed = insertIntoCompacted(&high, name: name, inode: inode, fileType: fileType)
        } else {
            placed = insertIntoCompacted(&low, name: name, inode: inode, fileType: fileType)
        }
        guard placed else { throw .noSpace }
        fs.storeLeaf(handle, physical: leafPhysical, low)
        fs.storeLeaf(handle, physical: newPhysical, high)
        let last = path.count &- 1
        path[last].node.insert(at: path[last].index &+ 1, hash: splitHash | continued, block: newLogical)
        try store(path[last], handle, fs: fs)
    }

    /// Writes `records` (taken from `source`) tightly into an empty leaf.
    private func fill(_ block: inout [UInt8], _ records: [DirectoryRecord], from source: [UInt8]) {
        let end = DirectoryBlock.limit(block, checksums: checksums)
        var offset = 0
        for (position, record) in records.enumerated() {
            let length = position == records.count &- 1 ? end &- offset : record.neededLength
            DirectoryBlock.write(
                &block, at: offset, inode: record.inode, length: length, name: DirectoryBlock.name(source, record),
                fileType: record.fileType)
            offset &+= record.neededLength
        }
    }

    private func insertIntoCompacted(_ block: inout [UInt8], name: [UInt8], inode: UInt32, fileType: UInt8) -> Bool {
        guard let records = try? DirectoryBlock.records(block, checksums: checksums, hasFileType: true) else { return false }
        for record in records where DirectoryBlock.insert(&block, into: record, inode: inode, name: name, fileType: fileType) {
            return true
        }
        return false
    }

    /// Makes room in the index level above the leaf: splits the lowest full node whose parent
    /// has room, or adds a level under the root when the whole path is full.
    private func splitIndex(_ path: inout [Level], _ handle: inout InodeHandle, fs: Ext4FileSystem) throws(Ext4Error) {
        var full = path.count &- 1
        while full > 0 && path[full &- 1].node.isFull { full &-= 1 }
        if full == 0 {
            guard path.count < maxLevels else {
                throw Ext4Error(.ENOSPC, "ext4: directory \(handle.number) index is full")
            }
            let (physical, logical) = try fs.appendDirectoryBlock(&handle)
            var child = HTreeNode.emptyNode(blockSize: blockSize, checksums: checksums)
            var root = path[0].node
            let count = root.count
            child.data.copy(from: root.data, at: root.countOffset &+ 4, to: child.countOffset &+ 4, count: 4)
            var index = 1
            while index < count {
                child.data.copy(from: root.data, at: root.countOffset &+ index &* 8, to: child.countOffset &+ index &* 8, count: 8)
                index &+= 1
            }
            child.count = count
            root.count = 1
            root.setBlock(0, logical)
            root.data[30] &+= 1
            try store(Level(logical: logical, physical: physical, node: child, index: 0), handle, fs: fs)
            path[0].node = root
            try store(path[0], handle, fs: fs)
            return
        }
        // path[full] is full and its parent has room.
        let (physical, logical) = try fs.appendDirectoryBlock(&handle)
        var node = path[full].node
        var sibling = HTreeNode.emptyNode(blockSize: blockSize, checksums: checksums)
        let count = node.count
        let keep = count / 2
        let splitHash = node.hash(keep)
        sibling.setBlock(0, node.block(keep))
        var index = keep &+ 1
        var position = 1
        while index < count {
            sibling.data.copy(from: node.data, at: node.countOffset &+ index &* 8, to: sibling.countOffset &+ position &* 8, count: 8)
            index &+= 1
            position &+= 1
        }
        sibling.count = count &- keep
        node.count = keep
        node.data.zero(from: node.countOffset &+ keep &* 8, count: (count &- keep) &* 8)
        path[full].node = node
        try store(path[full], handle, fs: fs)
        try store(Level(logical: logical, physical: physical, node: sibling, index: 0), handle, fs: fs)
        var parent = path[full &- 1]
        parent.node.insert(at: parent.index &+ 1, hash: splitHash, block: logical)
        try store(parent, handle, fs: fs)
    }

    private func store(_ level: Level, _ handle: InodeHandle, fs: Ext4FileSystem) throws(Ext4Error) {
        var node = level.node
        if checksums { node.updateChecksum(seed: handle.seed) }
        fs.setMetadata(level.physical, node.data)
    }

    // MARK: Iteration

    /// Entries in hash order from a position cookie (see `Ext4FileSystem.readDirectory`):
    /// `visit` gets each record, its block, and the cookie that resumes after it.
    func iterate(
        _ handle: InodeHandle, from start: UInt64, fs: Ext4FileSystem,
        _ visit: (DirectoryRecord, [UInt8], UInt64) throws(Ext4Error) -> Bool
    ) throws(Ext4Error) {
        let startMajor = UInt32(truncatingIfNeeded: start >> 32) << 1
        var path = try path(to: startMajor > 0 ? startMajor &- 1 : 0, handle, fs: fs)
        while true {
            // One batch: this leaf and the following ones continuing a hash collision.
            var batch: [(position: UInt64, record: DirectoryRecord, data: [UInt8])] = []
            var more = true
            repeat {
                let logical = leaf(path)
                let (_, data) = try fs.readDirectoryBlock(handle, logical)
                if logical != 0 {
                    for record in try fs.indexedLeafRecords(data) where record.inode != 0 {
                        let value = hash.hash(DirectoryBlock.name(data, record))
                        let position = UInt64(value.major >> 1) << 32 | UInt64(value.minor)
                        if position >= start { batch.append((position, record, data)) }
                    }
                }
                var probe = path
                guard let next = try advance(&probe, handle, fs: fs) else {
                    more = false
                    break
                }
                path = probe
                if next & 1 == 0 { break }
            } while true
            batch.sort { $0.position < $1.position }
            for item in batch {
                if !(try visit(item.record, item.data, item.position &+ 1)) { return }
            }
            if !more { return }
        }
    }
}

extension Ext4FileSystem {
    /// The index of a hashed directory, or nil for a linear one.
    func htree(_ handle: InodeHandle) throws(Ext4Error) -> HTree? {
        guard handle.inode.isIndexed, layout.directoryIndex else { return nil }
        let (_, data) = try readDirectoryBlock(handle, 0)
        guard HTreeNode.countOffset(of: data) == HTreeNode.rootCountOffset else {
            throw .corrupt("ext4: directory \(handle.number) is marked hashed but has no index root")
        }
        let maxLevels = layout.largeDirectory ? 3 : 2
        let hash = DirectoryHash(rootVersion: data[28], unsigned: layout.unsignedHash, seed: layout.hashSeed)
        guard hash.isKnown else { throw .corrupt("ext4: directory \(handle.number) uses hash \(data[28])") }
        return HTree(
            hash: hash, maxLevels: maxLevels, blockSize: layout.blockSize, checksums: directoryChecksums)
    }

    /// Writes an htree root back (after its `..` entry changed).
    func storeIndexRoot(_ handle: InodeHandle, physical: UInt64, _ data: [UInt8]) throws(Ext4Error) {
        var node = HTreeNode(data: data, countOffset: HTreeNode.rootCountOffset)
        if directoryChecksums { node.updateChecksum(seed: handle.seed) }
        setMetadata(physical, node.data)
    }
}
