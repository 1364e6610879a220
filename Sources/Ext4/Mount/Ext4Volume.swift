import LinuxABI
import Storage
import VFS

/// An ext4 volume mounted in the VFS: the `FileSystem` face of `Ext4FileSystem`.
///
/// The ext4 module is not locked, so one lock per volume serialises every call into it — and
/// also guards the node table and the open counts, so nothing here ever holds two locks. Reads
/// of different files on one volume therefore queue behind each other; the VFS's own locks
/// (per node, per open file) still keep volumes, tmpfs and the image independent.
///
/// Each inode the VFS holds has exactly one `Ext4Node` (the VFS compares nodes by identity);
/// nodes that only the table still references are dropped when the table grows.
public final class Ext4Volume: FileSystem {
    let fs: Ext4FileSystem
    /// The disk the volume is on.
    public let blockDevice: any BlockDevice
    private let lock: any VFSLock
    let lockFactory: any VFSLockFactory
    let device: DeviceNumber
    private var table = Ext4NodeTable()
    private var rootNode: Ext4Node! = nil
    /// Set once the volume is unmounted; every later call fails with EIO.
    private var detached = false

    /// The metadata blocks the volume's cache holds.
    public var bufferedBytes: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return detached ? 0 : fs.cachedBlockBytes
    }

    /// Whether the volume was unmounted (its disk may be mounted again).
    public var isDetached: Bool {
        lock.lock()
        defer { lock.unlock() }
        return detached
    }

    /// Mounts the ext4 volume on `blockDevice` (replaying its journal if a crash left one to
    /// replay). Errors carry the module's message in `message`.
    public init(
        blockDevice: any BlockDevice, options: Ext4MountOptions, device: DeviceNumber,
        lockFactory: any VFSLockFactory
    ) throws(Ext4Error) {
        fs = try Ext4FileSystem.mount(device: blockDevice, options: options)
        self.blockDevice = blockDevice
        lock = lockFactory.makeLock()
        self.lockFactory = lockFactory
        self.device = device
        fs.isInUse = { [unowned(unsafe) self] number in self.table.openCount(number) > 0 }
        rootNode = table.node(Ext4FileSystem.rootInode, type: .directory, volume: self)
    }

    public var root: VNode { rootNode }
    public var isReadOnly: Bool { fs.isReadOnly }
    /// Journal transactions replayed when the volume was mounted.
    public var recoveredTransactions: Int { fs.recoveredTransactions }

    public func statistics() throws(Errno) -> FileSystemStatistics {
        let s = try perform { fs throws(Ext4Error) in fs.statistics() }
        return FileSystemStatistics(
            type: Self.EXT4_SUPER_MAGIC, blockSize: Int64(s.blockSize), blocks: s.blocks, freeBlocks: s.freeBlocks,
            availableBlocks: s.availableBlocks, files: s.inodes, freeFiles: s.freeInodes,
            fileSystemID: device.encoded, nameLength: Int64(s.maximumNameLength),
            flags: fs.isReadOnly ? FileSystemStatistics.ST_RDONLY : 0)
    }

    /// `sync`/`syncfs`: commits and checkpoints, so the volume's home locations hold everything.
    public func sync() throws(Errno) {
        try perform { fs throws(Ext4Error) in try fs.sync() }
    }

    /// Commits the running transaction (the periodic commit, Linux's `commit=5`).
    public func commit() throws(Errno) {
        try perform { fs throws(Ext4Error) in try fs.commit() }
    }

    /// Makes everything durable and marks the volume clean; the volume is unusable afterwards.
    /// Called when the last mount goes, and by the kernel before the VM powers off.
    public func unmounted() {
        lock.lock()
        defer { lock.unlock() }
        guard !detached else { return }
        detached = true
        try? fs.unmount()
        table.removeAll()
    }

    /// `statfs`'s `f_type` for ext2/3/4.
    public static let EXT4_SUPER_MAGIC: Int64 = 0xEF53

    // MARK: Calls into the module

    /// Runs `body` on the module under the volume lock, turning its errors into errno values.
    func perform<R>(_ body: (Ext4FileSystem) throws(Ext4Error) -> R) throws(Errno) -> R {
        lock.lock()
        defer { lock.unlock() }
        guard !detached else { throw .EIO }
        do {
            return try body(fs)
        } catch {
            throw error.errno
        }
    }

    /// Like `perform`, and returns the node of the inode `body` answers.
    func performNode(_ body: (Ext4FileSystem) throws(Ext4Error) -> UInt32) throws(Errno) -> Ext4Node {
        try perform { (fs) throws(Ext4Error) -> Ext4Node in
            let number = try body(fs)
            if let existing = table.existing(number) { return existing }
            return table.node(number, type: VNodeType(try fs.attributes(number).type), volume: self)
        }
    }

    /// Counts an open file description on `node` (unlinked inodes stay while counted).
    func opened(_ node: Ext4Node) {
        lock.lock()
        defer { lock.unlock() }
        node.openCount &+= 1
    }

    /// The last open file description on `node` went away: an inode unlinked meanwhile is freed.
    func released(_ node: Ext4Node) {
        lock.lock()
        defer { lock.unlock() }
        node.openCount &-= 1
        guard node.openCount == 0, !detached else { return }
        try? fs.release(node.inode)
    }
}

extension VNodeType {
    init(_ type: Ext4FileType) {
        switch type {
        case .regular: self = .regular
        case .directory: self = .directory
        case .symlink: self = .symlink
        case .characterDevice: self = .characterDevice
        case .blockDevice: self = .blockDevice
        case .fifo: self = .fifo
        case .socket: self = .socket
        }
    }
}
