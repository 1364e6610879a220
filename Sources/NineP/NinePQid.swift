/// The server's identity of a file (9P `qid[13]`): its type bits, a version and a path number
/// that is unique per file on the server (QEMU derives it from the host inode).
///
/// The file system keys its nodes by `path`, so two names that walk to the same qid (hard
/// links, `.` of a directory) give the VFS the same node.
public struct NinePQid: Equatable, Sendable {
    public var type: UInt8
    public var version: UInt32
    public var path: UInt64

    public init(type: UInt8, version: UInt32 = 0, path: UInt64) {
        self.type = type
        self.version = version
        self.path = path
    }

    /// Encoded size on the wire.
    public static let size = 13

    /// `QTDIR`: a directory.
    public static let directory: UInt8 = 0x80
    /// `QTSYMLINK`: a symbolic link.
    public static let symlink: UInt8 = 0x02

    public var isDirectory: Bool { type & Self.directory != 0 }
    public var isSymlink: Bool { type & Self.symlink != 0 }
}
