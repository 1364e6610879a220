/// Linux's limits on names, paths and files.
public enum VFSLimits {
    /// NAME_MAX: the longest path component (ENAMETOOLONG beyond).
    public static let maxNameLength = 255
    /// PATH_MAX: a path including its NUL; a path of this many bytes or more is ENAMETOOLONG.
    public static let maxPathLength = 4096
    /// MAXSYMLINKS: symlinks followed in one resolution before ELOOP.
    public static let maxSymlinks = 40
    /// MAX_LFS_FILESIZE on 64-bit: the largest file size and offset.
    public static let maxFileSize: UInt64 = UInt64(Int64.max)
    /// MAX_RW_COUNT: the most one read or write transfers (INT_MAX rounded down to a page).
    public static let maxTransfer = 0x7FFF_F000
}
