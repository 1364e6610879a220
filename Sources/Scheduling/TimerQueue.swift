/// Deadlines of sleeping threads and kernel timers on one CPU, earliest first.
///
/// Tickless operation needs only "when is the next deadline" and "which have passed": the CPU
/// programs its timer for `nextDeadline` and, when it fires, collects `popExpired(now:)`.
/// Timers are identified by integers the kernel chooses; re-arming an ID replaces its deadline.
public struct TimerQueue: Sendable {
    private var heap = MinHeap()

    public init() {}

    public var count: Int { heap.count }
    public var nextDeadline: UInt64? { heap.min?.0 }
    public func deadline(of id: Int) -> UInt64? { heap.key(of: id) }

    /// Arms (or re-arms) timer `id` for `deadline` (monotonic nanoseconds).
    public mutating func arm(_ id: Int, at deadline: UInt64) {
        heap.remove(id)
        heap.insert(deadline, id)
    }

    /// Disarms `id`; false when it was not armed (it fired already, or never was).
    @discardableResult
    public mutating func cancel(_ id: Int) -> Bool {
        heap.remove(id) != nil
    }

    /// Removes and returns the timers due at `now`, earliest first.
    public mutating func popExpired(now: UInt64) -> [Int] {
        var due: [Int] = []
        while let (deadline, id) = heap.min, deadline <= now {
            _ = heap.popMin()
            due.append(id)
        }
        return due
    }
}
