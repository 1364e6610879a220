/// Where a `RamFileSystem` gets the 4 KiB pages that hold file data.
///
/// The kernel passes one backed by its page-frame allocator: one frame per page, page
/// aligned, so tmpfs data costs exactly its size (through the general heap a 4 KiB buffer
/// plus its header takes two pages) and pages can later be mapped into a process. Called
/// from many threads at once (writes to different files run in parallel), so it must be
/// thread-safe.
public protocol PageAllocator: AnyObject {
    /// A page-aligned block of 4096 bytes, or nil when memory is exhausted.
    func allocatePage() -> UnsafeMutableRawPointer?
    /// Returns a block from `allocatePage()`.
    func freePage(_ page: UnsafeMutableRawPointer)
}

/// Pages from the Swift heap (`posix_memalign`): for host tests and kernels without a frame
/// allocator at hand.
public final class HeapPageAllocator: PageAllocator {
    public init() {}

    public func allocatePage() -> UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer.allocate(byteCount: DataPage.size, alignment: DataPage.size)
    }

    public func freePage(_ page: UnsafeMutableRawPointer) {
        page.deallocate()
    }
}
