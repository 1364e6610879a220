import LinuxABI
import VFS

/// A file system whose nodes are made on demand from someone else's state: procfs and sysfs.
///
/// Nothing is stored: a directory is a function that lists its entries when asked, a file a
/// function that renders its text when opened, a link a function that names its target. Nodes
/// are made afresh by every lookup, so they never go stale; what keeps them identifiable is
/// their inode number, derived from the parent's and the name (`SyntheticInode`), which is
/// the same every time the same path is looked up.
///
/// The file system and its root refer to each other and live as long as the kernel does.
public final class SyntheticFileSystem: FileSystem {
    /// `statfs`'s `f_type`: `PROC_SUPER_MAGIC`, `SYSFS_MAGIC`.
    public let magic: Int64
    /// `st_dev` of every node.
    public let device: DeviceNumber
    /// The time nodes report (Linux gives a proc inode the time it was made).
    let clock: () -> Timespec
    private var rootDirectory: SyntheticDirectory! = nil

    public static let PROC_SUPER_MAGIC: Int64 = 0x9FA0
    public static let SYSFS_MAGIC: Int64 = 0x6265_6572

    /// A file system whose root lists `entries`.
    public init(
        magic: Int64, device: DeviceNumber, clock: @escaping () -> Timespec,
        entries: @escaping (SyntheticDirectory) -> [SyntheticEntry]
    ) {
        self.magic = magic
        self.device = device
        self.clock = clock
        rootDirectory = SyntheticDirectory(
            place: SyntheticPlace(fileSystem: self, parent: nil, inode: SyntheticInode.root), permissions: 0o555,
            entries: entries)
    }

    public var root: VNode { rootDirectory }

    /// Refuses nothing itself: nodes decide (a read-only file is EACCES for writing, as
    /// Linux's procfs and sysfs answer even root).
    public var isReadOnly: Bool { false }

    public func statistics() throws(Errno) -> FileSystemStatistics {
        FileSystemStatistics(type: magic, blockSize: 4096, fileSystemID: UInt64(device.minor))
    }

    public func sync() throws(Errno) {}
    public func unmounted() {}
}
