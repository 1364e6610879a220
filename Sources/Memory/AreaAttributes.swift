/// Everything about a memory area except where it is.
public struct AreaAttributes: Equatable, Sendable {
    public var protection: MemoryProtection
    public var kind: MemoryAreaKind
    public var flags: MemoryAreaFlags
    /// The mapped file as an opaque identity (e.g. a vnode number) for file-backed kinds; 0
    /// otherwise.
    public var file: UInt64
    /// The file offset of the area's first byte for file-backed kinds, the offset into the
    /// kernel's pages for kernel-shared kinds; 0 otherwise.
    public var fileOffset: UInt64

    /// Attributes for an area; `file` and `fileOffset` are dropped for kinds that are not
    /// file-backed, so two anonymous areas never differ by a meaningless offset.
    public init(
        protection: MemoryProtection, kind: MemoryAreaKind, flags: MemoryAreaFlags = [],
        file: UInt64 = 0, fileOffset: UInt64 = 0
    ) {
        self.protection = protection
        self.kind = kind
        self.flags = flags
        self.file = kind.isFileBacked ? file : 0
        self.fileOffset = kind.tracksOffset ? fileOffset : 0
    }

    /// The attributes of the part of an area that starts `bytes` into it.
    public func advanced(by bytes: UInt64) -> AreaAttributes {
        var result = self
        if kind.tracksOffset { result.fileOffset &+= bytes }
        return result
    }

    /// Whether an area with these attributes, `size` bytes long, can be merged with an area
    /// with `next` directly after it: same everything, and for files the offsets continue.
    public func canMerge(with next: AreaAttributes, afterBytes size: UInt64) -> Bool {
        self.advanced(by: size) == next
    }
}
