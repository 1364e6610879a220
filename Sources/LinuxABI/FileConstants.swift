/// `open`, `fcntl`, `*at` and file-mode bits.
public enum FileConstants {
    public static let O_RDONLY = 0o0
    public static let O_WRONLY = 0o1
    public static let O_RDWR = 0o2
    public static let O_ACCMODE = 0o3
    public static let O_CREAT = 0o100
    public static let O_EXCL = 0o200
    public static let O_NOCTTY = 0o400
    public static let O_TRUNC = 0o1000
    public static let O_APPEND = 0o2000
    public static let O_NONBLOCK = 0o4000
    public static let O_DSYNC = 0o10000
    public static let O_ASYNC = 0o20000
    public static let O_DIRECT = 0o40000
    public static let O_LARGEFILE = 0o100000
    public static let O_DIRECTORY = 0o200000
    public static let O_NOFOLLOW = 0o400000
    public static let O_NOATIME = 0o1000000
    public static let O_CLOEXEC = 0o2000000
    public static let O_SYNC = 0o4010000
    public static let O_PATH = 0o10000000
    public static let O_TMPFILE = 0o20200000

    public static let AT_FDCWD = -100
    public static let AT_SYMLINK_NOFOLLOW = 0x100
    public static let AT_REMOVEDIR = 0x200
    public static let AT_SYMLINK_FOLLOW = 0x400
    public static let AT_NO_AUTOMOUNT = 0x800
    public static let AT_EMPTY_PATH = 0x1000
    public static let AT_EACCESS = 0x200

    public static let F_DUPFD = 0
    public static let F_GETFD = 1
    public static let F_SETFD = 2
    public static let F_GETFL = 3
    public static let F_SETFL = 4
    public static let F_GETLK = 5
    public static let F_SETLK = 6
    public static let F_SETLKW = 7
    public static let F_OFD_GETLK = 36
    public static let F_OFD_SETLK = 37
    public static let F_OFD_SETLKW = 38
    /// `struct flock`'s `l_type`.
    public static let F_RDLCK = 0
    public static let F_WRLCK = 1
    public static let F_UNLCK = 2
    public static let F_DUPFD_CLOEXEC = 1030
    public static let F_GETPIPE_SZ = 1032
    public static let F_SETPIPE_SZ = 1031
    public static let FD_CLOEXEC = 1

    /// `splice` and `tee` flags. MOVE, MORE and GIFT are hints (Linux ignores MOVE and GIFT
    /// too); NONBLOCK makes waiting on a pipe EAGAIN. Any other bit is EINVAL.
    public static let SPLICE_F_MOVE = 1
    public static let SPLICE_F_NONBLOCK = 2
    public static let SPLICE_F_MORE = 4
    public static let SPLICE_F_GIFT = 8
    public static let SPLICE_F_ALL = 0xF

    public static let S_IFMT = 0o170000
    public static let S_IFSOCK = 0o140000
    public static let S_IFLNK = 0o120000
    public static let S_IFREG = 0o100000
    public static let S_IFBLK = 0o060000
    public static let S_IFDIR = 0o040000
    public static let S_IFCHR = 0o020000
    public static let S_IFIFO = 0o010000

    public static let SEEK_SET = 0
    public static let SEEK_CUR = 1
    public static let SEEK_END = 2
    public static let SEEK_DATA = 3
    public static let SEEK_HOLE = 4

    /// `d_type` values in `getdents64`.
    public static let DT_UNKNOWN: UInt8 = 0
    public static let DT_FIFO: UInt8 = 1
    public static let DT_CHR: UInt8 = 2
    public static let DT_DIR: UInt8 = 4
    public static let DT_BLK: UInt8 = 6
    public static let DT_REG: UInt8 = 8
    public static let DT_LNK: UInt8 = 10
    public static let DT_SOCK: UInt8 = 12
}
