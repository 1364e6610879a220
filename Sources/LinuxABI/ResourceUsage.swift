/// What `getrusage`, `wait4` and `times` report for a thread, a process, or the children a
/// process has waited for: CPU time, the peak resident size, page faults and context switches.
public struct ResourceUsage: Equatable, Sendable {
    public var userNanoseconds: UInt64 = 0
    public var systemNanoseconds: UInt64 = 0
    /// The largest resident set seen, in KiB (`ru_maxrss`).
    public var maxResidentKiB: UInt64 = 0
    /// Page faults resolved without I/O, and with it.
    public var minorFaults: UInt64 = 0
    public var majorFaults: UInt64 = 0
    /// Switches away from a thread that blocked, and from one that was preempted.
    public var voluntarySwitches: UInt64 = 0
    public var involuntarySwitches: UInt64 = 0

    public init() {}

    /// Adds `other`'s times and counters; the peak is the larger of the two (how Linux folds a
    /// reaped child into `RUSAGE_CHILDREN`).
    public mutating func add(_ other: ResourceUsage) {
        userNanoseconds &+= other.userNanoseconds
        systemNanoseconds &+= other.systemNanoseconds
        maxResidentKiB = max(maxResidentKiB, other.maxResidentKiB)
        minorFaults &+= other.minorFaults
        majorFaults &+= other.majorFaults
        voluntarySwitches &+= other.voluntarySwitches
        involuntarySwitches &+= other.involuntarySwitches
    }

    public func adding(_ other: ResourceUsage) -> ResourceUsage {
        var sum = self
        sum.add(other)
        return sum
    }

    /// `struct rusage` (144 bytes); the fields Linux leaves at zero stay zero.
    public var encoded: [UInt8] {
        var w = StructWriter(size: 144)
        w.set(Int64(userNanoseconds / 1_000_000_000), at: 0)
        w.set(Int64(userNanoseconds % 1_000_000_000 / 1000), at: 8)
        w.set(Int64(systemNanoseconds / 1_000_000_000), at: 16)
        w.set(Int64(systemNanoseconds % 1_000_000_000 / 1000), at: 24)
        w.set(Int64(clamping: maxResidentKiB), at: 32)
        w.set(Int64(clamping: minorFaults), at: 64)
        w.set(Int64(clamping: majorFaults), at: 72)
        w.set(Int64(clamping: voluntarySwitches), at: 128)
        w.set(Int64(clamping: involuntarySwitches), at: 136)
        return w.bytes
    }

    /// Clock ticks (`times`, /proc/PID/stat) at Linux's USER_HZ of 100.
    public static func ticks(_ nanoseconds: UInt64) -> UInt64 { nanoseconds / 10_000_000 }
}
