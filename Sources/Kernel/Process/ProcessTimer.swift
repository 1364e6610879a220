#if SKIFF_KERNEL
import LinuxABI

/// A timer that signals a process when it expires: `alarm`/`setitimer(ITIMER_REAL)` or a POSIX
/// timer from `timer_create`.
final class ProcessTimer: KernelTimer {
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
    /// Expiries that found the previous signal still pending (`timer_getoverrun`).
    var overrun: Int32 = 0

    init(process: Process, id: Int32, notify: Int, signal: Signal, value: UInt64, threadID: Int32) {
        self.process = process
        self.id = id
        self.notify = notify
        self.signal = signal
        self.value = value
        self.threadID = threadID
        super.init()
    }

    override var owner: Process? { process }

    /// Sends the expiry signal; an expiry that finds the previous one still pending counts as
    /// an overrun instead, as POSIX timers do.
    override func expired(missed: UInt64) {
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
