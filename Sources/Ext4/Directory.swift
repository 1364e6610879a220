/// Directory contents: lookup, insertion, removal and iteration over linear directories, and
/// the dispatch to `HTree` for hashed ones.
///
/// A hashed directory is also a valid linear one (its index blocks look like empty entries to
/// a linear reader), which is why removal and in-place updates need no index work: only
/// insertion must choose the leaf the index names for the entry's hash.
extension Ext4FileSystem {
    /// Where one entry is.
    struct EntryLocation {
        var logical: UInt32
        var physical: UInt64
        var offset: Int
        /// The record before it in the same block, which absorbs it on removal.
        var previousOffset: Int?
        var inode: UInt32
        var fileType: UInt8
    }

    static let dot: [UInt8] = [0x2E]
    static let dotDot: [UInt8] = [0x2E, 0x2E]

    /// Whether directory blocks carry checksums.
    var directoryChecksums: Bool { layout.metadataChecksum }

    func directoryBlockCount(_ handle: InodeHandle) throws(Ext4Error) -> UInt32 {
        let size = handle.inode.size
        guard size % UInt64(layout.blockSize) == 0, size / UInt64(layout.blockSize) < UInt64(UInt32.max) else {
            throw .corrupt("ext4: directory \(handle.number) has size \(size)")
        }
        return UInt32(size / UInt64(layout.blockSize))
    }

    /// Block `logical` of a directory, verified.
    func readDirectoryBlock(_ handle: InodeHandle, _ logical: UInt32) throws(Ext4Error) -> (physical: UInt64, data: [UInt8]) {
        let run = try mapRun(handle, logical, unwrittenAsHole: false)
        guard let physical = run.physical, run.initialized else {
            throw .corrupt("ext4: directory \(handle.number) has a hole at block \(logical)")
        }
        return (physical, try metadata(physical, kind: .directory(seed: handle.seed)))
    }

    /// Checks a directory block's checksum: the dx tail of index blocks, the leaf tail
    /// otherwise.
    func verifyDirectoryChecksum(_ data: [UInt8], seed: UInt32, block: UInt64) throws(Ext4Error) {
        if let countOffset = HTreeNode.countOffset(of: data) {
            let node = HTreeNode(data: data, countOffset: countOffset)
            guard node.hasTail(checksums: true) else { throw .badChecksum("ext4: htree block \(block) has no checksum tail") }
            guard node.computedChecksum(seed: seed) == node.storedChecksum else {
                throw .badChecksum("ext4: htree block \(block) checksum mismatch")
            }
            return
        }
        guard DirectoryBlock.hasTail(data) else { throw .badChecksum("ext4: directory block \(block) has no checksum tail") }
        guard DirectoryBlock.checksum(data, seed: seed) == data.le32(data.count &- 4) else {
            throw .badChecksum("ext4: directory block \(block) checksum mismatch")
        }
    }

    /// Whether block `logical` of a hashed directory, read in linear order, is an index block
    /// (no entries). An emptied leaf of a volume without checksums has the same shape and is
    /// skipped too, which is harmless: it holds no entries. Code that reaches a leaf through
    /// the index knows what it is and uses `indexedLeafRecords` instead.
    func isIndexBlock(_ handle: InodeHandle, _ logical: UInt32, _ data: [UInt8]) -> Bool {
        guard handle.inode.isIndexed else { return false }
        if logical == 0 { return true }
        return data.le32(0) == 0 && DirectoryBlock.decodeLength(data.le16(4), blockSize: data.count) == data.count
    }

    /// The records of a block read as a leaf; the root of a hashed directory yields `.` and `..`.
    func leafRecords(_ handle: InodeHandle, _ logical: UInt32, _ data: [UInt8]) throws(Ext4Error) -> [DirectoryRecord] {
        if isIndexBlock(handle, logical, data) {
            guard logical == 0 else { return [] }
            let all = try DirectoryBlock.records(data, checksums: false, hasFileType: layout.hasFileType)
            return Array(all.prefix(2))
        }
        return try indexedLeafRecords(data)
    }

    /// The records of a block the htree index names as a leaf.
    func indexedLeafRecords(_ data: [UInt8]) throws(Ext4Error) -> [DirectoryRecord] {
        try DirectoryBlock.records(data, checksums: directoryChecksums, hasFileType: layout.hasFileType)
    }

    /// Writes a leaf block back with a fresh tail checksum.
    func storeLeaf(_ handle: InodeHandle, physical: UInt64, _ data: [UInt8]) {
        var block = data
        if directoryChecksums { DirectoryBlock.setTail(&block, seed: handle.seed) }
        setMetadata(physical, block)
    }

    // MARK: Lookup

    /// Finds `name` (not `.` or `..`) in the directory.
    func findEntry(_ handle: InodeHandle, _ name: [UInt8]) throws(Ext4Error) -> EntryLocation? {
        if handle.inode.hasInlineData {
            let (_, data) = try InlineData.directory(handle.inode, number: handle.number)
            for record in try DirectoryBlock.records(data, checksums: false, hasFileType: layout.hasFileType)
            where record.inode != 0 && DirectoryBlock.nameEquals(data, record, name) {
                return EntryLocation(
                    logical: 0, physical: 0, offset: record.offset, previousOffset: nil, inode: record.inode,
                    fileType: record.fileType)
            }
            return nil
        }
        if let tree = try htree(handle) { return try tree.find(name, in: handle, fs: self) }
        let count = try directoryBlockCount(handle)
        var logical: UInt32 = 0
        while logical < count {
            if let found = try findEntry(name, inBlock: logical, handle) { return found }
            logical &+= 1
        }
        return nil
    }

    /// Looks for `name` in one block (`indexedLeaf`: a leaf the htree index named).
    func findEntry(_ name: [UInt8], inBlock logical: UInt32, _ handle: InodeHandle, indexedLeaf: Bool = false) throws(Ext4Error)
        -> EntryLocation?
    {
        let (physical, data) = try readDirectoryBlock(handle, logical)
        if !indexedLeaf && isIndexBlock(handle, logical, data) { return nil }
        var previous: Int? = nil
        for record in try indexedLeaf ? indexedLeafRecords(data) : leafRecords(handle, logical, data) {
            if record.inode != 0 && DirectoryBlock.nameEquals(data, record, name) {
                return EntryLocation(
                    logical: logical, physical: physical, offset: record.offset, previousOffset: previous,
                    inode: record.inode, fileType: record.fileType)
            }
            previous = record.offset
        }
        return nil
    }

    /// The parent recorded in a directory's `..` entry.
    func parentInode(_ handle: InodeHandle) throws(Ext4Error) -> UInt32 {
        if handle.inode.hasInlineData {
            let parent = try InlineData.directory(handle.inode, number: handle.number).parent
            guard layout.isValidInode(parent) else { throw .corrupt("ext4: inline directory \(handle.number) parent \(parent)") }
            return parent
        }
        let (_, data) = try readDirectoryBlock(handle, 0)
        let records = try DirectoryBlock.records(
            data, checksums: directoryChecksums && !handle.inode.isIndexed, hasFileType: layout.hasFileType)
        guard records.count >= 2, DirectoryBlock.nameEquals(data, records[1], Self.dotDot),
            layout.isValidInode(records[1].inode)
        else {
            throw .corrupt("ext4: directory \(handle.number) has no '..' entry")
        }
        return records[1].inode
    }

    /// Points a directory's `..` at `parent`.
    func setParentInode(_ handle: InodeHandle, _ parent: UInt32) throws(Ext4Error) {
        var (physical, data) = try readDirectoryBlock(handle, 0)
        let records = try DirectoryBlock.records(
            data, checksums: directoryChecksums && !handle.inode.isIndexed, hasFileType: layout.hasFileType)
        guard records.count >= 2, DirectoryBlock.nameEquals(data, records[1], Self.dotDot) else {
            throw .corrupt("ext4: directory \(handle.number) has no '..' entry")
        }
        data.setLE32(records[1].offset, parent)
        if handle.inode.isIndexed {
            try storeIndexRoot(handle, physical: physical, data)
        } else {
            storeLeaf(handle, physical: physical, data)
        }
        physical = 0
    }

    // MARK: Changes

    /// Adds an entry (the caller checked that the name is free).
    func addEntry(_ handle: inout InodeHandle, _ name: [UInt8], inode: UInt32, type: Ext4FileType) throws(Ext4Error) {
        let fileType: UInt8 = layout.hasFileType ? type.directoryEntryType : 0
        if let tree = try htree(handle) {
            try tree.insert(name, inode: inode, fileType: fileType, into: &handle, fs: self)
            return
        }
        guard !handle.inode.isIndexed else {
            // Hashed, but the volume lacks dir_index: a linear insertion would overwrite the
            // index root, and e2fsck is what should decide about the directory.
            throw .corrupt("ext4: directory \(handle.number) is hashed on a volume without dir_index")
        }
        let count = try directoryBlockCount(handle)
        var logical: UInt32 = 0
        while logical < count {
            let (physical, data) = try readDirectoryBlock(handle, logical)
            var block = data
            for record in try leafRecords(handle, logical, data)
            where DirectoryBlock.insert(&block, into: record, inode: inode, name: name, fileType: fileType) {
                storeLeaf(handle, physical: physical, block)
                return
            }
            logical &+= 1
        }
        let (physical, _) = try appendDirectoryBlock(&handle)
        var block = DirectoryBlock.empty(blockSize: layout.blockSize, checksums: directoryChecksums, seed: handle.seed)
        DirectoryBlock.write(
            &block, at: 0, inode: inode, length: DirectoryBlock.limit(block, checksums: directoryChecksums), name: name,
            fileType: fileType)
        storeLeaf(handle, physical: physical, block)
    }

    /// Grows a directory by one block; returns its volume block and logical number. The
    /// caller fills the block.
    func appendDirectoryBlock(_ handle: inout InodeHandle) throws(Ext4Error) -> (physical: UInt64, logical: UInt32) {
        let logical = try directoryBlockCount(handle)
        var goal = layout.groupStart(layout.inodeLocation(handle.number).group)
        if logical > 0, let previous = try mapRun(handle, logical &- 1, unwrittenAsHole: false).physical {
            goal = previous &+ 1
        }
        let run = try allocateBlocks(goal: goal, count: 1)
        handle.inode.setSectors(handle.inode.sectors(blockSize: layout.blockSize) &+ UInt64(layout.blockSize / 512))
        try insertExtent(Extent(logical: logical, length: 1, physical: run.start, initialized: true), &handle)
        handle.inode.size = handle.inode.size &+ UInt64(layout.blockSize)
        return (run.start, logical)
    }

    /// Removes the entry at `location`.
    func removeEntry(_ handle: InodeHandle, at location: EntryLocation) throws(Ext4Error) {
        var (physical, data) = try readDirectoryBlock(handle, location.logical)
        if let previous = location.previousOffset {
            let previousLength = DirectoryBlock.decodeLength(data.le16(previous &+ 4), blockSize: data.count)
            let length = DirectoryBlock.decodeLength(data.le16(location.offset &+ 4), blockSize: data.count)
            DirectoryBlock.setRecordLength(&data, at: previous, previousLength &+ length)
        } else {
            data.setLE32(location.offset, 0)
        }
        storeLeaf(handle, physical: physical, data)
        physical = 0
    }

    /// Makes the entry at `location` name another inode (rename over an existing name).
    func retargetEntry(_ handle: InodeHandle, at location: EntryLocation, inode: UInt32, type: Ext4FileType) throws(Ext4Error) {
        var (physical, data) = try readDirectoryBlock(handle, location.logical)
        data.setLE32(location.offset, inode)
        if layout.hasFileType { data[location.offset &+ 7] = type.directoryEntryType }
        storeLeaf(handle, physical: physical, data)
        physical = 0
    }

    /// Whether the directory holds nothing but `.` and `..`.
    func isEmptyDirectory(_ handle: InodeHandle) throws(Ext4Error) -> Bool {
        let count = try directoryBlockCount(handle)
        var logical: UInt32 = 0
        while logical < count {
            let (_, data) = try readDirectoryBlock(handle, logical)
            for record in try leafRecords(handle, logical, data) where record.inode != 0 {
                let isDot = DirectoryBlock.nameEquals(data, record, Self.dot)
                let isDotDot = DirectoryBlock.nameEquals(data, record, Self.dotDot)
                if !isDot && !isDotDot { return false }
            }
            logical &+= 1
        }
        return true
    }

    /// The first block of a new directory: `.` and `..`.
    func newDirectoryBlock(_ handle: InodeHandle, parent: UInt32) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: layout.blockSize)
        let type: UInt8 = layout.hasFileType ? Ext4FileType.directory.directoryEntryType : 0
        DirectoryBlock.write(&block, at: 0, inode: handle.number, length: 12, name: Self.dot, fileType: type)
        let rest = DirectoryBlock.limit(block, checksums: directoryChecksums) &- 12
        DirectoryBlock.write(&block, at: 12, inode: parent, length: rest, name: Self.dotDot, fileType: type)
        if directoryChecksums { DirectoryBlock.setTail(&block, seed: handle.seed) }
        return block
    }

    // MARK: Iteration

    /// Calls `visit` for each live entry from `cookie` on (linear order; cookies are byte
    /// offsets in the directory). For hashed directories see `HTree.iterate`.
    func iterateLinear(
        _ handle: InodeHandle, from cookie: UInt64, _ visit: (DirectoryRecord, [UInt8], UInt64) throws(Ext4Error) -> Bool
    ) throws(Ext4Error) {
        let count = try directoryBlockCount(handle)
        let blockSize = UInt64(layout.blockSize)
        var logical = UInt32(min(cookie / blockSize, UInt64(count)))
        var skip = Int(cookie % blockSize)
        while logical < count {
            let (_, data) = try readDirectoryBlock(handle, logical)
            for record in try leafRecords(handle, logical, data) where record.offset >= skip && record.inode != 0 {
                let next = UInt64(logical) &* blockSize &+ UInt64(record.offset &+ record.recordLength)
                if !(try visit(record, data, next)) { return }
            }
            skip = 0
            logical &+= 1
        }
    }
}
