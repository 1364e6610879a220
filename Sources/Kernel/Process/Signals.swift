#if SKIFF_KERNEL
import LinuxABI

/// Signal generation: queuing a signal on a thread or a process and waking whoever should
/// take it. Delivery — running the default action or building a handler frame on the way back
/// to user mode — is `SignalDelivery`.
///
/// Pending state lives under the process's lock: a thread-directed signal (`tgkill`, a fault,
/// SIGPIPE) in the thread's pending set, a process-directed one (`kill`, a timer, SIGCHLD) in
/// the process's, where any thread that does not block it takes it. Standard signals do not
/// queue (one pending instance each); real-time signals queue up to a bound, then `sigqueue`
/// gets EAGAIN, as with Linux's RLIMIT_SIGPENDING.
enum Signals {
    static let SIG_DFL: UInt64 = 0
    static let SIG_IGN: UInt64 = 1
    /// Queued `siginfo_t`s per thread or process.
    static let queueLimit = 1024

    /// Signals whose default action is to be ignored; the rest terminate (or stop, which Skiff
    /// treats as ignore: there is no job control).
    static func defaultIgnores(_ s: Signal) -> Bool {
        switch s {
        case .SIGCHLD, .SIGURG, .SIGWINCH, .SIGCONT, .SIGSTOP, .SIGTSTP, .SIGTTIN, .SIGTTOU: return true
        default: return false
        }
    }

    /// Whether `signal` would be thrown away by `process` right now: ignored, either
    /// explicitly or by default. (A blocked signal is kept even so: the action may change
    /// before it is unblocked, and `sigwait` may take it.)
    static func isIgnored(_ signal: Signal, by process: Process) -> Bool {
        if signal == .SIGKILL { return false }
        let action = process.signalActions[signal.rawValue]
        return action.handler == SIG_IGN || (action.handler == SIG_DFL && defaultIgnores(signal))
    }

    /// Whether the default action of `signal` is running for `process` (it is fatal and not
    /// caught), so the process can be ended at once instead of queuing it.
    static func isFatal(_ signal: Signal, for process: Process) -> Bool {
        signal == .SIGKILL || (process.signalActions[signal.rawValue].handler == SIG_DFL && !defaultIgnores(signal))
    }

    /// Sends `signal` to the calling thread (SIGPIPE from a write).
    static func raise(_ signal: Signal) {
        let me = Scheduler.current
        send(.sent(signal, code: SignalConstants.SI_KERNEL, pid: 0, uid: 0), to: me)
    }

    /// Queues `info` on `thread`. Returns false when a real-time signal's queue is full.
    @discardableResult
    static func send(_ info: SignalInfo, to thread: Thread) -> Bool {
        guard let process = thread.process, !process.isZombie, !process.exiting else { return true }
        let signal = Signal(rawValue: Int(info.signal))
        let bit = SignalSet.bit(signal)
        if takesAtOnce(thread, bit) {
            if isIgnored(signal, by: process) { return true }
            if isFatal(signal, for: process) {
                terminate(process, by: signal)
                return true
            }
        }
        let queued: Bool = process.lock.withLock {
            enqueue(info, bit: bit, pending: &thread.pendingSignals, infos: &thread.pendingInfo)
        }
        if queued {
            notify(thread)
            process.signalPollHead.notify([.input])
        }
        return queued
    }

    /// Queues `info` on `process`: the first thread that does not block it is woken to take it.
    @discardableResult
    static func send(_ info: SignalInfo, toProcess process: Process) -> Bool {
        guard !process.isZombie, !process.exiting else { return true }
        let signal = Signal(rawValue: Int(info.signal))
        let bit = SignalSet.bit(signal)
        let threads = process.lock.withLock { process.threads }
        let taker = threads.first { $0.signalMask & bit == 0 || $0.waitingForSignals & bit != 0 }
        if taker.map({ takesAtOnce($0, bit) }) ?? (signal == .SIGKILL) {
            if isIgnored(signal, by: process) { return true }
            if isFatal(signal, for: process) {
                terminate(process, by: signal)
                return true
            }
        }
        let queued: Bool = process.lock.withLock {
            enqueue(info, bit: bit, pending: &process.sharedPendingSignals, infos: &process.sharedPendingInfo)
        }
        if queued, let taker { notify(taker) }
        if queued { process.signalPollHead.notify([.input]) }
        return queued
    }

    /// Whether `thread` would act on the signal `bit` as soon as it is sent: not blocked and
    /// not waited for with `rt_sigtimedwait`.
    private static func takesAtOnce(_ thread: Thread, _ bit: UInt64) -> Bool {
        thread.signalMask & bit == 0 && thread.waitingForSignals & bit == 0
    }

    private static func enqueue(_ info: SignalInfo, bit: UInt64, pending: inout UInt64, infos: inout [SignalInfo]) -> Bool {
        let realtime = Int(info.signal) >= Signal.realtimeMinimum
        if !realtime && pending & bit != 0 { return true }  // standard signals do not queue
        if infos.count >= queueLimit {
            if realtime { return false }
        } else {
            infos.append(info)
        }
        pending |= bit
        return true
    }

    /// Makes `thread` notice a new signal: a sleeping thread wakes (its blocking call returns
    /// EINTR or restarts), one running user code on another CPU is interrupted.
    private static func notify(_ thread: Thread) {
        Scheduler.wake(thread)
        let cpu = Scheduler.cpus[thread.cpu]
        if cpu !== Scheduler.thisCPU && cpu.current === thread {
            LocalAPIC.sendIPI(to: cpu.apicID, vector: LocalAPIC.rescheduleVector)
        }
    }

    /// Takes the next pending signal of `thread` among `allowed` (its own first, then its
    /// process's) with its information; nil when none.
    static func dequeue(_ thread: Thread, allowed: UInt64) -> SignalInfo? {
        guard let process = thread.process else { return nil }
        return process.lock.withLock { () -> SignalInfo? in
            if let s = SignalSet.next(in: thread.pendingSignals & allowed) {
                return take(s, pending: &thread.pendingSignals, infos: &thread.pendingInfo)
            }
            if let s = SignalSet.next(in: process.sharedPendingSignals & allowed) {
                return take(s, pending: &process.sharedPendingSignals, infos: &process.sharedPendingInfo)
            }
            return nil
        }
    }

    private static func take(_ signal: Signal, pending: inout UInt64, infos: inout [SignalInfo]) -> SignalInfo {
        let number = Int32(signal.rawValue)
        var info = SignalInfo(signal: signal, code: SignalConstants.SI_KERNEL)
        if let i = infos.firstIndex(where: { $0.signal == number }) {
            info = infos.remove(at: i)
        }
        if !infos.contains(where: { $0.signal == number }) { pending &= ~SignalSet.bit(signal) }
        return info
    }

    /// Signals pending for `thread`, its own and its process's.
    static func pending(_ thread: Thread) -> UInt64 {
        guard let process = thread.process else { return 0 }
        return process.lock.withLock { thread.pendingSignals | process.sharedPendingSignals }
    }

    /// Drops pending instances of `signal` everywhere in `process` (its action became "ignore").
    static func discard(_ signal: Signal, in process: Process) {
        let bit = SignalSet.bit(signal)
        let number = Int32(signal.rawValue)
        process.lock.withLock {
            process.sharedPendingSignals &= ~bit
            process.sharedPendingInfo.removeAll { $0.signal == number }
            for t in process.threads {
                t.pendingSignals &= ~bit
                t.pendingInfo.removeAll { $0.signal == number }
            }
        }
    }

    /// The default action of a fatal signal: the process ends, reported as killed by `signal`.
    /// Returns when the target is another process (its threads leave on their own).
    static func terminate(_ process: Process, by signal: Signal) {
        if process.id == 1 { log(process.name + " killed by " + String(signal.name)) }
        ProcessLifecycle.requestExit(process, waitStatus: Int32(signal.rawValue))
        if let me = Scheduler.currentThread, me.process === process { ProcessLifecycle.exitThread() }
    }

    /// Whether the calling thread should stop waiting: a signal it does not block, or its
    /// process ending (interrupts blocking calls with EINTR).
    static func pendingForCurrent() -> Bool {
        guard let t = Scheduler.currentThread, let process = t.process else { return false }
        if t.killRequested || process.exiting { return true }
        return pending(t) & ~t.signalMask != 0
    }

    /// Whether the calling thread has a signal to deliver on its way back to user mode (read
    /// without the lock: a racing sender also interrupts or wakes the thread).
    @inline(__always)
    static func deliverableForCurrent(_ t: Thread) -> Bool {
        guard let process = t.process else { return false }
        return (t.pendingSignals | process.sharedPendingSignals) & ~t.signalMask != 0 || t.savedSignalMask != nil
    }
}
#endif
