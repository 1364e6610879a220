/// Per-mount flags (the `MS_*` values `mount(2)` takes).
public struct MountFlags: OptionSet, Sendable {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Refuse every change through this mount (EROFS).
    public static let readOnly = MountFlags(rawValue: 1)
    /// Ignore setuid/setgid bits on exec (the kernel's concern; reported by statfs).
    public static let noSetuid = MountFlags(rawValue: 2)
    /// Refuse to open device nodes (EACCES).
    public static let noDevices = MountFlags(rawValue: 4)
    /// Refuse exec (the kernel's concern; reported by statfs).
    public static let noExec = MountFlags(rawValue: 8)
}

/// `umount2` flags.
public struct UnmountFlags: OptionSet, Sendable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// MNT_FORCE: accepted and treated like a plain unmount.
    public static let force = UnmountFlags(rawValue: 1)
    /// MNT_DETACH: detach now even when busy; open files keep working.
    public static let detach = UnmountFlags(rawValue: 2)
    /// UMOUNT_NOFOLLOW: do not follow a final symlink in the path.
    public static let noFollow = UnmountFlags(rawValue: 8)
}
