import LinuxABI

/// The flags of `open`/`openat`, as an open file description keeps them.
public struct OpenFlags: Equatable, Sendable {
    public var rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    public init(_ rawValue: Int) { self.rawValue = rawValue }

    public static let readOnly = OpenFlags(FileConstants.O_RDONLY)
    public static let writeOnly = OpenFlags(FileConstants.O_WRONLY)
    public static let readWrite = OpenFlags(FileConstants.O_RDWR)

    /// `O_ACCMODE` bits.
    public var accessMode: Int { rawValue & FileConstants.O_ACCMODE }

    /// Whether `read` is allowed (O_RDONLY or O_RDWR, never O_PATH).
    public var canRead: Bool {
        !isPath && (accessMode == FileConstants.O_RDONLY || accessMode == FileConstants.O_RDWR)
    }

    /// Whether `write` is allowed (O_WRONLY or O_RDWR, never O_PATH).
    public var canWrite: Bool {
        !isPath && (accessMode == FileConstants.O_WRONLY || accessMode == FileConstants.O_RDWR)
    }

    public func contains(_ flag: Int) -> Bool { rawValue & flag == flag }

    public var isPath: Bool { contains(FileConstants.O_PATH) }
    public var append: Bool { contains(FileConstants.O_APPEND) }
    public var nonBlocking: Bool { contains(FileConstants.O_NONBLOCK) }
    public var direct: Bool { contains(FileConstants.O_DIRECT) }
    public var closeOnExec: Bool { contains(FileConstants.O_CLOEXEC) }
    /// O_TMPFILE includes the O_DIRECTORY bit, so test the whole value.
    public var temporaryFile: Bool { contains(FileConstants.O_TMPFILE) }

    /// The flags `fcntl(F_SETFL)` may change; the rest of its argument is ignored.
    public static let settableStatusFlags =
        FileConstants.O_APPEND | FileConstants.O_NONBLOCK | FileConstants.O_ASYNC | FileConstants.O_DIRECT
        | FileConstants.O_NOATIME

    /// Flags that only matter while opening and are not kept in the open file description.
    static let openTimeOnly =
        FileConstants.O_CREAT | FileConstants.O_EXCL | FileConstants.O_NOCTTY | FileConstants.O_TRUNC

    /// The flags O_PATH may be combined with; everything else is ignored with it.
    static let pathCompatible =
        FileConstants.O_PATH | FileConstants.O_DIRECTORY | FileConstants.O_NOFOLLOW | FileConstants.O_CLOEXEC

    /// Every flag Linux knows; others are ignored by `open` (but rejected by `openat2`).
    static let valid =
        FileConstants.O_ACCMODE | FileConstants.O_CREAT | FileConstants.O_EXCL | FileConstants.O_NOCTTY
        | FileConstants.O_TRUNC | FileConstants.O_APPEND | FileConstants.O_NONBLOCK | FileConstants.O_DSYNC
        | FileConstants.O_ASYNC | FileConstants.O_DIRECT | FileConstants.O_LARGEFILE | FileConstants.O_DIRECTORY
        | FileConstants.O_NOFOLLOW | FileConstants.O_NOATIME | FileConstants.O_CLOEXEC | FileConstants.O_SYNC
        | FileConstants.O_PATH | FileConstants.O_TMPFILE
}
