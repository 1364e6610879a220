/// Comparisons in TCP's 32-bit sequence space (RFC 9293 §3.4): `a` is "before" `b` when the
/// signed distance from `b` to `a` is negative, which is right as long as the two are less
/// than 2^31 apart — always true inside a window.
extension UInt32 {
    @inline(__always) func seqLess(_ other: UInt32) -> Bool { Int32(bitPattern: self &- other) < 0 }
    @inline(__always) func seqLessOrEqual(_ other: UInt32) -> Bool { Int32(bitPattern: self &- other) <= 0 }
    @inline(__always) func seqGreater(_ other: UInt32) -> Bool { Int32(bitPattern: self &- other) > 0 }
    @inline(__always) func seqGreaterOrEqual(_ other: UInt32) -> Bool { Int32(bitPattern: self &- other) >= 0 }
    /// The distance from `other` up to `self`, as a count (0 when `self` is before `other`).
    @inline(__always) func seqDistance(from other: UInt32) -> Int {
        let d = Int32(bitPattern: self &- other)
        return d > 0 ? Int(d) : 0
    }
    @inline(__always) func seqMax(_ other: UInt32) -> UInt32 { seqGreater(other) ? self : other }
    @inline(__always) func seqMin(_ other: UInt32) -> UInt32 { seqLess(other) ? self : other }
}

/// A half-open range of sequence numbers `[start, end)`: SACK blocks and scoreboard entries.
struct SequenceRange: Equatable {
    var start: UInt32
    var end: UInt32

    var length: Int { end.seqDistance(from: start) }

    func contains(_ seq: UInt32) -> Bool { seq.seqGreaterOrEqual(start) && seq.seqLess(end) }
}
