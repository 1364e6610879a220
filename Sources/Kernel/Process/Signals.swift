#if SKIFF_KERNEL
import LinuxABI

/// Signal generation. (Delivery to handlers is in `SignalDelivery`.)
enum Signals {
    static let SIG_DFL: UInt64 = 0
    static let SIG_IGN: UInt64 = 1

    /// Signals whose default action is to be ignored; the rest terminate (or stop, which Skiff
    /// treats as ignore: there is no job control).
    static func defaultIgnores(_ s: Signal) -> Bool {
        switch s {
        case .SIGCHLD, .SIGURG, .SIGWINCH, .SIGCONT, .SIGSTOP, .SIGTSTP, .SIGTTIN, .SIGTTOU: return true
        default: return false
        }
    }

    /// Sends `signal` to the calling thread (SIGPIPE from a write, a synchronous fault).
    static func raise(_ signal: Signal) {
        send(signal, to: Scheduler.current)
    }

    /// Sends `signal` to `thread`: ignored, terminates the process (default action), or is
    /// left pending for delivery on the thread's way back to user mode.
    static func send(_ signal: Signal, to thread: Thread) {
        guard let process = thread.process, !process.isZombie else { return }
        let action = process.signalActions[signal.rawValue]
        if signal != .SIGKILL {
            if action.handler == SIG_IGN { return }
            if action.handler == SIG_DFL && defaultIgnores(signal) { return }
        }
        if signal == .SIGKILL || action.handler == SIG_DFL {
            terminate(process, by: signal)
            return
        }
        process.lock.withLock { thread.pendingSignals |= 1 << UInt64(signal.rawValue - 1) }
        Scheduler.wake(thread)
        let cpu = Scheduler.cpus[thread.cpu]
        if cpu !== Scheduler.thisCPU && cpu.current === thread {
            LocalAPIC.sendIPI(to: cpu.apicID, vector: LocalAPIC.rescheduleVector)
        }
    }

    /// A process-directed signal goes to a thread that does not block it (the first one), or
    /// the main thread.
    static func send(_ signal: Signal, toProcess process: Process) {
        let bit: UInt64 = 1 << UInt64(signal.rawValue - 1)
        let threads = process.lock.withLock { process.threads }
        guard let target = threads.first(where: { $0.signalMask & bit == 0 }) ?? threads.first else { return }
        send(signal, to: target)
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
        return t.pendingSignals & ~t.signalMask != 0 || t.killRequested || process.exiting
    }
}
#endif
