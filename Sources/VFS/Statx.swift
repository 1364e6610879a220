import LinuxABI

/// `struct statx` (256 bytes), what the `statx` system call returns.
public enum Statx {
    public static let size = 256

    public static let STATX_TYPE: UInt32 = 0x0001
    public static let STATX_MODE: UInt32 = 0x0002
    public static let STATX_NLINK: UInt32 = 0x0004
    public static let STATX_UID: UInt32 = 0x0008
    public static let STATX_GID: UInt32 = 0x0010
    public static let STATX_ATIME: UInt32 = 0x0020
    public static let STATX_MTIME: UInt32 = 0x0040
    public static let STATX_CTIME: UInt32 = 0x0080
    public static let STATX_INO: UInt32 = 0x0100
    public static let STATX_SIZE: UInt32 = 0x0200
    public static let STATX_BLOCKS: UInt32 = 0x0400
    public static let STATX_BASIC_STATS: UInt32 = 0x07FF
    public static let STATX_BTIME: UInt32 = 0x0800
    public static let STATX_MNT_ID: UInt32 = 0x1000
    /// Reserved for future struct expansion: a request with it set is EINVAL.
    public static let STATX__RESERVED: UInt32 = 0x8000_0000

    public static let AT_STATX_SYNC_TYPE = 0x6000
    public static let AT_STATX_FORCE_SYNC = 0x2000
    public static let AT_STATX_DONT_SYNC = 0x4000

    /// The record for `attributes`. Like Linux, every field the VFS has is filled whatever
    /// `requestedMask` says; `stx_mask` says which are valid: the basic fields, the mount ID,
    /// and the birth time when the file system keeps one.
    public static func encode(_ attributes: FileAttributes, mountID: UInt64) -> [UInt8] {
        var w = StructWriter(size: size)
        var mask = STATX_BASIC_STATS | STATX_MNT_ID
        if attributes.birthTime != nil { mask |= STATX_BTIME }
        w.set(mask, at: 0)
        w.set(attributes.blockSize, at: 4)
        w.set(UInt64(0), at: 8)  // stx_attributes
        w.set(attributes.linkCount, at: 16)
        w.set(attributes.uid, at: 20)
        w.set(attributes.gid, at: 24)
        w.set(UInt16(truncatingIfNeeded: attributes.mode), at: 28)
        w.set(attributes.inode, at: 32)
        w.set(attributes.size, at: 40)
        w.set(attributes.blocks, at: 48)
        w.set(UInt64(0), at: 56)  // stx_attributes_mask
        setTimestamp(&w, attributes.accessTime, at: 64)
        if let birth = attributes.birthTime { setTimestamp(&w, birth, at: 80) }
        setTimestamp(&w, attributes.changeTime, at: 96)
        setTimestamp(&w, attributes.modificationTime, at: 112)
        w.set(attributes.specialDevice.major, at: 128)
        w.set(attributes.specialDevice.minor, at: 132)
        w.set(attributes.device.major, at: 136)
        w.set(attributes.device.minor, at: 140)
        w.set(mountID, at: 144)
        return w.bytes
    }

    /// `struct statx_timestamp`: tv_sec (s64), tv_nsec (u32), reserved (s32).
    private static func setTimestamp(_ w: inout StructWriter, _ time: Timespec, at offset: Int) {
        w.set(time.seconds, at: offset)
        w.set(UInt32(truncatingIfNeeded: time.nanoseconds), at: offset + 8)
    }

    /// Checks statx's `flags` and `mask` arguments: EINVAL for unknown flags, both sync
    /// flags at once, or the reserved mask bit.
    public static func validate(flags: Int, mask: UInt32) throws(Errno) {
        let known =
            FileConstants.AT_SYMLINK_NOFOLLOW | FileConstants.AT_NO_AUTOMOUNT | FileConstants.AT_EMPTY_PATH
            | AT_STATX_SYNC_TYPE
        guard flags & ~known == 0, flags & AT_STATX_SYNC_TYPE != AT_STATX_SYNC_TYPE else { throw .EINVAL }
        guard mask & STATX__RESERVED == 0 else { throw .EINVAL }
    }
}
