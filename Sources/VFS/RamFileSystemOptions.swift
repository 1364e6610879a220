/// How a `RamFileSystem` is set up (tmpfs mount options).
public struct RamFileSystemOptions: Sendable {
    /// The most bytes of file data (`size=`), rounded down to whole pages. Directories,
    /// symlinks and node metadata are not counted, as in tmpfs.
    public var sizeLimit: UInt64
    /// The most nodes (`nr_inodes=`), the root included.
    public var nodeLimit: UInt64
    /// The most links a node may have (EMLINK beyond); for directories, 2 plus subdirectories.
    public var maxLinks: UInt32
    /// Permissions of the root directory (`mode=`); tmpfs uses 1777.
    public var rootPermissions: UInt32
    /// Owner of the root directory (`uid=`, `gid=`).
    public var rootOwner: NodeOwner
    /// What `st_dev` reports for every node (an anonymous device the kernel assigns).
    public var device: DeviceNumber
    /// `f_type` in statfs: TMPFS_MAGIC, or RAMFS_MAGIC for a ramfs.
    public var magic: Int64

    public init(
        sizeLimit: UInt64 = UInt64.max, nodeLimit: UInt64 = UInt64.max, maxLinks: UInt32 = UInt32.max,
        rootPermissions: UInt32 = 0o1777, rootOwner: NodeOwner = .root,
        device: DeviceNumber = DeviceNumber(major: 0, minor: 1), magic: Int64 = FileSystemStatistics.TMPFS_MAGIC
    ) {
        self.sizeLimit = sizeLimit
        self.nodeLimit = nodeLimit
        self.maxLinks = maxLinks
        self.rootPermissions = rootPermissions
        self.rootOwner = rootOwner
        self.device = device
        self.magic = magic
    }
}
