#if SKIFF_KERNEL
import LinuxABI

/// A one-shot or periodic timer run by `IntervalTimers`: subclasses say what expiry does
/// (signal a process, count expirations for a timerfd). Expiry runs on the timer thread,
/// never in the timer interrupt, so it may take locks and wake threads.
class KernelTimer {
    /// Next expiry (monotonic ns) when armed, and the period (0 for one-shot); under
    /// `IntervalTimers.lock`.
    var deadline: UInt64? = nil
    var interval: UInt64 = 0
    /// The clock absolute times are given in (TIMER_ABSTIME).
    var clock = ProcessConstants.CLOCK_MONOTONIC

    init() {}

    /// The process the timer belongs to, so its timers go when it ends; nil for timers that
    /// belong to a file.
    var owner: Process? { nil }

    /// Called on the timer thread, without locks, after each expiry; `missed` counts periods
    /// that passed unnoticed besides this one.
    func expired(missed: UInt64) {}

    /// Time left until the next expiry (0 when disarmed).
    func remaining(now: UInt64) -> UInt64 {
        guard let deadline else { return 0 }
        return deadline > now ? deadline - now : 1
    }

    /// Moves a due timer to its next period (or disarms a one-shot); returns the periods missed
    /// besides this one. Called under `IntervalTimers.lock`.
    func advance(now: UInt64) -> UInt64 {
        guard let due = deadline else { return 0 }
        guard interval > 0 else {
            deadline = nil
            return 0
        }
        let missed = (now - due) / interval
        deadline = due &+ (missed + 1) &* interval
        return missed
    }
}
#endif
