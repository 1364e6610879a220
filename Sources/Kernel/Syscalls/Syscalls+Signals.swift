#if SKIFF_KERNEL
import LinuxABI

extension Syscalls {
    /// rt_sigprocmask(how, set, oldset, sigsetsize)
    static func rtSigprocmask(_ a: SyscallArguments) -> SyscallResult {
        guard a.a3 == 8 else { return .failure(.EINVAL) }
        let t = Scheduler.current
        let old = t.signalMask
        if a.a1 != 0 {
            guard case .success(let set) = UserMemory.load(UInt64.self, at: a.a1) else { return .failure(.EFAULT) }
            // SIGKILL and SIGSTOP cannot be blocked.
            let settable = set & ~(1 << 8 | 1 << 18)
            switch a.int(0) {
            case 0: t.signalMask |= settable  // SIG_BLOCK
            case 1: t.signalMask &= ~settable  // SIG_UNBLOCK
            case 2: t.signalMask = settable  // SIG_SETMASK
            default: return .failure(.EINVAL)
            }
        }
        if a.a2 != 0, let e = UserMemory.store(old, at: a.a2) { return .failure(e) }
        return .success(0)
    }

    /// rt_sigaction(sig, act, oldact, sigsetsize)
    static func rtSigaction(_ a: SyscallArguments) -> SyscallResult {
        let signal = a.int(0)
        guard a.a3 == 8, signal >= 1, signal <= 64 else { return .failure(.EINVAL) }
        let process = Scheduler.currentProcess
        let old = process.signalActions[signal]
        if a.a1 != 0 {
            guard signal != Signal.SIGKILL.rawValue && signal != Signal.SIGSTOP.rawValue else { return .failure(.EINVAL) }
            guard case .success(let bytes) = UserMemory.read(a.a1, count: 32) else { return .failure(.EFAULT) }
            let r = StructReader(bytes)
            process.signalActions[signal] = SignalAction(
                handler: r.get(UInt64.self, at: 0), flags: r.get(UInt64.self, at: 8),
                restorer: r.get(UInt64.self, at: 16), mask: r.get(UInt64.self, at: 24))
        }
        if a.a2 != 0 {
            var w = StructWriter(size: 32)
            w.set(old.handler, at: 0)
            w.set(old.flags, at: 8)
            w.set(old.restorer, at: 16)
            w.set(old.mask, at: 24)
            if let e = UserMemory.copyOut(w.bytes, to: a.a2) { return .failure(e) }
        }
        return .success(0)
    }
}
#endif

#if SKIFF_KERNEL
extension Syscalls {
    /// pause(): sleeps until a signal arrives; always EINTR.
    static func pause(_ a: SyscallArguments) -> SyscallResult {
        while !Signals.pendingForCurrent() { Scheduler.block() }
        return .failure(.EINTR)
    }
}
#endif
