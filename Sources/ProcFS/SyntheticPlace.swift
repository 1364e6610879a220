/// Where a synthetic node is: its file system, the directory it was found in (nil for the
/// root) and its inode number. A directory hands it to the factory of each entry it makes.
public struct SyntheticPlace {
    public let fileSystem: SyntheticFileSystem
    public let parent: SyntheticDirectory?
    public let inode: UInt64

    public init(fileSystem: SyntheticFileSystem, parent: SyntheticDirectory?, inode: UInt64) {
        self.fileSystem = fileSystem
        self.parent = parent
        self.inode = inode
    }
}
