import LinuxABI

/// The read side of the public interface.
extension Ext4FileSystem {
    /// A live inode: in use, of a known type, with links (or unlinked but still open and
    /// waiting on the orphan list).
    func liveHandle(_ number: UInt32) throws(Ext4Error) -> InodeHandle {
        guard layout.isValidInode(number) else { throw Ext4Error(.EINVAL, "ext4: no inode \(number)") }
        let handle = try handle(number)
        guard handle.fileType != nil, handle.inode.linksCount > 0 || openOrphans.contains(number) else {
            throw .corrupt("ext4: inode \(number) is not in use")
        }
        return handle
    }

    func directoryHandle(_ number: UInt32) throws(Ext4Error) -> InodeHandle {
        let handle = try liveHandle(number)
        guard handle.fileType == .directory else { throw .notDirectory }
        return handle
    }

    /// `stat` data for inode `number`.
    public func attributes(_ number: UInt32) throws(Ext4Error) -> Ext4Attributes {
        let handle = try liveHandle(number)
        let inode = handle.inode
        let type = inode.fileType!
        var device = Ext4DeviceNumber(major: 0, minor: 0)
        if type == .characterDevice || type == .blockDevice { device = inode.device }
        return Ext4Attributes(
            inode: number, type: type, permissions: inode.permissions, uid: inode.uid, gid: inode.gid,
            linkCount: UInt32(inode.linksCount), size: inode.size, blocks: inode.sectors(blockSize: layout.blockSize),
            accessTime: inode.accessTime, modificationTime: inode.modificationTime, changeTime: inode.changeTime,
            creationTime: inode.creationTime, device: device, flags: inode.flags, generation: inode.generation)
    }

    /// The inode `name` names in `directory`; ENOENT when none. `.` and `..` work too.
    public func lookup(_ name: [UInt8], in directory: UInt32) throws(Ext4Error) -> UInt32 {
        let handle = try directoryHandle(directory)
        guard name.count <= 255 else { throw .nameTooLong }
        if name == Self.dot { return directory }
        if name == Self.dotDot { return try parentInode(handle) }
        guard let location = try findEntry(handle, name) else { throw .notFound }
        guard layout.isValidInode(location.inode) else {
            throw .corrupt("ext4: directory \(directory) entry names inode \(location.inode)")
        }
        return location.inode
    }

    /// The parent directory (the root is its own parent).
    public func parent(of directory: UInt32) throws(Ext4Error) -> UInt32 {
        try parentInode(try directoryHandle(directory))
    }

    /// Calls `visit` with entries from `cookie` (0 = the start; `.` and `..` come first)
    /// until it returns false. Linear directories use byte offsets as cookies; hashed ones
    /// use hash positions, so cookies stay valid while leaves split.
    public func readDirectory(_ directory: UInt32, from cookie: UInt64, _ visit: (Ext4DirectoryEntry) -> Bool) throws(Ext4Error) {
        let handle = try directoryHandle(directory)
        func entry(_ record: DirectoryRecord, _ data: [UInt8], _ next: UInt64) throws(Ext4Error) -> Ext4DirectoryEntry {
            var type = layout.hasFileType ? Ext4FileType(directoryEntryType: record.fileType) : nil
            if type == nil && layout.isValidInode(record.inode) { type = try readInode(record.inode).fileType }
            return Ext4DirectoryEntry(
                name: DirectoryBlock.name(data, record), inode: record.inode, type: type, nextCookie: next)
        }
        if handle.inode.hasInlineData {
            // `.` and `..` (cookies 0 and 1) are implied; records follow at 2 + their offset.
            let (parent, data) = try InlineData.directory(handle.inode, number: directory)
            if cookie == 0 && !visit(Ext4DirectoryEntry(name: Self.dot, inode: directory, type: .directory, nextCookie: 1)) {
                return
            }
            if cookie <= 1 && !visit(Ext4DirectoryEntry(name: Self.dotDot, inode: parent, type: .directory, nextCookie: 2)) {
                return
            }
            let records = try DirectoryBlock.records(data, checksums: false, hasFileType: layout.hasFileType)
            for record in records where record.inode != 0 && UInt64(record.offset) &+ 2 >= cookie {
                if !visit(try entry(record, data, UInt64(record.offset &+ record.recordLength) &+ 2)) { return }
            }
            return
        }
        guard let tree = try htree(handle) else {
            try iterateLinear(handle, from: cookie) { (record, data, next) throws(Ext4Error) in
                visit(try entry(record, data, next))
            }
            return
        }
        // Hashed: cookie 0 is `.`, 1 is `..`, then 2 + hash position.
        if cookie < 2 {
            let (_, data) = try readDirectoryBlock(handle, 0)
            let records = try leafRecords(handle, 0, data)
            var index = Int(cookie)
            while index < records.count {
                if !visit(try entry(records[index], data, UInt64(index &+ 1))) { return }
                index &+= 1
            }
        }
        let start = cookie < 2 ? 0 : cookie &- 2
        try tree.iterate(handle, from: start, fs: self) { (record, data, next) throws(Ext4Error) in
            visit(try entry(record, data, next &+ 2))
        }
    }

    /// Copies file bytes from `offset` into `buffer`; returns how many (0 at the end).
    public func read(_ number: UInt32, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Ext4Error) -> Int {
        let handle = try liveHandle(number)
        switch handle.fileType {
        case .directory: throw .isDirectory
        case .regular, .symlink: break
        default: throw .invalid
        }
        let size = handle.inode.size
        guard offset < size, buffer.count > 0 else { return 0 }
        let total = Int(min(UInt64(buffer.count), size &- offset))
        if handle.inode.hasInlineData {
            let inline = try InlineData.contents(handle.inode, number: number)
            guard size <= UInt64(inline.count) else { throw .corrupt("ext4: inode \(number) inline data is short") }
            inline.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: buffer[0..<total])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[Int(offset)..<(Int(offset) &+ total)]))
            }
            return total
        }
        let blockSize = layout.blockSize
        var done = 0
        var scratch: [UInt8] = []
        while done < total {
            let position = offset &+ UInt64(done)
            let logical = UInt32(truncatingIfNeeded: position / UInt64(blockSize))
            let within = Int(position % UInt64(blockSize))
            let run = try mapRun(handle, logical)
            let runBytes = UInt64(max(run.count, 1)) &* UInt64(blockSize) &- UInt64(within)
            let span = Int(min(runBytes, UInt64(total &- done)))
            let destination = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done &+ span)])
            if let physical = run.physical {
                if within == 0 && span >= blockSize {
                    let blocks = span / blockSize
                    try io.read(physical, count: blocks, into: UnsafeMutableRawBufferPointer(rebasing: destination[0..<(blocks &* blockSize)]))
                    done &+= blocks &* blockSize
                    continue
                }
                let piece = min(span, blockSize &- within)
                if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: blockSize) }
                try io.read(physical, count: 1, into: &scratch, at: 0)
                scratch.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(rebasing: destination[0..<piece])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[within..<(within &+ piece)]))
                }
                done &+= piece
            } else {
                destination.initializeMemory(as: UInt8.self, repeating: 0)
                done &+= span
            }
        }
        return total
    }

    /// A symlink's target.
    public func readLink(_ number: UInt32) throws(Ext4Error) -> [UInt8] {
        let handle = try liveHandle(number)
        guard handle.fileType == .symlink else { throw .invalid }
        let size = handle.inode.size
        guard size > 0, size <= 4096 else {
            throw .corrupt("ext4: symlink \(number) has size \(size)")
        }
        if isFastSymlink(handle.inode) && !handle.inode.hasInlineData {
            return Array(handle.inode.raw[Inode.blockAreaOffset..<(Inode.blockAreaOffset &+ Int(size))])
        }
        var target = [UInt8](repeating: 0, count: Int(size))
        let count = try withMutableBytes(&target) { (raw) throws(Ext4Error) -> Int in
            try read(number, at: 0, into: raw)
        }
        guard count == Int(size) else { throw .corrupt("ext4: symlink \(number) is short") }
        return target
    }

    /// A symlink whose target lives in `i_block` (shorter than 60 bytes, no data block).
    func isFastSymlink(_ inode: Inode) -> Bool {
        inode.fileType == .symlink && inode.size < UInt64(Inode.blockAreaSize) && inode.flags & Inode.extentsFlag == 0
            && inode.sectors(blockSize: layout.blockSize) == (inode.fileACL != 0 ? UInt64(layout.blockSize / 512) : 0)
    }

    /// `statfs` numbers.
    public func statistics() -> Ext4Statistics {
        let free = superblock.freeBlocksCount
        let reserved = superblock.reservedBlocksCount
        return Ext4Statistics(
            blockSize: layout.blockSize, blocks: layout.blocksCount, freeBlocks: free,
            availableBlocks: free > reserved ? free &- reserved : 0, inodes: UInt64(layout.inodesCount),
            freeInodes: UInt64(superblock.freeInodesCount), maximumNameLength: 255)
    }
}
