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
        guard let process = thread.process else { return }
        let action = process.signalActions[signal.rawValue]
        if signal != .SIGKILL {
            if action.handler == SIG_IGN { return }
            if action.handler == SIG_DFL && defaultIgnores(signal) { return }
        }
        if signal == .SIGKILL || action.handler == SIG_DFL {
            terminate(process, by: signal)
        }
        process.lock.withLock { thread.pendingSignals |= 1 << UInt64(signal.rawValue - 1) }
        Scheduler.wake(thread)
    }

    /// The default action: the process ends as if killed by `signal`.
    static func terminate(_ process: Process, by signal: Signal) -> Never {
        log(process.name + " killed by " + String(signal.name))
        Kernel.applicationExited(status: 128 + Int32(signal.rawValue))
    }

    /// Whether the calling thread has a signal it does not block (interrupts blocking calls).
    static func pendingForCurrent() -> Bool {
        guard let t = Scheduler.currentThread else { return false }
        return t.pendingSignals & ~t.signalMask != 0
    }
}
#endif
