import ImageFS
import LinuxABI

/// A node of the read-only application image. Every change fails with EROFS (after the
/// ENOTDIR a non-directory gives for directory operations). Reads take no lock: the image never
/// changes.
final class ImageNode<Storage: ImageStorage>: VNode {
    let table: ImageNodeTable<Storage>
    let inode: InodeNumber

    init(table: ImageNodeTable<Storage>, inode: InodeNumber, type: VNodeType, dentryCache: DentryCache?) {
        self.table = table
        self.inode = inode
        super.init(type: type, dentryCache: dentryCache)
    }

    private var reader: ImageReader<Storage> { table.reader }

    override func attributes() throws(Errno) -> FileAttributes {
        let stored: InodeAttributes
        do {
            stored = try reader.attributes(of: inode)
        } catch {
            throw error.errno
        }
        let time = Timespec(
            seconds: stored.modificationTime.seconds, nanoseconds: Int64(stored.modificationTime.nanoseconds))
        let blocks = type == .regular ? (stored.size &+ 511) / 512 : 0
        return FileAttributes(
            type: type, permissions: UInt32(stored.permissions), uid: stored.uid, gid: stored.gid,
            linkCount: stored.linkCount, size: stored.size, blocks: blocks,
            blockSize: UInt32(truncatingIfNeeded: reader.superblock.pageSize), inode: UInt64(inode.rawValue),
            device: table.device, accessTime: time, modificationTime: time, changeTime: time)
    }

    override func lookup(_ name: [UInt8]) throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        let found: InodeNumber?
        do {
            found = try reader.lookup(name, in: inode)
        } catch {
            throw error.errno
        }
        guard let found else { throw .ENOENT }
        return try table.node(found)
    }

    override func parent() throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        let parent: InodeNumber
        do {
            parent = try reader.parent(of: inode)
        } catch {
            throw error.errno
        }
        return try table.node(parent)
    }

    override func readDirectory(from cookie: UInt64, _ visit: (DirectoryItem) -> Bool) throws(Errno) {
        guard type == .directory else { throw .ENOTDIR }
        var cursor = cookie
        while true {
            let entry: DirectoryEntry?
            do {
                entry = try reader.directoryEntry(in: inode, at: cursor)
            } catch {
                throw error.errno
            }
            guard let entry else { return }
            let entryType: VNodeType
            switch entry.type {
            case .regular: entryType = .regular
            case .directory: entryType = .directory
            case .symlink: entryType = .symlink
            }
            let item = DirectoryItem(
                name: entry.name, inode: UInt64(entry.inode.rawValue), type: entryType, nextCookie: entry.nextCursor)
            guard visit(item) else { return }
            cursor = entry.nextCursor
        }
    }

    override func readLink() throws(Errno) -> [UInt8] {
        guard type == .symlink else { throw .EINVAL }
        do {
            return try reader.readlink(inode)
        } catch {
            throw error.errno
        }
    }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard type == .regular else { throw type == .directory ? .EISDIR : .EINVAL }
        do {
            return try reader.read(inode, at: offset, into: buffer)
        } catch {
            throw error.errno
        }
    }

    override func imageExtent() -> FileExtent? {
        guard type == .regular else { return nil }
        return try? reader.extent(of: inode)
    }

    override func mappedContents() -> UnsafeRawBufferPointer? {
        guard let mapper = table.mapper, let extent = imageExtent() else { return nil }
        return mapper(extent)
    }

    // MARK: Everything that would change the image

    private func readOnly(directoryOperation: Bool) -> Errno {
        directoryOperation && type != .directory ? .ENOTDIR : .EROFS
    }

    override func setAttributes(_ changes: AttributeChanges) throws(Errno) { throw .EROFS }

    override func create(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        throw readOnly(directoryOperation: true)
    }

    override func makeDirectory(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        throw readOnly(directoryOperation: true)
    }

    override func makeSpecial(
        _ name: [UInt8], type: VNodeType, permissions: UInt32, device: DeviceNumber, owner: NodeOwner
    ) throws(Errno) -> VNode {
        throw readOnly(directoryOperation: true)
    }

    override func makeSymlink(_ name: [UInt8], target: [UInt8], owner: NodeOwner) throws(Errno) -> VNode {
        throw readOnly(directoryOperation: true)
    }

    override func makeTemporaryFile(permissions: UInt32, owner: NodeOwner, linkable: Bool) throws(Errno) -> VNode {
        throw readOnly(directoryOperation: true)
    }

    override func link(_ node: VNode, as name: [UInt8]) throws(Errno) { throw readOnly(directoryOperation: true) }

    override func unlink(_ name: [UInt8]) throws(Errno) { throw readOnly(directoryOperation: true) }

    override func removeDirectory(_ name: [UInt8]) throws(Errno) { throw readOnly(directoryOperation: true) }

    override func rename(
        _ name: [UInt8], to newDirectory: VNode, as newName: [UInt8], flags: RenameFlags,
        whiteoutOwner: NodeOwner
    ) throws(Errno) {
        throw readOnly(directoryOperation: true)
    }

    override func write(
        at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool
    ) throws(Errno) -> (count: Int, end: UInt64) {
        throw type == .directory ? .EISDIR : .EROFS
    }

    override func truncate(to size: UInt64) throws(Errno) {
        throw type == .directory ? .EISDIR : .EROFS
    }

    override func allocate(_ mode: AllocationMode, offset: UInt64, length: UInt64) throws(Errno) {
        throw type == .directory ? .EISDIR : .EROFS
    }
}
