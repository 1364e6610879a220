/// What backs a memory area, which decides how its page faults are served and whether its
/// pages are shared.
public enum MemoryAreaKind: UInt8, Sendable {
    /// `MAP_PRIVATE | MAP_ANONYMOUS`: zero-filled private memory.
    case anonymous
    /// `MAP_SHARED | MAP_ANONYMOUS`: zero-filled memory shared with mappings of the same object.
    case sharedAnonymous
    /// `MAP_PRIVATE` of a file: copy-on-write pages read from the file.
    case privateFile
    /// `MAP_SHARED` of a file: the file's page cache pages themselves.
    case sharedFile
    /// The main thread's stack (or one created with `MAP_STACK`/`MAP_GROWSDOWN`).
    case stack
    /// The `brk` heap.
    case heap
    /// The kernel's vDSO: code every process shares, read from the kernel's own image.
    case vdso
    /// The clock page the vDSO reads and the kernel updates, mapped read-only.
    case vvar

    /// Whether the area's ``AreaAttributes/file`` and ``AreaAttributes/fileOffset`` mean
    /// something — a file, or the shared object behind a `MAP_SHARED | MAP_ANONYMOUS` mapping:
    /// only then do they take part in splitting and merging.
    public var isFileBacked: Bool { self == .privateFile || self == .sharedFile || self == .sharedAnonymous }

    /// Whether the area's pages are the kernel's: a fault maps the kernel's page at the area's
    /// ``AreaAttributes/fileOffset`` (so it follows a split or a move), never a fresh one.
    public var isKernelShared: Bool { self == .vdso || self == .vvar }

    /// Whether a write to a page the area borrows (a page of the in-RAM image, or of the
    /// vDSO) gets a private copy, once the area has been made writable.
    public var isCopiedOnWrite: Bool { self == .privateFile || self == .vdso }

    /// Whether ``AreaAttributes/fileOffset`` means something and advances along the area.
    public var tracksOffset: Bool { isFileBacked || isKernelShared }
}
