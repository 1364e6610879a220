#if SKIFF_KERNEL
import LinuxABI

/// The clocks applications read, by Linux clock ID.
enum Time {
    /// Nanoseconds on `clock`, or nil for a clock Skiff does not have (EINVAL).
    static func now(clock: Int) -> UInt64? {
        switch clock {
        case ProcessConstants.CLOCK_REALTIME, ProcessConstants.CLOCK_REALTIME_COARSE, ProcessConstants.CLOCK_REALTIME_ALARM:
            return Clock.realtime
        case ProcessConstants.CLOCK_MONOTONIC, ProcessConstants.CLOCK_MONOTONIC_RAW, ProcessConstants.CLOCK_MONOTONIC_COARSE,
            ProcessConstants.CLOCK_BOOTTIME, ProcessConstants.CLOCK_BOOTTIME_ALARM:
            return Clock.monotonic
        case ProcessConstants.CLOCK_THREAD_CPUTIME_ID:
            return threadCPUTime(Scheduler.current)
        case ProcessConstants.CLOCK_PROCESS_CPUTIME_ID:
            let process = Scheduler.currentProcess
            let threads = process.lock.withLock { process.threads }
            return threads.reduce(process.exitedThreads.userNanoseconds) { $0 &+ threadCPUTime($1) }
        default:
            return nil
        }
    }

    /// CPU time of `t` including its current run.
    static func threadCPUTime(_ t: Thread) -> UInt64 {
        var total = t.runtime
        if t.state == .running && t.lastStart != 0 {
            let now = Clock.monotonic
            if now > t.lastStart { total &+= now - t.lastStart }
        }
        return total
    }

    static func resolution(clock: Int) -> UInt64? {
        switch clock {
        case ProcessConstants.CLOCK_REALTIME_COARSE, ProcessConstants.CLOCK_MONOTONIC_COARSE: return 4_000_000
        default: return now(clock: clock) == nil ? nil : 1
        }
    }

    /// Converts an absolute CLOCK_REALTIME time to the monotonic clock the timers use.
    static func monotonic(fromRealtime ns: UInt64) -> UInt64 {
        ns >= Clock.wallOffset ? ns - Clock.wallOffset : 0
    }
}
#endif
