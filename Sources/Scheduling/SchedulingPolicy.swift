/// How a thread competes for a CPU, with Linux's policies and their order: real-time threads
/// (FIFO and round-robin, priority 1–99, higher first) always run before normal ones; normal
/// and batch threads share the CPU in proportion to their weight (from `nice`); idle-policy
/// threads run only when nothing else wants to.
public enum SchedulingPolicy: Equatable, Sendable {
    case normal(nice: Int)
    case batch(nice: Int)
    case idle
    case fifo(priority: Int)
    case roundRobin(priority: Int)

    /// Linux's `SCHED_*` number.
    public var linuxValue: Int {
        switch self {
        case .normal: 0
        case .fifo: 1
        case .roundRobin: 2
        case .batch: 3
        case .idle: 5
        }
    }

    /// The real-time priority, or nil for a fair-share policy.
    public var realTimePriority: Int? {
        switch self {
        case .fifo(let p), .roundRobin(let p): p
        default: nil
        }
    }

    public var nice: Int {
        switch self {
        case .normal(let n), .batch(let n): n
        default: 0
        }
    }

    /// The fair-share weight: Linux's table, where nice 0 is 1024 and each step is about 25%.
    public var weight: Int {
        switch self {
        case .idle: 3
        case .fifo, .roundRobin: 1024
        case .normal(let n), .batch(let n): Self.niceWeights[max(-20, min(19, n)) + 20]
        }
    }

    /// Builds a policy from `sched_setscheduler` arguments; nil when Linux would return EINVAL.
    public init?(linuxPolicy: Int, priority: Int, nice: Int = 0) {
        switch linuxPolicy & ~0x4000_0000 {  // SCHED_RESET_ON_FORK
        case 0:
            guard priority == 0 else { return nil }
            self = .normal(nice: nice)
        case 3:
            guard priority == 0 else { return nil }
            self = .batch(nice: nice)
        case 5:
            guard priority == 0 else { return nil }
            self = .idle
        case 1:
            guard (1...99).contains(priority) else { return nil }
            self = .fifo(priority: priority)
        case 2:
            guard (1...99).contains(priority) else { return nil }
            self = .roundRobin(priority: priority)
        default:
            return nil
        }
    }

    static let niceWeights: [Int] = [
        88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
        9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
        1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
        110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
    ]
}
