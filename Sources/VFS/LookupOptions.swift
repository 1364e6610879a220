import LinuxABI

/// How `VirtualFileSystem.lookup` treats the end of a path.
public struct LookupOptions: OptionSet, Sendable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Do not follow a final symlink (AT_SYMLINK_NOFOLLOW, O_NOFOLLOW); a trailing slash still
    /// follows it.
    public static let noFollow = LookupOptions(rawValue: 1)
    /// An empty path names the starting directory or file itself (AT_EMPTY_PATH).
    public static let allowEmptyPath = LookupOptions(rawValue: 2)
    /// The result must be a directory (ENOTDIR otherwise), as for chdir or O_DIRECTORY.
    public static let directory = LookupOptions(rawValue: 4)

    /// The options an `*at` call's `AT_SYMLINK_NOFOLLOW` and `AT_EMPTY_PATH` flags ask for.
    public init(atFlags: Int) {
        var options: LookupOptions = []
        if atFlags & FileConstants.AT_SYMLINK_NOFOLLOW != 0 { options.insert(.noFollow) }
        if atFlags & FileConstants.AT_EMPTY_PATH != 0 { options.insert(.allowEmptyPath) }
        self = options
    }
}
