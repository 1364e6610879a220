import ImageFS
import LinuxABI

/// The reader of an image and the one `ImageNode` per inode that has been looked up.
///
/// Nodes are kept for the file system's life, so an inode always maps to the same object (the
/// VFS compares nodes by identity: mount points, rename of two links to one file). The table
/// is filled on dentry-cache misses only; its lock is a leaf lock.
final class ImageNodeTable<Storage: ImageStorage> {
    let reader: ImageReader<Storage>
    let device: DeviceNumber
    let lockFactory: any VFSLockFactory
    let dentryCacheCapacity: Int
    /// Maps a file's extent to its bytes in memory, for images in RAM.
    let mapper: ((FileExtent) -> UnsafeRawBufferPointer?)?
    private let lock: any VFSLock
    /// Indexed by inode number (1-based; slot 0 unused). Not a Dictionary: see `NameTable`.
    private var nodes: [ImageNode<Storage>?]

    init(
        reader: ImageReader<Storage>, device: DeviceNumber, lockFactory: any VFSLockFactory, dentryCacheCapacity: Int,
        mapper: ((FileExtent) -> UnsafeRawBufferPointer?)?
    ) {
        self.reader = reader
        self.device = device
        self.lockFactory = lockFactory
        self.dentryCacheCapacity = dentryCacheCapacity
        self.mapper = mapper
        lock = lockFactory.makeLock()
        nodes = [ImageNode<Storage>?](repeating: nil, count: reader.inodeCount + 1)
    }

    /// The node of `inode`, made on first use.
    func node(_ inode: InodeNumber) throws(Errno) -> ImageNode<Storage> {
        let index = Int(inode.rawValue)
        guard index >= 1, index < nodes.count else { throw .EIO }
        if let existing = shared(lock, { nodes[index] }) { return existing }
        let type: FileType
        do {
            type = try reader.type(of: inode)
        } catch {
            throw error.errno
        }
        let vnodeType: VNodeType
        switch type {
        case .regular: vnodeType = .regular
        case .directory: vnodeType = .directory
        case .symlink: vnodeType = .symlink
        }
        let cache =
            vnodeType == .directory ? DentryCache(lock: lockFactory.makeLock(), capacity: dentryCacheCapacity) : nil
        let made = ImageNode(table: self, inode: inode, type: vnodeType, dentryCache: cache)
        return exclusively(lock) {
            if let raced = nodes[index] { return raced }
            nodes[index] = made
            return made
        }
    }

    /// Drops every node (after unmount), breaking the node ↔ table cycle.
    func removeAll() {
        let dropped = exclusively(lock) {
            let all = nodes
            nodes = [ImageNode<Storage>?](repeating: nil, count: all.count)
            return all
        }
        for node in dropped { node?.dentryCache?.invalidateAll() }
    }
}
