import LinuxABI

/// chmod, chown, utimensat and truncate through one call.
extension Ext4FileSystem {
    /// Applies `changes` to inode `number`; any change also sets ctime to now.
    public func setAttributes(_ number: UInt32, _ changes: Ext4AttributeChanges) throws(Ext4Error) {
        try checkWritable()
        if let size = changes.size {
            let handle = try liveHandle(number)
            guard handle.fileType == .regular else { throw handle.fileType == .directory ? .isDirectory : .invalid }
            try truncate(number, to: size)
        }
        let needsInode = changes.permissions != nil || changes.uid != nil || changes.gid != nil
            || changes.accessTime != nil || changes.modificationTime != nil
        guard needsInode else { return }
        try operation(credits: 4) { () throws(Ext4Error) in
            var handle = try liveHandle(number)
            let now = options.clock()
            if let permissions = changes.permissions {
                handle.inode.mode = (handle.inode.mode & 0xF000) | (permissions & 0o7777)
            }
            if let uid = changes.uid { handle.inode.uid = uid }
            if let gid = changes.gid { handle.inode.gid = gid }
            if let time = changes.accessTime { handle.inode.accessTime = resolve(time, now) }
            if let time = changes.modificationTime { handle.inode.modificationTime = resolve(time, now) }
            handle.inode.changeTime = now
            try writeInode(handle)
        }
    }

    private func resolve(_ change: Ext4TimeChange, _ now: Timespec) -> Timespec {
        switch change {
        case .now: return now
        case .set(let time): return time
        }
    }
}
