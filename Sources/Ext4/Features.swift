/// The superblock's three feature sets and what this module does with each flag.
///
/// `incompat` flags change the format: a reader that does not know one must not mount.
/// `roCompat` flags may be read without understanding them but not written. `compat` flags are
/// safe either way. `supportedIncompat` and `writableRoCompat` are the lists the mount checks.
public enum Features {
    // MARK: compat
    public static let hasJournal: UInt32 = 0x4
    public static let extendedAttributes: UInt32 = 0x8
    public static let resizeInode: UInt32 = 0x10
    public static let directoryIndex: UInt32 = 0x20
    public static let sparseSuper2: UInt32 = 0x200
    public static let fastCommit: UInt32 = 0x400
    public static let orphanFile: UInt32 = 0x1000

    // MARK: incompat
    public static let compression: UInt32 = 0x1
    public static let fileType: UInt32 = 0x2
    public static let recover: UInt32 = 0x4
    public static let journalDevice: UInt32 = 0x8
    public static let metaBlockGroups: UInt32 = 0x10
    public static let extents: UInt32 = 0x40
    public static let bit64: UInt32 = 0x80
    public static let multiMountProtection: UInt32 = 0x100
    public static let flexibleBlockGroups: UInt32 = 0x200
    public static let extendedAttributeInodes: UInt32 = 0x400
    public static let directoryData: UInt32 = 0x1000
    public static let checksumSeed: UInt32 = 0x2000
    public static let largeDirectory: UInt32 = 0x4000
    public static let inlineData: UInt32 = 0x8000
    public static let encryption: UInt32 = 0x10000
    public static let caseFolding: UInt32 = 0x20000

    // MARK: ro_compat
    public static let sparseSuper: UInt32 = 0x1
    public static let largeFile: UInt32 = 0x2
    public static let hugeFile: UInt32 = 0x8
    public static let groupDescriptorChecksum: UInt32 = 0x10
    public static let directoryLinkCount: UInt32 = 0x20
    public static let extraInodeSize: UInt32 = 0x40
    public static let metadataChecksum: UInt32 = 0x400
    public static let orphanPresent: UInt32 = 0x10000

    /// Incompatible features this module reads. Anything else refuses the mount.
    static let supportedIncompat: UInt32 =
        fileType | recover | metaBlockGroups | extents | bit64 | flexibleBlockGroups | checksumSeed | largeDirectory
        | multiMountProtection | journalDevice | inlineData
    /// Incompatible features that are understood for reading but make the volume read-only
    /// here: MMP needs a heartbeat writer, an external journal a second device, inline data
    /// moving data out of inodes as files grow.
    static let readOnlyIncompat: UInt32 = multiMountProtection | journalDevice | inlineData
    /// Read-only-compatible features this module keeps correct when it writes. Any other
    /// (bigalloc, quota, verity, snapshots, orphan_present …) makes a read-write mount EROFS.
    static let writableRoCompat: UInt32 =
        sparseSuper | largeFile | hugeFile | groupDescriptorChecksum | directoryLinkCount | extraInodeSize
        | metadataChecksum
}
