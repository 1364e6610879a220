/// Counts per ``DropReason``.
public struct DropCounters: Sendable {
    var counts: [UInt64] = .init(repeating: 0, count: DropReason.allCases.count)

    public subscript(reason: DropReason) -> UInt64 { counts[reason.rawValue] }

    /// All drops together.
    public var total: UInt64 { counts.reduce(0, &+) }

    mutating func count(_ reason: DropReason) { counts[reason.rawValue] &+= 1 }
}
