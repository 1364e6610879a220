/// The identity file permission checks use: Linux's fsuid, fsgid and supplementary groups.
public struct Credentials: Sendable {
    public var uid: UInt32
    public var gid: UInt32
    public var groups: [UInt32]

    public init(uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// uid 0: the single user of most unikernel applications.
    public static let root = Credentials(uid: 0, gid: 0)

    /// Whether these credentials bypass permission bits (CAP_DAC_OVERRIDE, CAP_FOWNER, …). The
    /// VFS grants root every capability.
    public var isSuperuser: Bool { uid == 0 }

    /// Whether `gid` is the primary or a supplementary group.
    public func isMember(of gid: UInt32) -> Bool {
        if gid == self.gid { return true }
        for group in groups where group == gid { return true }
        return false
    }
}

/// The owner a new node gets: the creator's fsuid, and its fsgid or the directory's group when
/// the directory is setgid (BSD group semantics, as Linux applies them).
public struct NodeOwner: Sendable {
    public var uid: UInt32
    public var gid: UInt32

    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }

    public static let root = NodeOwner(uid: 0, gid: 0)
}
