import LinuxABI

/// What `stat`/`statx` report about a node, in the VFS's own terms; `linuxStat` and `Statx`
/// turn it into the ABI structures.
public struct FileAttributes {
    public var type: VNodeType
    /// Permission bits including setuid, setgid and sticky (at most 0o7777).
    public var permissions: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var linkCount: UInt32
    /// Bytes for files, target length for symlinks, a file-system-defined size for directories.
    public var size: UInt64
    /// Allocated storage in 512-byte units (`st_blocks`), less than `size` for sparse files.
    public var blocks: UInt64
    /// The preferred I/O size (`st_blksize`).
    public var blockSize: UInt32
    public var inode: UInt64
    /// The file system's device (`st_dev`).
    public var device: DeviceNumber
    /// The device a device node stands for (`st_rdev`).
    public var specialDevice: DeviceNumber
    public var accessTime: Timespec
    public var modificationTime: Timespec
    public var changeTime: Timespec
    /// Creation time when the file system records one (statx `STATX_BTIME`).
    public var birthTime: Timespec?
    /// Linux's anon_inode (eventfd, epoll, timerfd, signalfd): `st_mode` is the permissions
    /// with no file-type bits at all (`S_IFMT` 0, an eighth "type" programs can meet), whatever
    /// `type` the node has inside the kernel.
    public var isAnonymousInode = false

    public init(
        type: VNodeType, permissions: UInt32, uid: UInt32 = 0, gid: UInt32 = 0, linkCount: UInt32 = 1,
        size: UInt64 = 0, blocks: UInt64 = 0, blockSize: UInt32 = 4096, inode: UInt64,
        device: DeviceNumber = .none, specialDevice: DeviceNumber = .none,
        accessTime: Timespec = Timespec(), modificationTime: Timespec = Timespec(),
        changeTime: Timespec = Timespec(), birthTime: Timespec? = nil
    ) {
        self.type = type
        self.permissions = permissions
        self.uid = uid
        self.gid = gid
        self.linkCount = linkCount
        self.size = size
        self.blocks = blocks
        self.blockSize = blockSize
        self.inode = inode
        self.device = device
        self.specialDevice = specialDevice
        self.accessTime = accessTime
        self.modificationTime = modificationTime
        self.changeTime = changeTime
        self.birthTime = birthTime
    }

    /// The full `st_mode`: type bits (none for an anonymous inode) and permissions.
    public var mode: UInt32 { (isAnonymousInode ? 0 : type.modeBits) | (permissions & 0o7777) }

    /// `struct stat` as `fstat`/`newfstatat` return it. Sizes above `Int64.max` cannot occur
    /// (files are limited to `Int64.max` bytes) and are clamped rather than trapping.
    public var linuxStat: LinuxStat {
        var stat = LinuxStat()
        stat.device = device.encoded
        stat.inode = inode
        stat.linkCount = UInt64(linkCount)
        stat.mode = mode
        stat.uid = uid
        stat.gid = gid
        stat.specialDevice = specialDevice.encoded
        stat.size = Int64(clamping: size)
        stat.blockSize = Int64(blockSize)
        stat.blocks = Int64(clamping: blocks)
        stat.accessTime = accessTime
        stat.modificationTime = modificationTime
        stat.changeTime = changeTime
        return stat
    }
}
