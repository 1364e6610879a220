/// A sparse array of `DataPage`s indexed by page number: a radix tree of 64-way nodes that
/// grows in height with the highest index, like Linux's page cache (xarray).
///
/// Absent pages are holes: they read as zeros and cost nothing, so a file written at 1 TiB
/// holds one page and a few interior nodes. Removing pages prunes empty nodes, so memory
/// follows the data on truncate and punch-hole.
struct PageTree {
    static let bits = 6
    static let fanout = 1 << bits
    static let mask = UInt64(fanout - 1)

    private var root: PageTreeNode?
    /// Levels below and including the root; a height-1 root holds pages directly.
    private var height = 0
    /// Pages present.
    private(set) var count = 0

    /// Pages a tree of `height` can index: 64^height (saturating).
    private static func capacity(_ height: Int) -> UInt64 {
        let shift = bits * height
        return shift >= 64 ? UInt64.max : UInt64(1) << UInt64(shift)
    }

    func page(at index: UInt64) -> DataPage? {
        guard var node = root, index < Self.capacity(height) || height * Self.bits >= 64 else { return nil }
        var level = height
        while level > 1 {
            guard let next = node.children[Self.slot(index, level)] else { return nil }
            node = next
            level -= 1
        }
        return node.pages[Self.slot(index, 1)]
    }

    /// Stores `page` at `index`, replacing what was there.
    mutating func insert(_ page: DataPage, at index: UInt64) {
        if root == nil {
            height = 1
            while index >= Self.capacity(height) { height += 1 }
            root = PageTreeNode(leaf: height == 1)
        }
        while index >= Self.capacity(height) {
            let grown = PageTreeNode(leaf: false)
            grown.children[0] = root
            grown.occupied = 1
            root = grown
            height += 1
        }
        var node = root!
        var level = height
        while level > 1 {
            let slot = Self.slot(index, level)
            if let next = node.children[slot] {
                node = next
            } else {
                let next = PageTreeNode(leaf: level == 2)
                node.children[slot] = next
                node.occupied += 1
                node = next
            }
            level -= 1
        }
        let slot = Self.slot(index, 1)
        if node.pages[slot] == nil {
            node.occupied += 1
            count += 1
        }
        node.pages[slot] = page
    }

    /// Removes every page at or after `index`; returns how many were removed.
    @discardableResult
    mutating func removeAll(from index: UInt64) -> Int {
        guard let root else { return 0 }
        if index == 0 {
            let removed = count
            self.root = nil
            height = 0
            count = 0
            return removed
        }
        guard index < Self.capacity(height) else { return 0 }
        let removed = Self.prune(root, level: height, base: 0, from: index, through: UInt64.max)
        count -= removed
        if root.occupied == 0 {
            self.root = nil
            height = 0
        }
        return removed
    }

    /// Removes the pages in `first...last`; returns how many were removed.
    @discardableResult
    mutating func remove(from first: UInt64, through last: UInt64) -> Int {
        guard let root, first <= last, first < Self.capacity(height) else { return 0 }
        let removed = Self.prune(root, level: height, base: 0, from: first, through: last)
        count -= removed
        if root.occupied == 0 {
            self.root = nil
            height = 0
        }
        return removed
    }

    /// The lowest index at or after `index` holding a page.
    func firstPresent(atOrAfter index: UInt64) -> UInt64? {
        guard let root, index < Self.capacity(height) else { return nil }
        return Self.firstPresent(root, level: height, base: 0, from: index)
    }

    /// The lowest index at or after `index` without a page.
    func firstAbsent(atOrAfter index: UInt64) -> UInt64 {
        var candidate = index
        while page(at: candidate) != nil { candidate &+= 1 }
        return candidate
    }

    // MARK: Recursion over nodes

    private static func slot(_ index: UInt64, _ level: Int) -> Int {
        let shift = UInt64(bits * (level - 1))
        return shift >= 64 ? 0 : Int((index >> shift) & mask)
    }

    /// Pages one slot of a node at `level` spans.
    private static func span(_ level: Int) -> UInt64 { capacity(level - 1) }

    /// Removes pages in `first...last` below `node` (covering indices from `base`); returns
    /// the count and leaves empty children detached.
    private static func prune(_ node: PageTreeNode, level: Int, base: UInt64, from first: UInt64, through last: UInt64)
        -> Int
    {
        var removed = 0
        let span = span(level)
        for slot in 0..<fanout {
            let (offset, overflow) = span.multipliedReportingOverflow(by: UInt64(slot))
            if overflow { break }
            let (start, overflow2) = base.addingReportingOverflow(offset)
            if overflow2 || start > last { break }
            let end = start &+ (span &- 1)
            if end < first { continue }
            if level == 1 {
                if node.pages[slot] != nil {
                    node.pages[slot] = nil
                    node.occupied -= 1
                    removed += 1
                }
            } else if let child = node.children[slot] {
                if start >= first && end <= last {
                    removed += countPages(child, level: level - 1)
                    node.children[slot] = nil
                    node.occupied -= 1
                } else {
                    removed += prune(child, level: level - 1, base: start, from: first, through: last)
                    if child.occupied == 0 {
                        node.children[slot] = nil
                        node.occupied -= 1
                    }
                }
            }
        }
        return removed
    }

    private static func countPages(_ node: PageTreeNode, level: Int) -> Int {
        if level == 1 { return node.occupied }
        var total = 0
        for child in node.children { if let child { total += countPages(child, level: level - 1) } }
        return total
    }

    private static func firstPresent(_ node: PageTreeNode, level: Int, base: UInt64, from index: UInt64) -> UInt64? {
        let span = span(level)
        for slot in 0..<fanout {
            let (offset, overflow) = span.multipliedReportingOverflow(by: UInt64(slot))
            if overflow { break }
            let (start, overflow2) = base.addingReportingOverflow(offset)
            if overflow2 { break }
            let end = start &+ (span &- 1)
            if end < index { continue }
            if level == 1 {
                if node.pages[slot] != nil { return start }
            } else if let child = node.children[slot],
                let found = firstPresent(child, level: level - 1, base: start, from: index)
            {
                return found
            }
        }
        return nil
    }
}

/// An interior node (children) or a leaf (pages) of a `PageTree`.
final class PageTreeNode {
    var children: [PageTreeNode?]
    var pages: [DataPage?]
    /// Non-nil slots.
    var occupied = 0

    init(leaf: Bool) {
        children = leaf ? [] : [PageTreeNode?](repeating: nil, count: PageTree.fanout)
        pages = leaf ? [DataPage?](repeating: nil, count: PageTree.fanout) : []
    }
}
