import LinuxABI

/// What `statfs`/`fstatfs` report about a file system.
public struct FileSystemStatistics: Equatable, Sendable {
    /// The file system's magic number (`f_type`), e.g. `TMPFS_MAGIC`.
    public var type: Int64
    public var blockSize: Int64
    public var blocks: UInt64
    public var freeBlocks: UInt64
    public var availableBlocks: UInt64
    public var files: UInt64
    public var freeFiles: UInt64
    public var fileSystemID: UInt64
    public var nameLength: Int64
    /// `ST_*` flags; the VFS adds the mount's flags and `ST_VALID`.
    public var flags: Int64

    public init(
        type: Int64, blockSize: Int64 = 4096, blocks: UInt64 = 0, freeBlocks: UInt64 = 0,
        availableBlocks: UInt64 = 0, files: UInt64 = 0, freeFiles: UInt64 = 0, fileSystemID: UInt64 = 0,
        nameLength: Int64 = Int64(VFSLimits.maxNameLength), flags: Int64 = 0
    ) {
        self.type = type
        self.blockSize = blockSize
        self.blocks = blocks
        self.freeBlocks = freeBlocks
        self.availableBlocks = availableBlocks
        self.files = files
        self.freeFiles = freeFiles
        self.fileSystemID = fileSystemID
        self.nameLength = nameLength
        self.flags = flags
    }

    public static let TMPFS_MAGIC: Int64 = 0x0102_1994
    public static let RAMFS_MAGIC: Int64 = 0x8584_58F6
    /// What the application image reports: "SKIF" in ASCII, distinct from every Linux magic.
    public static let SKIFF_IMAGE_MAGIC: Int64 = 0x534B_4946

    public static let ST_RDONLY: Int64 = 0x0001
    public static let ST_NOSUID: Int64 = 0x0002
    public static let ST_NODEV: Int64 = 0x0004
    public static let ST_NOEXEC: Int64 = 0x0008
    public static let ST_VALID: Int64 = 0x0020

    /// Size of `struct statfs` on x86_64.
    public static let size = 120

    /// `struct statfs` (x86_64): f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree,
    /// f_fsid (two ints), f_namelen, f_frsize, f_flags, f_spare[4].
    public var encoded: [UInt8] {
        var w = StructWriter(size: Self.size)
        w.set(type, at: 0)
        w.set(blockSize, at: 8)
        w.set(blocks, at: 16)
        w.set(freeBlocks, at: 24)
        w.set(availableBlocks, at: 32)
        w.set(files, at: 40)
        w.set(freeFiles, at: 48)
        w.set(UInt32(truncatingIfNeeded: fileSystemID), at: 56)
        w.set(UInt32(truncatingIfNeeded: fileSystemID >> 32), at: 60)
        w.set(nameLength, at: 64)
        w.set(blockSize, at: 72)
        w.set(flags, at: 80)
        return w.bytes
    }
}
