/// One CPU's runnable threads, identified by small integer IDs (thread-table slots), and the
/// choice of which runs next.
///
/// - Real-time threads wait in one FIFO per priority; a bitmap finds the highest non-empty one.
/// - Normal and batch threads are ordered by virtual runtime — CPU time divided by weight, as in
///   Linux's CFS — so each gets CPU in proportion to its weight and a thread that slept does not
///   bank unlimited credit: it rejoins at least at the queue's minimum virtual runtime minus half
///   a slice.
/// - Idle-policy threads run only when the other classes are empty.
///
/// The queue only orders; the kernel keeps the threads themselves and calls this with its
/// per-CPU lock held.
public struct RunQueue: Sendable {
    public struct Entry: Equatable, Sendable {
        public var id: Int
        public var policy: SchedulingPolicy
        /// Weighted CPU time so far, in nanoseconds scaled to weight 1024.
        public var virtualRuntime: UInt64
    }

    /// Target latency: every runnable fair thread runs at least once per this period, and the
    /// period grows when there are more threads than `period / minimumSlice`.
    public static let period: UInt64 = 6_000_000
    public static let minimumSlice: UInt64 = 750_000
    public static let roundRobinSlice: UInt64 = 100_000_000

    private var realTime: [[Int]] = Array(repeating: [], count: 100)
    private var realTimeBits: (UInt64, UInt64) = (0, 0)
    private var fair = MinHeap()
    private var idle: [Int] = []
    private var entries = SlotMap<Entry>()
    /// The smallest virtual runtime handed out so far: woken threads start near it.
    public private(set) var minimumVirtualRuntime: UInt64 = 0
    /// Sum of the weights of queued fair threads (the CPU's load, for balancing).
    public private(set) var fairWeight = 0

    public init() {}

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.count == 0 }
    public func contains(_ id: Int) -> Bool { entries[id] != nil }
    public func entry(_ id: Int) -> Entry? { entries[id] }
    public var realTimeCount: Int { realTime.reduce(0) { $0 + $1.count } }

    /// Queues a runnable thread. A thread that has been away (sleeping, or new) starts near the
    /// queue's minimum virtual runtime so it neither starves others nor is starved.
    public mutating func enqueue(_ id: Int, policy: SchedulingPolicy, virtualRuntime: UInt64, wokeUp: Bool = false) {
        precondition(entries[id] == nil, "thread queued twice")
        var entry = Entry(id: id, policy: policy, virtualRuntime: virtualRuntime)
        switch policy {
        case .fifo(let p), .roundRobin(let p):
            realTime[p].append(id)
            setBit(p)
        case .idle:
            idle.append(id)
        case .normal, .batch:
            // A preempted thread keeps its runtime; a woken or new one is lifted to just
            // below the queue's minimum so sleeping banks at most half a period of credit.
            if wokeUp {
                entry.virtualRuntime = max(virtualRuntime, minimumVirtualRuntime &- min(minimumVirtualRuntime, Self.period / 2))
            }
            fair.insert(entry.virtualRuntime, id)
            fairWeight += policy.weight
        }
        entries[id] = entry
    }

    /// Takes a thread out (it blocked, exited or migrates). Returns its entry.
    @discardableResult
    public mutating func remove(_ id: Int) -> Entry? {
        guard let entry = entries.removeValue(forKey: id) else { return nil }
        switch entry.policy {
        case .fifo(let p), .roundRobin(let p):
            realTime[p].removeAll { $0 == id }
            if realTime[p].isEmpty { clearBit(p) }
        case .idle:
            idle.removeAll { $0 == id }
        case .normal, .batch:
            fair.remove(id)
            fairWeight -= entry.policy.weight
        }
        return entry
    }

    /// Removes and returns the thread that should run next.
    public mutating func popNext() -> Entry? {
        if let p = highestRealTimePriority() {
            let id = realTime[p].removeFirst()
            if realTime[p].isEmpty { clearBit(p) }
            return entries.removeValue(forKey: id)
        }
        if let (_, id) = fair.popMin() {
            let entry = entries.removeValue(forKey: id)!
            fairWeight -= entry.policy.weight
            // The popped thread had the smallest runtime of the queue: the minimum moves up to it
            // (never down), as CFS's min_vruntime does.
            minimumVirtualRuntime = max(minimumVirtualRuntime, entry.virtualRuntime)
            return entry
        }
        if !idle.isEmpty {
            return entries.removeValue(forKey: idle.removeFirst())
        }
        return nil
    }

    /// The entry `popNext` would return, without removing it.
    public func peekNext() -> Entry? {
        if let p = highestRealTimePriority(), let id = realTime[p].first { return entries[id] }
        if let (_, id) = fair.min { return entries[id] }
        if let id = idle.first { return entries[id] }
        return nil
    }

    /// Virtual runtime after running `nanoseconds` with `policy`.
    public static func advance(_ virtualRuntime: UInt64, by nanoseconds: UInt64, policy: SchedulingPolicy) -> UInt64 {
        virtualRuntime &+ nanoseconds &* 1024 / UInt64(max(policy.weight, 1))
    }

    /// How long `running` may run before the scheduler looks again, with the queued threads
    /// competing; nil means no preemption tick is needed (nothing else wants the CPU, or a
    /// FIFO thread that only yields or blocks).
    public func timeSlice(for running: SchedulingPolicy) -> UInt64? {
        switch running {
        case .fifo:
            return nil
        case .roundRobin(let p):
            guard let best = highestRealTimePriority(), best >= p else { return nil }
            return Self.roundRobinSlice
        case .normal, .batch, .idle:
            if highestRealTimePriority() != nil { return 0 }
            let competitors = fair.count + (running == .idle ? 0 : 1)
            if competitors <= 1 && (running != .idle || (fair.count == 0 && idle.isEmpty)) { return nil }
            let period = max(Self.period, UInt64(competitors) * Self.minimumSlice)
            let totalWeight = UInt64(fairWeight + (running == .idle ? 0 : running.weight))
            let share = period * UInt64(running.weight) / max(totalWeight, 1)
            return max(share, Self.minimumSlice)
        }
    }

    /// Whether a newly woken `candidate` should preempt `running` at once.
    public static func shouldPreempt(
        running: SchedulingPolicy, runningVirtualRuntime: UInt64, candidate: SchedulingPolicy,
        candidateVirtualRuntime: UInt64
    ) -> Bool {
        switch (running.realTimePriority, candidate.realTimePriority) {
        case (let r?, let c?): return c > r
        case (nil, .some): return true
        case (.some, nil): return false
        case (nil, nil):
            if running == .idle { return candidate != .idle }
            if candidate == .idle { return false }
            // Preempt only when the woken thread is behind by more than the wake-up granularity.
            return candidateVirtualRuntime &+ minimumSlice < runningVirtualRuntime
        }
    }

    /// Fair entries a balancer may move to another CPU (never real-time ones, whose placement
    /// is the application's business).
    public var migratableIDs: [Int] {
        var ids: [Int] = []
        entries.forEach { id, e in
            if e.policy.realTimePriority == nil && e.policy != .idle { ids.append(id) }
        }
        return ids
    }

    // MARK: - Internals

    private func highestRealTimePriority() -> Int? {
        if realTimeBits.1 != 0 { return 64 + 63 - realTimeBits.1.leadingZeroBitCount }
        if realTimeBits.0 != 0 { return 63 - realTimeBits.0.leadingZeroBitCount }
        return nil
    }

    private mutating func setBit(_ p: Int) {
        if p >= 64 { realTimeBits.1 |= 1 << UInt64(p - 64) } else { realTimeBits.0 |= 1 << UInt64(p) }
    }

    private mutating func clearBit(_ p: Int) {
        if p >= 64 { realTimeBits.1 &= ~(1 << UInt64(p - 64)) } else { realTimeBits.0 &= ~(1 << UInt64(p)) }
    }
}
