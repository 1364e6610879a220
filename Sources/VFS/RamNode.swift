import LinuxABI

/// What every `RamFileSystem` node has: identity, ownership, permissions, link count and
/// times, all guarded by the node's own lock.
class RamNode: VNode {
    let context: RamContext
    let inodeNumber: UInt64
    /// Guards this node's metadata and its subclass's contents. Readers take it shared.
    let lock: any VFSLock
    var permissions: UInt32
    var uid: UInt32
    var gid: UInt32
    var linkCount: UInt32
    var accessTime: Timespec
    var modificationTime: Timespec
    var changeTime: Timespec
    let birthTime: Timespec

    /// A new node with inode number `inode`, already counted against the node limit.
    init(
        type: VNodeType, context: RamContext, inode: UInt64, permissions: UInt32, owner: NodeOwner,
        linkCount: UInt32, now: Timespec
    ) {
        self.context = context
        inodeNumber = inode
        lock = context.lockFactory.makeLock()
        self.permissions = permissions & 0o7777
        uid = owner.uid
        gid = owner.gid
        self.linkCount = linkCount
        accessTime = now
        modificationTime = now
        changeTime = now
        birthTime = now
        super.init(type: type)
    }

    deinit {
        context.releaseNode()
    }

    // MARK: For subclasses, called under `lock`

    /// `st_size`.
    var contentSize: UInt64 { 0 }
    /// `st_blocks` (512-byte units).
    var contentBlocks: UInt64 { 0 }
    /// `st_rdev`.
    var specialDevice: DeviceNumber { .none }

    /// Changes the size (setattr's truncate); only regular files have one to change.
    func applySize(_ size: UInt64, now: Timespec) throws(Errno) {
        throw type == .directory ? .EISDIR : .EINVAL
    }

    // MARK: VNode

    override func attributes() throws(Errno) -> FileAttributes {
        shared(lock) {
            FileAttributes(
                type: type, permissions: permissions, uid: uid, gid: gid, linkCount: linkCount, size: contentSize,
                blocks: contentBlocks, blockSize: UInt32(DataPage.size), inode: inodeNumber,
                device: context.options.device, specialDevice: specialDevice, accessTime: accessTime,
                modificationTime: modificationTime, changeTime: changeTime, birthTime: birthTime)
        }
    }

    override func setAttributes(_ changes: AttributeChanges) throws(Errno) {
        try exclusively(lock) { () throws(Errno) in
            let now = context.now()
            if let size = changes.size { try applySize(size, now: now) }
            if let permissions = changes.permissions { self.permissions = permissions & 0o7777 }
            if let uid = changes.uid { self.uid = uid }
            if let gid = changes.gid { self.gid = gid }
            if let access = changes.accessTime { accessTime = Self.resolve(access, now) }
            if let modification = changes.modificationTime { modificationTime = Self.resolve(modification, now) }
            changeTime = now
        }
    }

    static func resolve(_ change: TimeChange, _ now: Timespec) -> Timespec {
        switch change {
        case .now: now
        case .set(let time): time
        }
    }
}
