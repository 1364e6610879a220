import LinuxABI

/// rename and renameat2: moving a name within or across directories, replacing a target,
/// exchanging two names, leaving a whiteout. One transaction; every check comes before the
/// first change.
extension Ext4FileSystem {
    /// Renames `name` in `directory` to `newName` in `newDirectory`, replacing a compatible
    /// target (`renameat2` semantics with `flags`). With `.whiteout` the old entry is pointed
    /// at a new whiteout inode owned by `uid`/`gid` instead of being removed, as Linux's
    /// `ext4_rename` does (so it keeps its place in the directory).
    public func rename(
        _ name: [UInt8], in directory: UInt32, to newName: [UInt8], in newDirectory: UInt32, flags: Ext4RenameFlags = [],
        uid: UInt32 = 0, gid: UInt32 = 0
    ) throws(Ext4Error) {
        try checkWritable()
        try validateName(name)
        try validateName(newName)
        if flags.contains(.exchange) && !flags.isDisjoint(with: [.noReplace, .whiteout]) { throw .invalid }
        let pending = try operation(credits: namespaceCredits &* 2 &+ truncateStep &* 3) { () throws(Ext4Error) -> UInt32? in
            try renameBody(name, directory, newName, newDirectory, flags, whiteoutOwner: (uid, gid))
        }
        if let pending { try finishOrphan(pending) }
    }

    private func renameBody(
        _ name: [UInt8], _ directory: UInt32, _ newName: [UInt8], _ newDirectory: UInt32, _ flags: Ext4RenameFlags,
        whiteoutOwner: (uid: UInt32, gid: UInt32)
    ) throws(Ext4Error) -> UInt32? {
        let sameDirectory = directory == newDirectory
        var oldParent = try directoryHandle(directory)
        var newParent = sameDirectory ? oldParent : try directoryHandle(newDirectory)
        guard newParent.inode.linksCount > 0 else { throw .notFound }
        guard let source = try findEntry(oldParent, name) else { throw .notFound }
        var moving = try liveHandle(source.inode)
        let movingIsDirectory = moving.fileType == .directory
        let target = try findEntry(newParent, newName)
        if let target, target.inode == source.inode { return nil }

        if flags.contains(.exchange) {
            guard let target else { throw .notFound }
            var other = try liveHandle(target.inode)
            let otherIsDirectory = other.fileType == .directory
            if !sameDirectory {
                if movingIsDirectory { try checkNotInside(newDirectory, source.inode) }
                if otherIsDirectory { try checkNotInside(directory, target.inode) }
            }
            try retargetEntry(oldParent, at: source, inode: target.inode, type: other.fileType!)
            try retargetEntry(newParent, at: target, inode: source.inode, type: moving.fileType!)
            if !sameDirectory {
                if movingIsDirectory { try setParentInode(moving, newDirectory) }
                if otherIsDirectory { try setParentInode(other, directory) }
                if movingIsDirectory && !otherIsDirectory {
                    decrementDirectoryLinks(&oldParent)
                    incrementDirectoryLinks(&newParent)
                } else if otherIsDirectory && !movingIsDirectory {
                    decrementDirectoryLinks(&newParent)
                    incrementDirectoryLinks(&oldParent)
                }
            }
            let now = options.clock()
            moving.inode.changeTime = now
            other.inode.changeTime = now
            try writeInode(moving)
            try writeInode(other)
            touch(&oldParent)
            try writeInode(oldParent)
            if !sameDirectory {
                touch(&newParent)
                try writeInode(newParent)
            }
            return nil
        }

        var replaced: InodeHandle? = nil
        if let target {
            guard !flags.contains(.noReplace) else { throw .exists }
            let victim = try liveHandle(target.inode)
            let victimIsDirectory = victim.fileType == .directory
            if movingIsDirectory && !victimIsDirectory { throw .notDirectory }
            if !movingIsDirectory && victimIsDirectory { throw .isDirectory }
            if victimIsDirectory { guard try isEmptyDirectory(victim) else { throw .notEmpty } }
            replaced = victim
        }
        if movingIsDirectory && !sameDirectory {
            try checkNotInside(newDirectory, source.inode)
            if replaced == nil && !canAddSubdirectory(newParent) { throw Ext4Error(.EMLINK) }
        }
        if target == nil { try ensureFreeBlocks(UInt64(treeCredits(newParent) &+ 8)) }
        let whiteout = flags.contains(.whiteout)
        if whiteout { guard superblock.freeInodesCount > 0 else { throw .noSpace } }

        // Changes start here.
        if let target {
            try retargetEntry(newParent, at: target, inode: source.inode, type: moving.fileType!)
        } else {
            try addEntry(&newParent, newName, inode: source.inode, type: moving.fileType!)
        }
        if sameDirectory { oldParent = newParent }
        // Insertion may have split the leaf holding the old name: find it again.
        guard let current = try findEntry(oldParent, name), current.inode == source.inode else {
            throw .corrupt("ext4: directory \(directory) lost '\(name.count)-byte name' during rename")
        }
        if whiteout {
            let number = try allocateInode(directory: false, near: directory)
            let handle = newInode(
                number, type: .characterDevice, permissions: 0, uid: whiteoutOwner.uid, gid: whiteoutOwner.gid)
            try writeInode(handle)
            try retargetEntry(oldParent, at: current, inode: number, type: .characterDevice)
        } else {
            try removeEntry(oldParent, at: current)
        }
        if movingIsDirectory && !sameDirectory {
            try setParentInode(moving, newDirectory)
            decrementDirectoryLinks(&oldParent)
            if replaced == nil { incrementDirectoryLinks(&newParent) }
        }
        if sameDirectory { newParent = oldParent }
        let now = options.clock()
        moving.inode.changeTime = now
        try writeInode(moving)
        touch(&oldParent)
        try writeInode(oldParent)
        if !sameDirectory {
            touch(&newParent)
            try writeInode(newParent)
        }
        guard var victim = replaced else { return nil }
        if victim.fileType == .directory {
            // The victim's `..` no longer counts. Across directories the moved directory's
            // `..` took its place in the new parent, so only a same-directory rename loses one.
            if sameDirectory {
                decrementDirectoryLinks(&oldParent)
                try writeInode(oldParent)
            }
            victim.inode.linksCount = 0
        } else {
            victim.inode.linksCount = victim.inode.linksCount > 0 ? victim.inode.linksCount &- 1 : 0
        }
        victim.inode.changeTime = now
        if victim.inode.linksCount > 0 {
            try writeInode(victim)
            return nil
        }
        return try dropInode(&victim)
    }

    /// EINVAL when `directory` is `ancestor` or lies below it (a directory cannot move into
    /// its own subtree).
    private func checkNotInside(_ directory: UInt32, _ ancestor: UInt32) throws(Ext4Error) {
        var current = directory
        var steps: UInt32 = 0
        while current != Self.rootInode {
            if current == ancestor { throw .invalid }
            current = try parentInode(try directoryHandle(current))
            steps &+= 1
            guard steps < layout.inodesCount else { throw .corrupt("ext4: directory loop above \(directory)") }
        }
        if ancestor == Self.rootInode { throw .invalid }
    }
}
