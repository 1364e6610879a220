/// The attributes a builder caller gives a node: ownership, permissions and time.
public struct NodeAttributes: Equatable, Sendable {
    /// Permission bits including setuid, setgid and sticky; values above 0o7777 are rejected.
    public var permissions: UInt16
    public var uid: UInt32
    public var gid: UInt32
    public var modificationTime: Timestamp

    public init(permissions: UInt16, uid: UInt32 = 0, gid: UInt32 = 0, modificationTime: Timestamp = .epoch) {
        self.permissions = permissions
        self.uid = uid
        self.gid = gid
        self.modificationTime = modificationTime
    }

    /// rwxr-xr-x root:root at the epoch; also what implicitly created parents get by default.
    public static let directory = NodeAttributes(permissions: 0o755)
    /// rw-r--r-- root:root at the epoch.
    public static let file = NodeAttributes(permissions: 0o644)
    /// rwxr-xr-x root:root at the epoch, for programs.
    public static let executable = NodeAttributes(permissions: 0o755)
    /// rwxrwxrwx, the mode Linux reports for every symlink.
    public static let symlink = NodeAttributes(permissions: 0o777)
}
