/// Where a regular file's bytes lie in the image, for mapping them without copying.
///
/// For a page-aligned file `offset` is a multiple of the page size and the image holds zeros
/// from `offset + length` to `offset + mappedLength`, so its pages can be mapped as they are and
/// the tail of the last page reads as zeros, as mmap requires. A small file shares its page with
/// other files' bytes and must be copied into a fresh page instead.
public struct FileExtent: Equatable, Sendable {
    /// Byte offset of the file's data from the start of the image (0 for an empty file).
    public var offset: UInt64
    /// The file size.
    public var length: UInt64
    /// Whether the file's pages may be mapped directly (see the type's description).
    public var isPageAligned: Bool
    /// `length` rounded up to whole pages when page aligned; `length` otherwise.
    public var mappedLength: UInt64

    public init(offset: UInt64, length: UInt64, isPageAligned: Bool, mappedLength: UInt64) {
        self.offset = offset
        self.length = length
        self.isPageAligned = isPageAligned
        self.mappedLength = mappedLength
    }
}
