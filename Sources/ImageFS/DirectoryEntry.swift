/// One entry returned by directory iteration, shaped for getdents64.
public struct DirectoryEntry: Equatable, Sendable {
    public var name: [UInt8]
    public var inode: InodeNumber
    public var type: FileType
    /// The cursor of the entry after this one (getdents64's `d_off`): pass it back to resume.
    public var nextCursor: UInt64

    public init(name: [UInt8], inode: InodeNumber, type: FileType, nextCursor: UInt64) {
        self.name = name
        self.inode = inode
        self.type = type
        self.nextCursor = nextCursor
    }
}
