/// Where a ``SlabHeap`` gets its memory: runs of whole, page-aligned pages.
///
/// In the kernel this is the buddy allocator seen through the direct map
/// (``BuddyAllocator/allocate(pages:)``); in host tests it is the host's own allocator. The heap
/// is generic over its source (`SlabHeap<Pages: PageSource>`) rather than holding an
/// existential, because Embedded Swift rejects `any P` for non-class protocols and a generic
/// costs nothing once specialized.
public protocol PageSource {
    /// `count` contiguous pages starting on a ``Page/size`` boundary, readable and writable;
    /// nil when the memory is not available.
    mutating func allocatePages(count: Int) -> UnsafeMutableRawPointer?
    /// Returns a run obtained from ``allocatePages(count:)`` with the same `count`.
    mutating func freePages(_ start: UnsafeMutableRawPointer, count: Int)
}
