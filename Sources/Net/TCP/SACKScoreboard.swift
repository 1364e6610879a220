/// The sender's record of what the peer has selectively acknowledged above `SND.UNA`
/// (RFC 2018 §5, RFC 6675 §3): sorted, merged ranges. Recovery retransmits the holes between
/// them and skips what they cover.
struct SACKScoreboard {
    private(set) var ranges: [SequenceRange] = []

    var isEmpty: Bool { ranges.isEmpty }
    var sackedBytes: Int { ranges.reduce(0) { $0 &+ $1.length } }
    /// The end of the highest SACKed range.
    var highestSacked: UInt32? { ranges.last?.end }

    /// Records a block the peer reported, ignoring blocks outside `(una, max]` (stale or bogus).
    mutating func add(_ block: SequenceRange, una: UInt32, max: UInt32) {
        guard block.start.seqLess(block.end), block.start.seqGreaterOrEqual(una), block.end.seqLessOrEqual(max)
        else { return }
        var merged = block
        var result: [SequenceRange] = []
        result.reserveCapacity(ranges.count &+ 1)
        var inserted = false
        for r in ranges {
            if r.end.seqLess(merged.start) {
                result.append(r)
            } else if r.start.seqGreater(merged.end) {
                if !inserted {
                    result.append(merged)
                    inserted = true
                }
                result.append(r)
            } else {
                merged = SequenceRange(start: merged.start.seqMin(r.start), end: merged.end.seqMax(r.end))
            }
        }
        if !inserted { result.append(merged) }
        ranges = result
    }

    /// Forgets everything at or below the new cumulative acknowledgment.
    mutating func acknowledge(upTo una: UInt32) {
        while let first = ranges.first, first.start.seqLess(una) {
            if first.end.seqLessOrEqual(una) {
                ranges.removeFirst()
            } else {
                ranges[0].start = una
                break
            }
        }
    }

    func isSacked(_ seq: UInt32) -> Bool { ranges.contains { $0.contains(seq) } }

    /// The first un-SACKed range at or after `from` that lies below the highest SACKed byte:
    /// data the peer has most likely lost.
    func nextHole(from: UInt32) -> SequenceRange? {
        guard let top = highestSacked, from.seqLess(top) else { return nil }
        var cursor = from
        for r in ranges {
            if r.end.seqLessOrEqual(cursor) { continue }
            if r.start.seqGreater(cursor) { return SequenceRange(start: cursor, end: r.start) }
            cursor = r.end
        }
        return nil
    }

    mutating func removeAll() { ranges = [] }
}
