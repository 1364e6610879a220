import LinuxABI
import VFS

/// A file on a 9p share as the VFS sees it: a fid that names it on the server (walked, never
/// opened) and, once its data is used, a second fid opened for I/O.
///
/// Each operation is one or a few messages; none is made with the file system's lock held. The
/// data lock serialises writes (so an append finds the end no other write is moving) while
/// reads share it.
final class NinePNode: VNode {
    let fileSystem: NinePFileSystem
    let qidPath: UInt64
    /// Names the file on the server; clunked when the node leaves the table.
    let fid: UInt32
    /// The open fid for data and its largest transfer; guarded by the file system's lock.
    var ioFid: UInt32? = nil
    var ioUnit = 0
    private let dataLock: any VFSLock

    init(fileSystem: NinePFileSystem, qid: NinePQid, fid: UInt32, type: VNodeType) {
        self.fileSystem = fileSystem
        qidPath = qid.path
        self.fid = fid
        dataLock = fileSystem.lockFactory.makeLock()
        super.init(type: type)
    }

    private var client: NinePClient { fileSystem.client }

    func collectFids(into fids: inout [UInt32]) {
        fids.append(fid)
        if let ioFid { fids.append(ioFid) }
        ioFid = nil
    }

    // MARK: Attributes

    override func attributes() throws(Errno) -> FileAttributes {
        try fileSystem.checkAttached()
        let a = try client.attributes(fileSystem.attributeFid(self))
        return FileAttributes(
            type: type, permissions: a.mode & 0o7777, uid: a.uid, gid: a.gid, linkCount: UInt32(clamping: a.linkCount),
            size: a.size, blocks: a.blocks, blockSize: UInt32(clamping: a.blockSize), inode: qidPath,
            device: fileSystem.device, specialDevice: type.isSpecial ? DeviceNumber(encoded: a.specialDevice) : .none,
            accessTime: a.accessTime, modificationTime: a.modificationTime, changeTime: a.changeTime,
            birthTime: a.valid & NinePAttributes.birthTimeValid != 0 ? a.birthTime : nil)
    }

    override func setAttributes(_ changes: AttributeChanges) throws(Errno) {
        if changes.size != nil {
            guard type != .directory else { throw .EISDIR }
            guard type == .regular else { throw .EINVAL }
        }
        var c = NinePAttributeChanges()
        if let permissions = changes.permissions {
            c.valid |= NinePAttributeChanges.mode
            c.mode = permissions & 0o7777
        }
        if let uid = changes.uid {
            c.valid |= NinePAttributeChanges.uid
            c.uid = uid
        }
        if let gid = changes.gid {
            c.valid |= NinePAttributeChanges.gid
            c.gid = gid
        }
        if let size = changes.size {
            c.valid |= NinePAttributeChanges.size
            c.size = size
        }
        c.accessTime = Self.time(
            changes.accessTime, &c.valid, now: NinePAttributeChanges.accessTime, set: NinePAttributeChanges.accessTimeSet)
        c.modificationTime = Self.time(
            changes.modificationTime, &c.valid, now: NinePAttributeChanges.modificationTime,
            set: NinePAttributeChanges.modificationTimeSet)
        guard c.valid != 0 else { return }
        try fileSystem.checkAttached()
        try client.perform(.setAttributes(fid: fileSystem.attributeFid(self), changes: c))
    }

    /// Adds a time change's bits to `valid` (`now` alone means the server's clock); returns
    /// the time to send.
    private static func time(_ change: TimeChange?, _ valid: inout UInt32, now: UInt32, set: UInt32) -> Timespec {
        switch change {
        case .now?:
            valid |= now
        case .set(let time)?:
            valid |= now | set
            return time
        case nil:
            break
        }
        return Timespec()
    }

    // MARK: Directories

    override func lookup(_ name: [UInt8]) throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        return try walk(name)
    }

    override func parent() throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        if self === fileSystem.root { return self }
        return try walk([0x2E, 0x2E])
    }

    /// Walks `name` from this directory to a new fid and returns its node; `created` when this
    /// client just made the file (of `type`).
    private func walk(_ name: [UInt8], created type: VNodeType? = nil) throws(Errno) -> NinePNode {
        try fileSystem.checkAttached()
        let (newFid, qids) = try client.walk(from: fid, names: [name])
        return try fileSystem.node(for: qids[0], fid: newFid, type: type, created: type != nil)
    }

    /// The qid `name` has now, or nil when there is no such name: what a removal or a rename
    /// over it is about to make stale.
    private func probe(_ name: [UInt8]) -> NinePQid? {
        guard let (probeFid, qids) = try? client.walk(from: fid, names: [name]) else { return nil }
        client.clunk(probeFid)
        return qids[0]
    }

    override func create(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        try fileSystem.checkAttached()
        // Tlcreate turns a clone of the directory's fid into the new file, open: it becomes the
        // node's I/O fid, as the VFS opens a file it creates.
        let openFid = try client.walk(from: fid, names: []).fid
        let ioUnit: UInt32
        do {
            let flags = UInt32(FileConstants.O_RDWR | FileConstants.O_CREAT | FileConstants.O_EXCL)
            ioUnit = try client.open(
                .create(fid: openFid, name: name, flags: flags, mode: permissions & 0o7777, gid: owner.gid))
        } catch {
            client.clunk(openFid)
            throw error
        }
        let node: NinePNode
        do {
            node = try walk(name, created: .regular)
        } catch {
            client.clunk(openFid)
            throw error
        }
        try fileSystem.install(openFid, ioUnit: ioUnit, on: node)
        return node
    }

    override func makeDirectory(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        try fileSystem.checkAttached()
        _ = try client.qid(.makeDirectory(directoryFid: fid, name: name, mode: permissions & 0o7777, gid: owner.gid))
        return try walk(name, created: .directory)
    }

    override func makeSpecial(
        _ name: [UInt8], type: VNodeType, permissions: UInt32, device: DeviceNumber, owner: NodeOwner
    ) throws(Errno) -> VNode {
        guard self.type == .directory else { throw .ENOTDIR }
        guard type != .directory, type != .symlink else { throw .EINVAL }
        try fileSystem.checkAttached()
        _ = try client.qid(
            .makeNode(
                directoryFid: fid, name: name, mode: type.modeBits | (permissions & 0o7777), major: device.major,
                minor: device.minor, gid: owner.gid))
        return try walk(name, created: type)
    }

    override func makeSymlink(_ name: [UInt8], target: [UInt8], owner: NodeOwner) throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        try fileSystem.checkAttached()
        _ = try client.qid(.symlink(directoryFid: fid, name: name, target: target, gid: owner.gid))
        return try walk(name, created: .symlink)
    }

    override func link(_ node: VNode, as name: [UInt8]) throws(Errno) {
        guard type == .directory else { throw .ENOTDIR }
        guard let target = node as? NinePNode, target.fileSystem === fileSystem else { throw .EXDEV }
        guard target.type != .directory else { throw .EPERM }
        try fileSystem.checkAttached()
        try client.perform(.link(directoryFid: fid, fid: target.fid, name: name))
    }

    override func unlink(_ name: [UInt8]) throws(Errno) {
        try remove(name, flags: 0)
    }

    override func removeDirectory(_ name: [UInt8]) throws(Errno) {
        try remove(name, flags: UInt32(FileConstants.AT_REMOVEDIR))
    }

    private func remove(_ name: [UInt8], flags: UInt32) throws(Errno) {
        guard type == .directory else { throw .ENOTDIR }
        try fileSystem.checkAttached()
        let gone = probe(name)
        try client.perform(.unlink(directoryFid: fid, name: name, flags: flags))
        if let gone { fileSystem.retire(gone) }
    }

    /// 9P2000.L's Trenameat has no flags. RENAME_NOREPLACE is a plain rename once the VFS has
    /// found no target (so `mv` works; a file the host creates in between is replaced);
    /// RENAME_EXCHANGE and RENAME_WHITEOUT are EINVAL, as on Linux's 9p, whose rename takes no
    /// flags (so a 9p share cannot be an overlayfs upper layer there either).
    override func rename(
        _ name: [UInt8], to newDirectory: VNode, as newName: [UInt8], flags: RenameFlags, whiteoutOwner: NodeOwner
    ) throws(Errno) {
        guard type == .directory else { throw .ENOTDIR }
        guard let destination = newDirectory as? NinePNode, destination.fileSystem === fileSystem else { throw .EXDEV }
        guard flags.subtracting(.noReplace).isEmpty else { throw .EINVAL }
        try fileSystem.checkAttached()
        let replaced = destination.probe(newName)
        try client.perform(.rename(oldDirectoryFid: fid, oldName: name, newDirectoryFid: destination.fid, newName: newName))
        // Renaming a name onto another link of the same file changes nothing.
        if let replaced, replaced.path != probe(name)?.path { fileSystem.retire(replaced) }
    }

    override func readDirectory(from cookie: UInt64, _ visit: (DirectoryItem) -> Bool) throws(Errno) {
        guard type == .directory else { throw .ENOTDIR }
        let (openFid, _) = try fileSystem.openFid(self)
        var offset = cookie
        while true {
            let entries = try client.readDirectory(openFid, from: offset)
            if entries.isEmpty { return }
            for entry in entries {
                let item = DirectoryItem(
                    name: entry.name, inode: entry.qid.path,
                    type: VNodeType(mode: UInt32(entry.type) << 12) ?? .regular, nextCookie: entry.offset)
                if !visit(item) { return }
                offset = entry.offset
            }
        }
    }

    // MARK: Symlinks

    override func readLink() throws(Errno) -> [UInt8] {
        guard type == .symlink else { throw .EINVAL }
        try fileSystem.checkAttached()
        return try client.readLink(fid)
    }

    // MARK: Data

    /// Reads in messages of at most the I/O unit, until `buffer` is full or the server gives
    /// less than asked (the end of the file).
    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard type == .regular else { throw type == .directory ? .EISDIR : .EINVAL }
        let (openFid, chunk) = try fileSystem.openFid(self)
        dataLock.lockShared()
        defer { dataLock.unlockShared() }
        var done = 0
        while done < buffer.count {
            let want = min(buffer.count &- done, chunk)
            let n: Int
            do {
                n = try client.read(
                    openFid, at: offset &+ UInt64(done),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done &+ want)]))
            } catch {
                if done > 0 { break }
                throw error
            }
            done &+= n
            if n < want { break }
        }
        return done
    }

    /// Writes in messages of at most the I/O unit. An append finds the end with Tgetattr under
    /// the data lock, so appends through this kernel never overlap.
    override func write(
        at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool
    ) throws(Errno) -> (count: Int, end: UInt64) {
        guard type == .regular else { throw type == .directory ? .EISDIR : .EINVAL }
        let (openFid, chunk) = try fileSystem.openFid(self)
        dataLock.lock()
        defer { dataLock.unlock() }
        let start = appending ? try client.attributes(openFid).size : offset
        var done = 0
        while done < buffer.count {
            let piece = UnsafeRawBufferPointer(rebasing: buffer[done..<(done &+ min(buffer.count &- done, chunk))])
            let n: Int
            do {
                n = try client.write(openFid, at: start &+ UInt64(done), from: piece)
            } catch {
                if done > 0 { break }
                throw error
            }
            if n == 0 {
                if done == 0 { throw .EIO }
                break
            }
            done &+= n
        }
        return (done, start &+ UInt64(done))
    }

    override func truncate(to size: UInt64) throws(Errno) {
        guard type == .regular else { throw type == .directory ? .EISDIR : .EINVAL }
        try setAttributes(AttributeChanges(size: size))
    }

    /// Tfsync: the host fsyncs the file, so it survives the host's power cut too.
    override func sync(dataOnly: Bool) throws(Errno) {
        guard type == .regular || type == .directory else { return }
        let (openFid, _) = try fileSystem.openFid(self)
        try client.perform(.sync(fid: openFid, dataOnly: dataOnly))
    }

    // MARK: Open file lifecycle

    /// Opens the I/O fid now, so a file the host will not open fails the `open` call.
    override func opened(flags: OpenFlags) throws(Errno) {
        if type == .regular || type == .directory { _ = try fileSystem.openFid(self) }
    }
}
