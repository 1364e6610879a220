/// The virtual memory areas of one application address space: what `mmap`, `munmap`,
/// `mprotect`, `mremap` and `brk` change and what `/proc/self/maps` lists.
///
/// The areas are kept in a sorted array of non-overlapping ``MemoryArea``s, found by binary
/// search. A unikernel application has tens to a few thousand areas, where an array's
/// locality beats a tree; insertion is a `memmove` of the tail.
///
/// The map is always *normalized*: two areas that touch and have compatible attributes (see
/// ``AreaAttributes/canMerge(with:afterBytes:)``) are one area. Every operation splits areas at
/// its range boundaries, changes the inside, and merges again around it, so the areas are
/// exactly what Linux would show and no operation leaves fragments behind.
///
/// The map only records intent. Page tables and frames are the caller's job: operations that
/// take memory away return the pieces they removed so the caller can unmap and free them.
public struct AddressSpaceMap: Sendable {
    /// The granularity of every address and length: one page.
    public static let pageSize = UInt64(Page.size)

    /// The lowest address an area may start at (above the null guard).
    public let minAddress: UInt64
    /// The address no area may reach beyond.
    public let maxAddress: UInt64
    /// The areas, sorted by address.
    public private(set) var areas: [MemoryArea] = []

    /// An empty address space over `[minAddress, maxAddress)`; nil when the bounds are not page
    /// aligned or the range is empty.
    public init?(minAddress: UInt64, maxAddress: UInt64) {
        guard minAddress < maxAddress, Self.isPageAligned(minAddress), Self.isPageAligned(maxAddress) else {
            return nil
        }
        self.minAddress = minAddress
        self.maxAddress = maxAddress
    }

    // MARK: Lookup

    /// The area containing `address`, if any (for the page-fault handler).
    public func area(containing address: UInt64) -> MemoryArea? {
        let i = firstIndex(endingAfter: address)
        guard i < areas.count, areas[i].start <= address else { return nil }
        return areas[i]
    }

    /// The areas overlapping `[start, start + size)`, clipped to it.
    public func areas(overlapping start: UInt64, size: UInt64) -> [MemoryArea] {
        let end = start &+ size
        guard end > start else { return [] }
        var result: [MemoryArea] = []
        var i = firstIndex(endingAfter: start)
        while i < areas.count && areas[i].start < end {
            var piece = areas[i]
            if piece.start < start { piece = piece.suffix(from: start) }
            piece.end = min(piece.end, end)
            result.append(piece)
            i &+= 1
        }
        return result
    }

    /// Whether no area overlaps `[start, start + size)` and the range is inside the address
    /// space.
    public func isFree(start: UInt64, size: UInt64) -> Bool {
        let end = start &+ size
        guard size > 0, end > start, start >= minAddress, end <= maxAddress else { return false }
        let i = firstIndex(endingAfter: start)
        return i == areas.count || areas[i].start >= end
    }

    /// Whether every byte of `[start, start + size)` belongs to some area.
    public func isMapped(start: UInt64, size: UInt64) -> Bool {
        let end = start &+ size
        guard size > 0, end > start else { return false }
        var i = firstIndex(endingAfter: start)
        var covered = start
        while covered < end {
            guard i < areas.count, areas[i].start <= covered else { return false }
            covered = areas[i].end
            i &+= 1
        }
        return true
    }

    // MARK: Changing the map

    /// Maps `[start, start + size)` with `attributes`, replacing whatever was there
    /// (`MAP_FIXED`). Returns the pieces of areas it replaced, so the caller can release their
    /// pages.
    @discardableResult
    public mutating func map(
        at start: UInt64, size: UInt64, attributes: AreaAttributes
    ) throws(AddressSpaceError) -> [MemoryArea] {
        let end = try validate(start: start, size: size)
        let inside = carve(start: start, end: end)
        let removed = Array(areas[inside])
        areas.replaceSubrange(inside, with: CollectionOfOne(MemoryArea(start: start, end: end, attributes: attributes)))
        mergeNeighbours(from: inside.lowerBound &- 1, through: inside.lowerBound)
        return removed
    }

    /// Maps `size` bytes somewhere free with `attributes` and returns the start: at `hint` when
    /// that range is free, else the highest free range below `limit` (default ``maxAddress``)
    /// aligned to `alignment`, as Linux's top-down `mmap` does.
    public mutating func map(
        size: UInt64, alignment: UInt64 = pageSize, attributes: AreaAttributes, hint: UInt64? = nil,
        below limit: UInt64? = nil
    ) throws(AddressSpaceError) -> UInt64 {
        guard Self.isPageAligned(size), Self.isValidAlignment(alignment) else { throw .misaligned }
        guard size > 0 else { throw .invalidSize }
        var start: UInt64
        if let hint, Self.isPageAligned(hint), hint & (alignment &- 1) == 0, isFree(start: hint, size: size) {
            start = hint
        } else {
            guard let found = findFreeRange(size: size, alignment: alignment, below: limit) else { throw .noSpace }
            start = found
        }
        try map(at: start, size: size, attributes: attributes)
        return start
    }

    /// Unmaps `[start, start + size)`; unmapped parts of the range are fine (`munmap`). Returns
    /// the pieces removed.
    @discardableResult
    public mutating func unmap(start: UInt64, size: UInt64) throws(AddressSpaceError) -> [MemoryArea] {
        let end = try validate(start: start, size: size)
        let inside = carve(start: start, end: end)
        let removed = Array(areas[inside])
        areas.removeSubrange(inside)
        return removed
    }

    /// Sets the protection of `[start, start + size)`, which must be mapped throughout
    /// (`mprotect`).
    public mutating func protect(start: UInt64, size: UInt64, protection: MemoryProtection) throws(AddressSpaceError) {
        let end = try validate(start: start, size: size)
        guard isMapped(start: start, size: size) else { throw .notMapped }
        let inside = carve(start: start, end: end)
        for i in inside { areas[i].attributes.protection = protection }
        mergeNeighbours(from: inside.lowerBound &- 1, through: inside.upperBound)
    }

    /// Resizes the mapping `[start, start + oldSize)`, which must lie within one area, to
    /// `newSize` bytes and returns its (possibly new) start (`mremap`).
    ///
    /// Shrinking unmaps the tail. Growing extends the area in place when the range ends where
    /// its area ends and the space after it is free; otherwise, if `mayMove`
    /// (`MREMAP_MAYMOVE`), the mapping moves to a free range found top-down, keeping its
    /// attributes and file offset. With a `destination` (`MREMAP_FIXED`) it always moves there,
    /// replacing whatever was mapped in `[destination, destination + newSize)`, which must not
    /// overlap the old range. The caller moves the page-table entries from the old range to
    /// the new one (and releases the pages of a replaced destination first).
    public mutating func remap(
        start: UInt64, oldSize: UInt64, newSize: UInt64, mayMove: Bool, destination: UInt64? = nil
    ) throws(AddressSpaceError) -> UInt64 {
        let oldEnd = try validate(start: start, size: oldSize)
        guard Self.isPageAligned(newSize) else { throw .misaligned }
        guard newSize > 0 else { throw .invalidSize }
        let i = firstIndex(endingAfter: start)
        guard i < areas.count, areas[i].start <= start, areas[i].end >= oldEnd else { throw .notMapped }
        if let destination {
            let destinationEnd = try validate(start: destination, size: newSize)
            guard destinationEnd <= start || destination >= oldEnd else { throw .overlapping }
            let attributes = areas[i].attributes.advanced(by: start &- areas[i].start)
            _ = try unmap(start: destination, size: newSize)
            _ = try unmap(start: start, size: oldSize)
            try map(at: destination, size: newSize, attributes: attributes)
            return destination
        }
        if newSize <= oldSize {
            if newSize < oldSize { try unmap(start: start &+ newSize, size: oldSize &- newSize) }
            return start
        }
        let growth = newSize &- oldSize
        let attributes = areas[i].attributes.advanced(by: start &- areas[i].start)
        if oldEnd == areas[i].end && isFree(start: oldEnd, size: growth) {
            try map(at: oldEnd, size: growth, attributes: attributes.advanced(by: oldSize))
            return start
        }
        guard mayMove, let newStart = findFreeRange(size: newSize, alignment: Self.pageSize, below: nil) else {
            throw .noSpace
        }
        try unmap(start: start, size: oldSize)
        try map(at: newStart, size: newSize, attributes: attributes)
        return newStart
    }

    // MARK: Internals

    static func isPageAligned(_ value: UInt64) -> Bool { value & (pageSize &- 1) == 0 }

    static func isValidAlignment(_ alignment: UInt64) -> Bool {
        alignment >= pageSize && alignment & (alignment &- 1) == 0
    }

    /// Checks a range argument and returns its end.
    func validate(start: UInt64, size: UInt64) throws(AddressSpaceError) -> UInt64 {
        guard Self.isPageAligned(start), Self.isPageAligned(size) else { throw .misaligned }
        let end = start &+ size
        guard size > 0, end > start else { throw .invalidSize }
        guard start >= minAddress, end <= maxAddress else { throw .outOfRange }
        return end
    }

    /// The index of the first area ending after `address`: the area containing it, or the
    /// first one above it.
    func firstIndex(endingAfter address: UInt64) -> Int {
        var low = 0
        var high = areas.count
        while low < high {
            let middle = low &+ (high &- low) / 2
            if areas[middle].end <= address { low = middle &+ 1 } else { high = middle }
        }
        return low
    }

    /// Splits the area containing `address` so that an area boundary falls there.
    mutating func split(at address: UInt64) {
        let i = firstIndex(endingAfter: address)
        guard i < areas.count, areas[i].start < address else { return }
        let upper = areas[i].suffix(from: address)
        areas[i].end = address
        areas.insert(upper, at: i &+ 1)
    }

    /// Splits areas at `start` and `end` and returns the indices of the areas inside.
    mutating func carve(start: UInt64, end: UInt64) -> Range<Int> {
        split(at: start)
        split(at: end)
        return firstIndex(endingAfter: start)..<firstIndex(endingAfter: end)
    }

    /// Merges each area in `first...last` (clamped) with its successor where compatible.
    mutating func mergeNeighbours(from first: Int, through last: Int) {
        var i = min(last, areas.count &- 2)
        let lowest = max(first, 0)
        while i >= lowest {
            let left = areas[i]
            let right = areas[i &+ 1]
            if left.end == right.start && left.attributes.canMerge(with: right.attributes, afterBytes: left.size) {
                areas[i].end = right.end
                areas.remove(at: i &+ 1)
            }
            i &-= 1
        }
    }
}
