#if SKIFF_KERNEL
import LinuxABI

/// A timer that signals a process when it expires: `alarm`/`setitimer(ITIMER_REAL)` or a POSIX
/// timer from `timer_create`.
///
/// Armed timers are kept by `IntervalTimers` and fired by its kernel thread, so signals are
/// always sent from thread context, never from the timer interrupt.
final class ProcessTimer {
    let process: Process
    /// The `timer_create` ID; -1 for the process's ITIMER_REAL.
    let id: Int32
    /// What expiry does: SIGEV_SIGNAL (process-directed), SIGEV_THREAD_ID, or SIGEV_NONE.
    let notify: Int
    let signal: Signal
    /// `sigev_value`, passed in `si_value`.
    let value: UInt64
    /// For SIGEV_THREAD_ID: the thread to signal.
    let threadID: Int32
    /// The clock absolute times are given in (`timer_settime` with TIMER_ABSTIME).
    var clock = ProcessConstants.CLOCK_MONOTONIC
    /// Next expiry (monotonic ns) when armed, and the period (0 for one-shot).
    var deadline: UInt64? = nil
    var interval: UInt64 = 0
    /// Expiries that found the previous signal still pending (`timer_getoverrun`).
    var overrun: Int32 = 0

    init(process: Process, id: Int32, notify: Int, signal: Signal, value: UInt64, threadID: Int32) {
        self.process = process
        self.id = id
        self.notify = notify
        self.signal = signal
        self.value = value
        self.threadID = threadID
    }

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

    /// Sends the expiry signal; an expiry that finds the previous one still pending counts as
    /// an overrun instead, as POSIX timers do.
    func signalExpiry(missed: UInt64) {
        guard notify != SignalConstants.SIGEV_NONE, !process.isZombie, !process.exiting else { return }
        let bit = SignalSet.bit(signal)
        let target: Thread? = notify == SignalConstants.SIGEV_THREAD_ID ? Processes.thread(threadID) : nil
        let pending = target.map { Signals.pending($0) } ?? process.lock.withLock { process.sharedPendingSignals }
        if pending & bit != 0 {
            overrun = overrun &+ Int32(truncatingIfNeeded: missed + 1)
            return
        }
        let info: SignalInfo =
            id < 0
            ? .sent(signal, code: SignalConstants.SI_KERNEL, pid: 0, uid: 0)
            : .timer(signal, timerID: id, overrun: overrun &+ Int32(truncatingIfNeeded: missed), value: value)
        overrun = 0
        if let target {
            Signals.send(info, to: target)
        } else {
            Signals.send(info, toProcess: process)
        }
    }
}
#endif
