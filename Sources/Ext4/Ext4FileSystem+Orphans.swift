/// The orphan list: inodes whose deletion or truncation is not finished.
///
/// The superblock's `s_last_orphan` names the first; each orphan's `i_dtime` names the next.
/// An inode joins in the same transaction that makes the unfinished state visible (the last
/// link going while the file is open, or the first step of a truncation that needs several),
/// and leaves in the transaction that completes it. Mount walks the list and completes each
/// entry, which is also what e2fsck does before checking.
extension Ext4FileSystem {
    func addOrphan(_ handle: inout InodeHandle) throws(Ext4Error) {
        handle.inode.deletionTime = superblock.lastOrphan
        superblock.lastOrphan = handle.number
        markSuperblockChanged()
    }

    /// Unlinks an inode from the list; the caller writes `handle` back.
    func removeOrphan(_ handle: inout InodeHandle) throws(Ext4Error) {
        let next = handle.inode.deletionTime
        handle.inode.deletionTime = 0
        if superblock.lastOrphan == handle.number {
            superblock.lastOrphan = next
            markSuperblockChanged()
            return
        }
        var current = superblock.lastOrphan
        var steps: UInt32 = 0
        while current != 0 && layout.isValidInode(current) && steps < layout.inodesCount {
            var previous = try self.handle(current)
            if previous.inode.deletionTime == handle.number {
                previous.inode.deletionTime = next
                try writeInode(previous)
                return
            }
            current = previous.inode.deletionTime
            steps &+= 1
        }
    }

    /// Finishes an orphan in as many transactions as it takes: frees blocks past its size (all
    /// of them once it has no links), then the inode itself, and takes it off the list.
    func finishOrphan(_ number: UInt32) throws(Ext4Error) {
        var finished = false
        while !finished {
            try operation(credits: truncateStep &* 3 &+ 16) { () throws(Ext4Error) in
                var handle = try self.handle(number)
                guard handle.fileType != nil else { throw .corrupt("ext4: orphan \(number) has no type") }
                let deleting = handle.inode.linksCount == 0
                let blockSize = UInt64(layout.blockSize)
                let keep = deleting ? 0 : UInt32(min((handle.inode.size &+ blockSize &- 1) / blockSize, UInt64(UInt32.max)))
                let remaining = try releaseBlocks(&handle, from: keep, limit: truncateStep)
                if remaining {
                    try writeInode(handle)
                    return
                }
                try removeOrphan(&handle)
                if deleting {
                    try destroyInode(&handle)
                } else {
                    try writeInode(handle)
                }
                finished = true
            }
        }
    }

    /// Completes every orphan a crash (or an unmount with open unlinked files) left.
    func processOrphans() throws(Ext4Error) {
        var steps: UInt32 = 0
        while superblock.lastOrphan != 0 {
            let number = superblock.lastOrphan
            guard layout.isValidInode(number), number >= layout.firstInode || number == Self.rootInode,
                steps < layout.inodesCount
            else {
                throw .corrupt("ext4: orphan list names inode \(number)")
            }
            try finishOrphan(number)
            steps &+= 1
        }
        try commitRunning()
    }

    /// The VFS dropped its last reference to an inode: if it was unlinked while open, it is
    /// freed now.
    public func release(_ number: UInt32) throws(Ext4Error) {
        guard let index = openOrphans.firstIndex(of: number) else { return }
        openOrphans.remove(at: index)
        guard !isReadOnly, abortError == nil else { return }
        try finishOrphan(number)
    }
}
