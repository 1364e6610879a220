/// What `stat` reports about an inode, as stored in the image.
///
/// The image keeps one timestamp; the VFS reports it as atime, mtime and ctime alike.
public struct InodeAttributes: Equatable, Sendable {
    public var inode: InodeNumber
    public var type: FileType
    /// Permission bits including setuid, setgid and sticky (at most 0o7777).
    public var permissions: UInt16
    public var uid: UInt32
    public var gid: UInt32
    /// Hard links for files and symlinks; 2 + subdirectories for directories, as on Linux.
    public var linkCount: UInt32
    /// Bytes for files, target length for symlinks, stored entry count for directories.
    public var size: UInt64
    public var modificationTime: Timestamp

    /// The full `st_mode`: type bits and permissions.
    public var mode: UInt32 { type.modeBits | UInt32(permissions) }
}
