/// Why an address-space operation failed; the map is unchanged. The syscall layer maps these
/// to errno values (suggested mapping in each case).
public enum AddressSpaceError: Error, Equatable, Sendable {
    /// An address or length is not page aligned, or an alignment is not a power of two of at
    /// least a page (`EINVAL`).
    case misaligned
    /// A length is zero or the range wraps around (`EINVAL`).
    case invalidSize
    /// The range leaves the address space's `[minAddress, maxAddress)` (`ENOMEM`).
    case outOfRange
    /// No free range of the requested size exists, or an area cannot grow in place (`ENOMEM`).
    case noSpace
    /// Part of the range is not mapped where the operation needs it to be (`ENOMEM` for
    /// `mprotect`, `EFAULT` for `mremap`).
    case notMapped
    /// A destination range overlaps the source it is to receive (`EINVAL`).
    case overlapping
}
