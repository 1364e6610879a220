/// A process's view of the file system for one call: its root, working directory, umask and
/// credentials (Linux's `fs_struct` plus the fs credentials). The kernel keeps one per process
/// and passes it to every path-based operation.
public struct FileContext {
    /// Where absolute paths and absolute symlinks start; `..` never climbs above it.
    public var root: Location
    /// Where relative paths start when no directory is given.
    public var workingDirectory: Location
    /// Permission bits removed from the mode of every node created.
    public var umask: UInt32
    public var credentials: Credentials

    public init(root: Location, workingDirectory: Location, umask: UInt32 = 0o022, credentials: Credentials = .root) {
        self.root = root
        self.workingDirectory = workingDirectory
        self.umask = umask
        self.credentials = credentials
    }
}
