/// Out-of-order data a connection has received beyond `RCV.NXT`, waiting for the gap to fill.
///
/// Blocks are kept sorted and merged whenever they touch, so the queue is also exactly the
/// list of SACK blocks to report (RFC 2018 §4). Everything here lies inside the advertised
/// window, so its size is bounded by the receive buffer.
struct TCPReassemblyQueue {
    struct Block {
        var start: UInt32
        var data: [UInt8]
        var end: UInt32 { start &+ UInt32(truncatingIfNeeded: data.count) }
    }

    private(set) var blocks: [Block] = []
    /// Sequence number of a FIN that arrived out of order.
    var finSequence: UInt32?
    /// Start of the block that changed last: reported first in SACK options.
    private var recent: UInt32?

    var isEmpty: Bool { blocks.isEmpty && finSequence == nil }
    var byteCount: Int { blocks.reduce(0) { $0 &+ $1.data.count } }

    /// Adds `payload` starting at `sequence`; the caller has trimmed it to the window and to
    /// after `RCV.NXT`.
    mutating func insert(sequence: UInt32, payload: PacketView) {
        guard payload.count > 0 else { return }
        var start = sequence
        var end = sequence &+ UInt32(truncatingIfNeeded: payload.count)
        // Blocks that overlap or touch the new range.
        var first = blocks.count
        var last = -1
        for (i, b) in blocks.enumerated() where b.start.seqLessOrEqual(end) && b.end.seqGreaterOrEqual(start) {
            if i < first { first = i }
            last = i
        }
        if last < 0 {
            var position = 0
            while position < blocks.count && blocks[position].start.seqLess(start) { position &+= 1 }
            blocks.insert(Block(start: start, data: payload.copyBytes()), at: position)
            recent = start
            return
        }
        start = start.seqMin(blocks[first].start)
        end = end.seqMax(blocks[last].end)
        var merged = [UInt8](repeating: 0, count: end.seqDistance(from: start))
        payload.withBytes { merged.copy($0, to: sequence.seqDistance(from: start)) }
        for i in first...last {
            let b = blocks[i]
            b.data.withUnsafeBytes { merged.copy($0, to: b.start.seqDistance(from: start)) }
        }
        blocks.replaceSubrange(first...last, with: [Block(start: start, data: merged)])
        recent = start
    }

    /// Removes and returns the data that now continues the stream at `next` (everything
    /// before `next` is dropped as already received).
    mutating func takeContiguous(at next: UInt32) -> [UInt8]? {
        var result: [UInt8]? = nil
        while let b = blocks.first, b.start.seqLessOrEqual(next) {
            blocks.removeFirst()
            if b.end.seqGreater(next) {
                let skip = next.seqDistance(from: b.start)
                result = skip == 0 ? b.data : Array(b.data[skip...])
                break
            }
        }
        return result
    }

    /// Up to `limit` SACK blocks: the most recently changed first, then the others from the
    /// highest down (RFC 2018 §4).
    func sackBlocks(limit: Int) -> [SequenceRange] {
        guard limit > 0, !blocks.isEmpty else { return [] }
        var result: [SequenceRange] = []
        if let recent, let b = blocks.first(where: { $0.start == recent }) {
            result.append(SequenceRange(start: b.start, end: b.end))
        }
        var i = blocks.count &- 1
        while i >= 0 && result.count < limit {
            let b = blocks[i]
            if b.start != recent || result.isEmpty { result.append(SequenceRange(start: b.start, end: b.end)) }
            i &-= 1
        }
        return result
    }

    mutating func removeAll() {
        blocks = []
        finSequence = nil
        recent = nil
    }
}
