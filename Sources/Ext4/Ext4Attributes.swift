import LinuxABI

/// What `stat` reports about an inode.
public struct Ext4Attributes {
    public var inode: UInt32
    public var type: Ext4FileType
    /// Permission bits with setuid, setgid and sticky (at most 0o7777).
    public var permissions: UInt16
    public var uid: UInt32
    public var gid: UInt32
    public var linkCount: UInt32
    public var size: UInt64
    /// Allocated storage in 512-byte units (`st_blocks`).
    public var blocks: UInt64
    public var accessTime: Timespec
    public var modificationTime: Timespec
    public var changeTime: Timespec
    /// Creation time, when the inode records one.
    public var creationTime: Timespec?
    /// The device a device node stands for.
    public var device: Ext4DeviceNumber
    /// `i_flags` (immutable 0x10, append-only 0x20, …).
    public var flags: UInt32
    public var generation: UInt32

    /// The full mode: type bits and permissions.
    public var mode: UInt16 { type.modeBits | permissions }
}

/// A new timestamp for `setAttributes`.
public enum Ext4TimeChange {
    case now
    case set(Timespec)
}

/// What `setAttributes` changes; nil fields stay. Any change also sets ctime to now.
public struct Ext4AttributeChanges {
    public var permissions: UInt16?
    public var uid: UInt32?
    public var gid: UInt32?
    /// A new size (truncate); regular files only.
    public var size: UInt64?
    public var accessTime: Ext4TimeChange?
    public var modificationTime: Ext4TimeChange?

    public init(
        permissions: UInt16? = nil, uid: UInt32? = nil, gid: UInt32? = nil, size: UInt64? = nil,
        accessTime: Ext4TimeChange? = nil, modificationTime: Ext4TimeChange? = nil
    ) {
        self.permissions = permissions
        self.uid = uid
        self.gid = gid
        self.size = size
        self.accessTime = accessTime
        self.modificationTime = modificationTime
    }
}

/// One directory entry from `readDirectory`.
public struct Ext4DirectoryEntry {
    public var name: [UInt8]
    public var inode: UInt32
    /// From the entry's type byte (or the inode when the volume has no `filetype` feature).
    public var type: Ext4FileType?
    /// Resumes iteration right after this entry; stays valid while the directory changes.
    public var nextCookie: UInt64
}

/// `statfs` data.
public struct Ext4Statistics {
    public var blockSize: Int
    public var blocks: UInt64
    public var freeBlocks: UInt64
    /// Free blocks ordinary users may take (free less the root reservation).
    public var availableBlocks: UInt64
    public var inodes: UInt64
    public var freeInodes: UInt64
    public var maximumNameLength: Int
}

/// `renameat2` behaviour.
public struct Ext4RenameFlags: OptionSet, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Fail with EEXIST instead of replacing the target.
    public static let noReplace = Ext4RenameFlags(rawValue: 1)
    /// Swap the two names; both must exist.
    public static let exchange = Ext4RenameFlags(rawValue: 2)
    /// Leave a whiteout (a character device 0/0, mode bits 0) at the old name.
    public static let whiteout = Ext4RenameFlags(rawValue: 4)
}
