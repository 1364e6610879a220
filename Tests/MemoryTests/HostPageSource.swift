import Memory

/// Pages from the host allocator, with the bookkeeping tests need to catch a heap that frees
/// the wrong run or leaks one.
///
/// Freed runs are poisoned and kept until the source is released instead of going back to the
/// host, so a test may free a stale pointer twice and the heap's header check reads poisoned
/// memory rather than memory the host has reused.
final class HostPageSource: PageSource {
    /// Runs handed out and not returned: start address → page count.
    private(set) var outstanding: [UInt: Int] = [:]
    /// Problems seen in `freePages` (a run never handed out, or the wrong count).
    private(set) var errors: [String] = []
    /// Calls to `allocatePages` that succeeded.
    private(set) var allocationCount = 0
    /// Pages that may be outstanding at once; nil for no limit.
    var pageLimit: Int?
    private var quarantine: [UnsafeMutableRawPointer] = []

    init(pageLimit: Int? = nil) { self.pageLimit = pageLimit }

    deinit {
        for p in outstanding.keys { UnsafeMutableRawPointer(bitPattern: p)!.deallocate() }
        for p in quarantine { p.deallocate() }
    }

    /// Pages currently held by the heap.
    var outstandingPages: Int { outstanding.values.reduce(0, +) }

    func allocatePages(count: Int) -> UnsafeMutableRawPointer? {
        if let pageLimit, outstandingPages + count > pageLimit { return nil }
        let p = UnsafeMutableRawPointer.allocate(byteCount: count * Page.size, alignment: Page.size)
        // Garbage, so the heap cannot rely on fresh pages being zero.
        p.initializeMemory(as: UInt8.self, repeating: 0xA5, count: count * Page.size)
        outstanding[UInt(bitPattern: p)] = count
        allocationCount += 1
        return p
    }

    func freePages(_ start: UnsafeMutableRawPointer, count: Int) {
        let key = UInt(bitPattern: start)
        guard let expected = outstanding[key] else {
            errors.append("freePages(\(start), \(count)): not an outstanding run")
            return
        }
        if expected != count { errors.append("freePages(\(start), \(count)): run has \(expected) pages") }
        outstanding[key] = nil
        start.initializeMemory(as: UInt8.self, repeating: 0xDD, count: expected * Page.size)
        quarantine.append(start)
    }
}
