/// The blocks that hold the volume's own structures: superblocks, descriptors, bitmaps, inode
/// tables and the journal.
///
/// Every block pointer read from an inode is checked against these before it is used, so a
/// corrupt extent cannot make a file write land on the inode table (Linux's "system zone"
/// check), and the allocator never hands them out even when a damaged bitmap says they are
/// free. Sorted, merged runs searched by bisection.
struct SystemZones {
    private(set) var runs: [(start: UInt64, end: UInt64)] = []

    init(_ list: [(start: UInt64, count: UInt64)]) {
        let sorted = list.filter { $0.count > 0 }.sorted { $0.start < $1.start }
        for run in sorted {
            let end = run.start &+ run.count
            if let last = runs.last, run.start <= last.end {
                if end > last.end { runs[runs.count &- 1].end = end }
            } else {
                runs.append((run.start, end))
            }
        }
    }

    /// Whether any of `count` blocks from `start` is a system block.
    func overlaps(_ start: UInt64, count: UInt64) -> Bool {
        let end = start &+ count
        var low = 0
        var high = runs.count
        while low < high {
            let mid = (low &+ high) / 2
            if runs[mid].end <= start { low = mid &+ 1 } else { high = mid }
        }
        return low < runs.count && runs[low].start < end
    }

    /// The first system run ending after `block`, to let the allocator jump over it.
    func run(containing block: UInt64) -> (start: UInt64, end: UInt64)? {
        var low = 0
        var high = runs.count
        while low < high {
            let mid = (low &+ high) / 2
            if runs[mid].end <= block { low = mid &+ 1 } else { high = mid }
        }
        guard low < runs.count, runs[low].start <= block else { return nil }
        return runs[low]
    }
}
