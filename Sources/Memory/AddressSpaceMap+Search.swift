extension AddressSpaceMap {
    /// The highest start address of a free range of `size` bytes aligned to `alignment` that
    /// ends at or below `limit` (default ``maxAddress``); nil when there is none.
    ///
    /// Top-down like Linux's default `mmap` layout: mappings pack downwards from the top,
    /// leaving the low addresses (where the executable and the `brk` heap live) to grow.
    /// `size` must be page aligned and `alignment` a power of two of at least a page.
    public func findFreeRange(size: UInt64, alignment: UInt64 = pageSize, below limit: UInt64? = nil) -> UInt64? {
        guard size > 0, Self.isPageAligned(size), Self.isValidAlignment(alignment) else { return nil }
        let top = min(limit ?? maxAddress, maxAddress)
        var ceiling = top
        // Gaps from the top: between area j and the lowest area above it that starts below top.
        var j = firstIndex(endingAfter: top)
        if j < areas.count && areas[j].start < top { j &+= 1 }
        while true {
            j &-= 1
            let floor = j >= 0 ? max(areas[j].end, minAddress) : minAddress
            if ceiling > floor && ceiling &- floor >= size {
                let candidate = (ceiling &- size) & ~(alignment &- 1)
                if candidate >= floor { return candidate }
            }
            guard j >= 0 else { return nil }
            ceiling = min(ceiling, areas[j].start)
        }
    }
}
