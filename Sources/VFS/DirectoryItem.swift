/// One directory entry as a file system reports it to readdir.
public struct DirectoryItem {
    public var name: [UInt8]
    public var inode: UInt64
    public var type: VNodeType
    /// The cookie that resumes iteration right after this entry (getdents64's `d_off`). It
    /// must stay valid while the directory changes: an entry that is neither added nor removed
    /// is reported exactly once by an iteration that resumes from handed-out cookies.
    public var nextCookie: UInt64

    public init(name: [UInt8], inode: UInt64, type: VNodeType, nextCookie: UInt64) {
        self.name = name
        self.inode = inode
        self.type = type
        self.nextCookie = nextCookie
    }
}
