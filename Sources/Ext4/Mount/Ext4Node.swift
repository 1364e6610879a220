import LinuxABI
import VFS

/// An ext4 inode as the VFS sees it: every operation is one call into the volume's
/// `Ext4FileSystem`, made under the volume lock.
final class Ext4Node: VNode {
    let volume: Ext4Volume
    let inode: UInt32
    /// Open file descriptions on this inode; guarded by the volume lock.
    var openCount = 0

    init(volume: Ext4Volume, inode: UInt32, type: VNodeType) {
        self.volume = volume
        self.inode = inode
        // ext4 lookups scan directory blocks (or walk an htree): worth caching the answers.
        let cache = type == .directory ? DentryCache(lock: volume.lockFactory.makeLock()) : nil
        super.init(type: type, dentryCache: cache)
    }

    // MARK: Attributes

    override func attributes() throws(Errno) -> FileAttributes {
        let number = inode
        let a = try volume.perform { fs throws(Ext4Error) in try fs.attributes(number) }
        var device = DeviceNumber.none
        if a.type == .characterDevice || a.type == .blockDevice {
            device = DeviceNumber(major: a.device.major, minor: a.device.minor)
        }
        return FileAttributes(
            type: VNodeType(a.type), permissions: UInt32(a.permissions), uid: a.uid, gid: a.gid,
            linkCount: a.linkCount, size: a.size, blocks: a.blocks, blockSize: UInt32(volume.fs.blockSize),
            inode: UInt64(number), device: volume.device, specialDevice: device, accessTime: a.accessTime,
            modificationTime: a.modificationTime, changeTime: a.changeTime, birthTime: a.creationTime)
    }

    override func setAttributes(_ changes: AttributeChanges) throws(Errno) {
        if changes.size != nil {
            guard type != .directory else { throw .EISDIR }
            guard type == .regular else { throw .EINVAL }
        }
        let number = inode
        let ext4Changes = Ext4AttributeChanges(
            permissions: changes.permissions.map { UInt16(truncatingIfNeeded: $0 & 0o7777) }, uid: changes.uid,
            gid: changes.gid, size: changes.size, accessTime: changes.accessTime.map(Self.timeChange),
            modificationTime: changes.modificationTime.map(Self.timeChange))
        try volume.perform { fs throws(Ext4Error) in try fs.setAttributes(number, ext4Changes) }
    }

    private static func timeChange(_ change: TimeChange) -> Ext4TimeChange {
        switch change {
        case .now: .now
        case .set(let t): .set(t)
        }
    }

    // MARK: Directories

    override func lookup(_ name: [UInt8]) throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        let number = inode
        return try volume.performNode { fs throws(Ext4Error) in try fs.lookup(name, in: number) }
    }

    override func parent() throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        let number = inode
        return try volume.performNode { fs throws(Ext4Error) in try fs.parent(of: number) }
    }

    override func create(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        try makeSpecial(name, type: .regular, permissions: permissions, device: .none, owner: owner)
    }

    override func makeDirectory(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        let number = inode
        return try volume.performNode { fs throws(Ext4Error) in
            try fs.makeDirectory(
                name, in: number, permissions: UInt16(truncatingIfNeeded: permissions & 0o7777), uid: owner.uid,
                gid: owner.gid)
        }
    }

    override func makeSpecial(
        _ name: [UInt8], type: VNodeType, permissions: UInt32, device: DeviceNumber, owner: NodeOwner
    ) throws(Errno) -> VNode {
        guard self.type == .directory else { throw .ENOTDIR }
        let fileType: Ext4FileType
        switch type {
        case .regular: fileType = .regular
        case .characterDevice: fileType = .characterDevice
        case .blockDevice: fileType = .blockDevice
        case .fifo: fileType = .fifo
        case .socket: fileType = .socket
        case .directory, .symlink: throw .EINVAL
        }
        let number = inode
        return try volume.performNode { fs throws(Ext4Error) in
            try fs.create(
                name, in: number, type: fileType, permissions: UInt16(truncatingIfNeeded: permissions & 0o7777),
                uid: owner.uid, gid: owner.gid, device: Ext4DeviceNumber(major: device.major, minor: device.minor))
        }
    }

    override func makeSymlink(_ name: [UInt8], target: [UInt8], owner: NodeOwner) throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        let number = inode
        return try volume.performNode { fs throws(Ext4Error) in
            try fs.makeSymlink(name, in: number, target: target, uid: owner.uid, gid: owner.gid)
        }
    }

    override func link(_ node: VNode, as name: [UInt8]) throws(Errno) {
        guard type == .directory else { throw .ENOTDIR }
        guard let target = node as? Ext4Node, target.volume === volume else { throw .EXDEV }
        guard target.type != .directory else { throw .EPERM }
        let number = inode
        try volume.perform { fs throws(Ext4Error) in try fs.link(target.inode, into: number, as: name) }
    }

    override func unlink(_ name: [UInt8]) throws(Errno) {
        guard type == .directory else { throw .ENOTDIR }
        let number = inode
        try volume.perform { fs throws(Ext4Error) in try fs.unlink(name, in: number) }
    }

    override func removeDirectory(_ name: [UInt8]) throws(Errno) {
        guard type == .directory else { throw .ENOTDIR }
        let number = inode
        try volume.perform { fs throws(Ext4Error) in try fs.removeDirectory(name, in: number) }
    }

    override func rename(
        _ name: [UInt8], to newDirectory: VNode, as newName: [UInt8], flags: RenameFlags, whiteoutOwner: NodeOwner
    ) throws(Errno) {
        guard type == .directory else { throw .ENOTDIR }
        guard let destination = newDirectory as? Ext4Node, destination.volume === volume else { throw .EXDEV }
        var ext4Flags: Ext4RenameFlags = []
        if flags.contains(.noReplace) { ext4Flags.insert(.noReplace) }
        if flags.contains(.exchange) { ext4Flags.insert(.exchange) }
        if flags.contains(.whiteout) { ext4Flags.insert(.whiteout) }
        let number = inode
        try volume.perform { fs throws(Ext4Error) in
            try fs.rename(
                name, in: number, to: newName, in: destination.inode, flags: ext4Flags, uid: whiteoutOwner.uid,
                gid: whiteoutOwner.gid)
        }
    }

    override func readDirectory(from cookie: UInt64, _ visit: (DirectoryItem) -> Bool) throws(Errno) {
        guard type == .directory else { throw .ENOTDIR }
        let number = inode
        // Collected under the lock, visited outside it: `visit` copies to user memory, which
        // can fault and must not do so with the volume locked.
        var items: [DirectoryItem] = []
        var next = cookie
        var more = true
        while more {
            items.removeAll(keepingCapacity: true)
            try volume.perform { fs throws(Ext4Error) in
                try fs.readDirectory(number, from: next) { entry in
                    items.append(
                        DirectoryItem(
                            name: entry.name, inode: UInt64(entry.inode), type: entry.type.map(VNodeType.init) ?? .regular,
                            nextCookie: entry.nextCookie))
                    return items.count < 64
                }
            }
            more = items.count == 64
            for item in items {
                if !visit(item) { return }
                next = item.nextCookie
            }
        }
    }

    // MARK: Symlinks

    override func readLink() throws(Errno) -> [UInt8] {
        guard type == .symlink else { throw .EINVAL }
        let number = inode
        return try volume.perform { fs throws(Ext4Error) in try fs.readLink(number) }
    }

    // MARK: Data

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard type == .regular else { throw type == .directory ? .EISDIR : .EINVAL }
        let number = inode
        return try volume.perform { fs throws(Ext4Error) in try fs.read(number, at: offset, into: buffer) }
    }

    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        guard type == .regular else { throw type == .directory ? .EISDIR : .EINVAL }
        let number = inode
        return try volume.perform { fs throws(Ext4Error) in
            let start = appending ? try fs.attributes(number).size : offset
            let count = try fs.write(number, at: start, from: buffer)
            return (count, start &+ UInt64(count))
        }
    }

    override func truncate(to size: UInt64) throws(Errno) {
        guard type == .regular else { throw type == .directory ? .EISDIR : .EINVAL }
        let number = inode
        try volume.perform { fs throws(Ext4Error) in try fs.truncate(number, to: size) }
    }

    /// `fsync`: commits the running transaction, which flushes the disk twice (ordered data,
    /// then the commit block) — after it returns the file survives a power cut.
    override func sync(dataOnly: Bool) throws(Errno) {
        try volume.commit()
    }

    // MARK: Open file lifecycle

    override func opened(flags: OpenFlags) throws(Errno) {
        volume.opened(self)
    }

    override func released(flags: OpenFlags) {
        volume.released(self)
    }
}
