import LinuxABI

/// Creating, linking, unlinking and renaming names.
///
/// Each call is one operation (one transaction); the checks that can fail (EEXIST, ENOTEMPTY,
/// ENOSPC …) all come before the first change. Deleting an inode whose blocks need more than
/// one transaction to free puts it on the orphan list and finishes in further transactions.
extension Ext4FileSystem {
    /// Checks a name for an entry: 1 to 255 bytes, no `/` or NUL, not `.` or `..`.
    func validateName(_ name: [UInt8]) throws(Ext4Error) {
        guard !name.isEmpty else { throw .invalid }
        guard name.count <= 255 else { throw .nameTooLong }
        guard name != Self.dot, name != Self.dotDot, !name.contains(0x2F), !name.contains(0) else { throw .invalid }
    }

    /// Blocks a namespace operation may touch.
    var namespaceCredits: Int { 96 }

    /// A fresh inode of `type` (not yet written).
    func newInode(_ number: UInt32, type: Ext4FileType, permissions: UInt16, uid: UInt32, gid: UInt32) -> InodeHandle {
        var inode = Inode(raw: [UInt8](repeating: 0, count: layout.inodeSize))
        inode.extraSize = layout.extraInodeSize
        inode.mode = type.modeBits | (permissions & 0o7777)
        inode.uid = uid
        inode.gid = gid
        inode.linksCount = 1
        let now = options.clock()
        inode.accessTime = now
        inode.changeTime = now
        inode.modificationTime = now
        inode.creationTime = now
        if nextGeneration == 0 { nextGeneration = superblock.hashSeed[0] ^ UInt32(truncatingIfNeeded: now.seconds) | 1 }
        nextGeneration = nextGeneration &* 1_103_515_245 &+ 12345
        inode.generation = nextGeneration
        var handle = InodeHandle(number: number, inode: inode, layout: layout)
        if type == .regular || type == .directory { startExtentTree(&handle) }
        return handle
    }

    /// Adds one to a directory's link count (a new subdirectory), saturating at 1 where
    /// dir_nlink allows more than 65000.
    func incrementDirectoryLinks(_ handle: inout InodeHandle) {
        let links = handle.inode.linksCount
        if links == 1 && layout.directoryLinkCount { return }
        if links >= 64999 && layout.directoryLinkCount {
            handle.inode.linksCount = 1
        } else {
            handle.inode.linksCount = links &+ 1
        }
    }

    func decrementDirectoryLinks(_ handle: inout InodeHandle) {
        if handle.inode.linksCount > 2 { handle.inode.linksCount &-= 1 }
    }

    func canAddSubdirectory(_ handle: InodeHandle) -> Bool {
        handle.inode.linksCount < 65000 || layout.directoryLinkCount
    }

    func touch(_ handle: inout InodeHandle) {
        let now = options.clock()
        handle.inode.modificationTime = now
        handle.inode.changeTime = now
    }

    // MARK: Creation

    /// Creates a regular file, device node, FIFO or socket `name` in `directory`.
    public func create(
        _ name: [UInt8], in directory: UInt32, type: Ext4FileType = .regular, permissions: UInt16, uid: UInt32 = 0,
        gid: UInt32 = 0, device: Ext4DeviceNumber = Ext4DeviceNumber(major: 0, minor: 0)
    ) throws(Ext4Error) -> UInt32 {
        guard type != .directory, type != .symlink else { throw .invalid }
        return try makeNode(name, in: directory, type: type, permissions: permissions, uid: uid, gid: gid) {
            (handle) throws(Ext4Error) in
            if type == .characterDevice || type == .blockDevice { handle.inode.device = device }
        }
    }

    /// Creates directory `name` in `directory`.
    public func makeDirectory(_ name: [UInt8], in directory: UInt32, permissions: UInt16, uid: UInt32 = 0, gid: UInt32 = 0) throws(Ext4Error) -> UInt32 {
        try makeNode(name, in: directory, type: .directory, permissions: permissions, uid: uid, gid: gid) {
            (handle) throws(Ext4Error) in
            let (physical, _) = try appendDirectoryBlock(&handle)
            setMetadata(physical, newDirectoryBlock(handle, parent: directory))
            handle.inode.linksCount = 2
        }
    }

    /// Creates symlink `name` to `target` (1 to block size - 1 bytes).
    public func makeSymlink(_ name: [UInt8], in directory: UInt32, target: [UInt8], uid: UInt32 = 0, gid: UInt32 = 0) throws(Ext4Error) -> UInt32 {
        guard !target.isEmpty else { throw Ext4Error(.ENOENT) }
        guard target.count < layout.blockSize, target.count < 4096 else { throw .nameTooLong }
        return try makeNode(name, in: directory, type: .symlink, permissions: 0o777, uid: uid, gid: gid) {
            (handle) throws(Ext4Error) in
            handle.inode.size = UInt64(target.count)
            if target.count < Inode.blockAreaSize {
                handle.inode.raw.copy(from: target, at: 0, to: Inode.blockAreaOffset, count: target.count)
                return
            }
            startExtentTree(&handle)
            let run = try allocateBlocks(goal: layout.groupStart(layout.inodeLocation(handle.number).group), count: 1)
            handle.inode.setSectors(UInt64(layout.blockSize / 512))
            try insertExtent(Extent(logical: 0, length: 1, physical: run.start, initialized: true), &handle)
            // The target is file data, as Linux writes it: in place before the transaction
            // that links the block commits.
            var block = [UInt8](repeating: 0, count: layout.blockSize)
            block.copy(from: target, at: 0, to: 0, count: target.count)
            try io.write(run.start, block)
        }
    }

    private func makeNode(
        _ name: [UInt8], in directory: UInt32, type: Ext4FileType, permissions: UInt16, uid: UInt32, gid: UInt32,
        _ fill: (inout InodeHandle) throws(Ext4Error) -> Void
    ) throws(Ext4Error) -> UInt32 {
        try checkWritable()
        try validateName(name)
        return try operation(credits: namespaceCredits) { () throws(Ext4Error) -> UInt32 in
            var parent = try directoryHandle(directory)
            guard parent.inode.linksCount > 0 else { throw .notFound }
            if try findEntry(parent, name) != nil { throw .exists }
            if type == .directory && !canAddSubdirectory(parent) { throw Ext4Error(.EMLINK) }
            try ensureFreeBlocks(UInt64(treeCredits(parent) &+ 8))
            guard superblock.freeInodesCount > 0 else { throw .noSpace }
            let number = try allocateInode(directory: type == .directory, near: directory)
            var handle = newInode(number, type: type, permissions: permissions, uid: uid, gid: gid)
            try fill(&handle)
            try writeInode(handle)
            try addEntry(&parent, name, inode: number, type: type)
            if type == .directory { incrementDirectoryLinks(&parent) }
            touch(&parent)
            try writeInode(parent)
            return number
        }
    }

    // MARK: Links

    /// Adds `name` in `directory` as another link to `inode` (not a directory).
    public func link(_ number: UInt32, into directory: UInt32, as name: [UInt8]) throws(Ext4Error) {
        try checkWritable()
        try validateName(name)
        try operation(credits: namespaceCredits) { () throws(Ext4Error) in
            var parent = try directoryHandle(directory)
            guard parent.inode.linksCount > 0 else { throw .notFound }
            var handle = try liveHandle(number)
            guard handle.fileType != .directory else { throw Ext4Error(.EPERM) }
            guard handle.inode.linksCount < 65000 else { throw Ext4Error(.EMLINK) }
            if try findEntry(parent, name) != nil { throw .exists }
            try ensureFreeBlocks(UInt64(treeCredits(parent) &+ 8))
            try addEntry(&parent, name, inode: number, type: handle.fileType!)
            if handle.inode.linksCount == 0, let index = openOrphans.firstIndex(of: number) {
                openOrphans.remove(at: index)
                try removeOrphan(&handle)
            }
            handle.inode.linksCount &+= 1
            handle.inode.changeTime = options.clock()
            try writeInode(handle)
            touch(&parent)
            try writeInode(parent)
        }
    }

    /// Removes the non-directory `name` from `directory`.
    public func unlink(_ name: [UInt8], in directory: UInt32) throws(Ext4Error) {
        try removeName(name, in: directory, directory: false)
    }

    /// Removes the empty directory `name` from `directory`.
    public func removeDirectory(_ name: [UInt8], in directory: UInt32) throws(Ext4Error) {
        try removeName(name, in: directory, directory: true)
    }

    /// unlink and rmdir: removes the entry, drops a link, frees the inode with its last link
    /// (finishing in further transactions when its blocks need them).
    private func removeName(_ name: [UInt8], in directory: UInt32, directory isDirectory: Bool) throws(Ext4Error) {
        try checkWritable()
        try validateName(name)
        let pending = try operation(credits: namespaceCredits &+ truncateStep &* 3) { () throws(Ext4Error) -> UInt32? in
            var parent = try directoryHandle(directory)
            guard let location = try findEntry(parent, name) else { throw .notFound }
            var handle = try liveHandle(location.inode)
            if isDirectory {
                guard handle.fileType == .directory else { throw .notDirectory }
                guard try isEmptyDirectory(handle) else { throw .notEmpty }
            } else {
                guard handle.fileType != .directory else { throw .isDirectory }
            }
            try removeEntry(parent, at: location)
            if isDirectory { decrementDirectoryLinks(&parent) }
            touch(&parent)
            try writeInode(parent)
            // A directory's own `.` link goes with its name.
            let links = handle.inode.linksCount
            handle.inode.linksCount = isDirectory || links == 0 ? 0 : links &- 1
            handle.inode.changeTime = options.clock()
            if handle.inode.linksCount > 0 {
                try writeInode(handle)
                return nil
            }
            return try dropInode(&handle)
        }
        if let pending { try finishOrphan(pending) }
    }

    /// An inode lost its last link (inside an operation): it is freed now, kept on the orphan
    /// list while open, or (when freeing takes several transactions) orphaned and returned
    /// for `finishOrphan`.
    func dropInode(_ handle: inout InodeHandle) throws(Ext4Error) -> UInt32? {
        if let isInUse, isInUse(handle.number) {
            try addOrphan(&handle)
            openOrphans.append(handle.number)
            try writeInode(handle)
            return nil
        }
        if try releaseBlocks(&handle, from: 0, limit: truncateStep) {
            try addOrphan(&handle)
            try writeInode(handle)
            return handle.number
        }
        try destroyInode(&handle)
        return nil
    }

    /// Frees an inode whose data blocks are gone: its extended-attribute block, its number.
    func destroyInode(_ handle: inout InodeHandle) throws(Ext4Error) {
        try releaseExtendedAttributes(&handle)
        let wasDirectory = handle.fileType == .directory
        handle.inode.linksCount = 0
        handle.inode.size = 0
        handle.inode.deletionTime = UInt32(truncatingIfNeeded: options.clock().seconds)
        try writeInode(handle)
        try freeInode(handle.number, directory: wasDirectory)
    }

    /// Drops the inode's reference to a shared extended-attribute block.
    private func releaseExtendedAttributes(_ handle: inout InodeHandle) throws(Ext4Error) {
        let block = handle.inode.fileACL
        guard block != 0 else { return }
        handle.inode.fileACL = 0
        guard block >= layout.firstDataBlock, block < layout.blocksCount, !zones.overlaps(block, count: 1) else {
            throw .corrupt("ext4: inode \(handle.number) attribute block \(block)")
        }
        var data = try metadata(block)
        guard data.le32(0) == 0xEA02_0000 else { throw .corrupt("ext4: attribute block \(block) has bad magic") }
        let references = data.le32(4)
        if references > 1 {
            data.setLE32(4, references &- 1)
            if layout.metadataChecksum {
                var crc = CRC32C.update(layout.checksumSeed, littleEndian64: block)
                data.setLE32(0x10, 0)
                crc = CRC32C.update(crc, data)
                data.setLE32(0x10, crc)
            }
            setMetadata(block, data)
        } else {
            freeMetadataBlock(block)
        }
    }
}
