import LinuxABI

/// A new value for a timestamp in `utimensat`.
public enum TimeChange {
    /// The file system's current time (`UTIME_NOW`, or a NULL `times` argument).
    case now
    /// This exact time.
    case set(Timespec)
}

/// What `setattr` changes; nil fields stay as they are. The node also sets its change time
/// (ctime) to now whenever it applies any change, as Linux does.
public struct AttributeChanges {
    /// New permission bits (0o7777 mask applied by the node).
    public var permissions: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?
    /// A new size (truncate); regular files only.
    public var size: UInt64?
    public var accessTime: TimeChange?
    public var modificationTime: TimeChange?

    public init(
        permissions: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil, size: UInt64? = nil,
        accessTime: TimeChange? = nil, modificationTime: TimeChange? = nil
    ) {
        self.permissions = permissions
        self.uid = uid
        self.gid = gid
        self.size = size
        self.accessTime = accessTime
        self.modificationTime = modificationTime
    }

    /// Whether nothing would change (`utimensat` with both times `UTIME_OMIT` does nothing,
    /// not even update ctime).
    public var isEmpty: Bool {
        permissions == nil && uid == nil && gid == nil && size == nil && accessTime == nil && modificationTime == nil
    }
}
