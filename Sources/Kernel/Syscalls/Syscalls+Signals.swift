#if SKIFF_KERNEL
import CKernel
import LinuxABI

/// Signal actions, masks, waiting for signals, the alternate stack, and `rt_sigreturn`.
/// (kill and tgkill are with the other process calls in Syscalls+Process.swift; delivery is
/// Process/SignalDelivery.swift.)
extension Syscalls {
    /// rt_sigprocmask(how, set, oldset, sigsetsize)
    static func rtSigprocmask(_ a: SyscallArguments) -> SyscallResult {
        guard a.a3 == 8 else { return .failure(.EINVAL) }
        let t = Scheduler.current
        let old = t.signalMask
        if a.a1 != 0 {
            guard case .success(let set) = UserMemory.load(UInt64.self, at: a.a1) else { return .failure(.EFAULT) }
            let settable = set & ~SignalConstants.unblockable
            switch a.int(0) {
            case SignalConstants.SIG_BLOCK: t.signalMask |= settable
            case SignalConstants.SIG_UNBLOCK: t.signalMask &= ~settable
            case SignalConstants.SIG_SETMASK: t.signalMask = settable
            default: return .failure(.EINVAL)
            }
        }
        if a.a2 != 0, let e = UserMemory.store(old, at: a.a2) { return .failure(e) }
        return .success(0)
    }

    /// rt_sigaction(sig, act, oldact, sigsetsize)
    static func rtSigaction(_ a: SyscallArguments) -> SyscallResult {
        let number = a.int(0)
        guard a.a3 == 8, number >= 1, number <= Signal.count else { return .failure(.EINVAL) }
        let signal = Signal(rawValue: number)
        let process = Scheduler.currentProcess
        let old = process.signalActions[number]
        if a.a1 != 0 {
            guard signal != .SIGKILL && signal != .SIGSTOP else { return .failure(.EINVAL) }
            guard case .success(let bytes) = UserMemory.read(a.a1, count: 32) else { return .failure(.EFAULT) }
            let r = StructReader(bytes)
            process.signalActions[number] = SignalAction(
                handler: r.get(UInt64.self, at: 0), flags: r.get(UInt64.self, at: 8),
                restorer: r.get(UInt64.self, at: 16), mask: r.get(UInt64.self, at: 24) & ~SignalConstants.unblockable)
            // POSIX: setting a pending signal's action to "ignore" discards it.
            if Signals.isIgnored(signal, by: process) { Signals.discard(signal, in: process) }
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

    /// rt_sigpending(set, sigsetsize): pending signals the thread blocks.
    static func rtSigpending(_ a: SyscallArguments) -> SyscallResult {
        guard a.a1 <= 8 else { return .failure(.EINVAL) }
        let t = Scheduler.current
        let pending = Signals.pending(t) & t.signalMask
        if let e = UserMemory.copyOut(Array(withUnsafeBytes(of: pending.littleEndian) { Array($0) }.prefix(Int(a.a1))), to: a.a0) {
            return .failure(e)
        }
        return .success(0)
    }

    /// pause(): sleeps until a signal is delivered; EINTR after its handler ran.
    static func pause(_ a: SyscallArguments) -> SyscallResult {
        waitForSignal()
        return .failure(.ERESTARTNOHAND)
    }

    /// rt_sigsuspend(mask, sigsetsize): `pause` with `mask` in force until a handler runs.
    static func rtSigsuspend(_ a: SyscallArguments) -> SyscallResult {
        guard a.a1 == 8 else { return .failure(.EINVAL) }
        guard case .success(let mask) = UserMemory.load(UInt64.self, at: a.a0) else { return .failure(.EFAULT) }
        let t = Scheduler.current
        t.savedSignalMask = t.signalMask
        t.signalMask = mask & ~SignalConstants.unblockable
        waitForSignal()
        return .failure(.ERESTARTNOHAND)
    }

    private static func waitForSignal() {
        while !Signals.pendingForCurrent() { Scheduler.block() }
    }

    /// rt_sigtimedwait(set, info, timeout, sigsetsize): takes a pending signal of `set`
    /// (normally blocked) without running its handler.
    static func rtSigtimedwait(_ a: SyscallArguments) -> SyscallResult {
        guard a.a3 == 8 else { return .failure(.EINVAL) }
        guard case .success(let requested) = UserMemory.load(UInt64.self, at: a.a0) else { return .failure(.EFAULT) }
        let set = requested & ~SignalConstants.unblockable
        var deadline: UInt64? = nil
        if a.a2 != 0 {
            guard case .success(let bytes) = UserMemory.read(a.a2, count: 16) else { return .failure(.EFAULT) }
            guard let ns = Timespec(decoding: bytes).totalNanoseconds else { return .failure(.EINVAL) }
            deadline = Clock.monotonic &+ ns
        }
        let t = Scheduler.current
        t.waitingForSignals = set
        defer { t.waitingForSignals = 0 }
        while true {
            if let info = Signals.dequeue(t, allowed: set) {
                if a.a1 != 0, let e = UserMemory.copyOut(info.encoded(), to: a.a1) { return .failure(e) }
                return .success(Int(info.signal))
            }
            if Signals.pendingForCurrent() { return .failure(.EINTR) }
            if let deadline {
                if Scheduler.sleep(until: deadline) && Signals.pending(t) & set == 0 { return .failure(.EAGAIN) }
            } else {
                Scheduler.block()
            }
        }
    }

    /// rt_sigqueueinfo(tgid, sig, info) and rt_tgsigqueueinfo(tgid, tid, sig, info): a signal
    /// with a caller-provided `siginfo_t` (sigqueue, pthread_sigqueue).
    static func rtSigqueueinfo(_ a: SyscallArguments, toThread: Bool) -> SyscallResult {
        let number = toThread ? a.int(2) : a.int(1)
        let infoAddress = toThread ? a.a3 : a.a2
        guard number >= 1, number <= Signal.count else { return .failure(.EINVAL) }
        guard case .success(let bytes) = UserMemory.read(infoAddress, count: SignalInfo.size), var info = SignalInfo(decoding: bytes) else {
            return .failure(.EFAULT)
        }
        // Only the kernel may claim to be kill() or the kernel (what si_code >= 0 means).
        guard info.code < 0 && info.code != SignalConstants.SI_TKILL else { return .failure(.EPERM) }
        info.signal = Int32(number)
        if toThread {
            guard let t = Processes.thread(Int32(truncatingIfNeeded: a.int(1))), Int(t.process!.id) == a.int(0) else { return .failure(.ESRCH) }
            return Signals.send(info, to: t) ? .success(0) : .failure(.EAGAIN)
        }
        guard let p = Processes.find(Int32(truncatingIfNeeded: a.int(0))), !p.isZombie else { return .failure(.ESRCH) }
        return Signals.send(info, toProcess: p) ? .success(0) : .failure(.EAGAIN)
    }

    /// sigaltstack(ss, old_ss)
    static func sigaltstack(_ a: SyscallArguments) -> SyscallResult {
        let t = Scheduler.current
        let sp = t.userFrame.pointee.rsp
        let current = t.alternateSignalStack
        if a.a0 != 0 {
            guard case .success(let bytes) = UserMemory.read(a.a0, count: SignalStack.encodedSize) else { return .failure(.EFAULT) }
            let new = SignalStack(decoding: bytes)
            guard !current.contains(sp) || current.flags & SignalConstants.SS_DISABLE != 0 else { return .failure(.EPERM) }
            let mode = new.flags & ~SignalConstants.SS_AUTODISARM
            guard mode == 0 || mode == SignalConstants.SS_ONSTACK || mode == SignalConstants.SS_DISABLE else { return .failure(.EINVAL) }
            if a.a1 != 0, let e = UserMemory.copyOut(current.encoded(at: sp), to: a.a1) { return .failure(e) }
            if mode == SignalConstants.SS_DISABLE {
                t.alternateSignalStack = SignalStack()
            } else {
                guard new.size >= SignalConstants.MINSIGSTKSZ else { return .failure(.ENOMEM) }
                t.alternateSignalStack = SignalStack(base: new.base, flags: new.flags & SignalConstants.SS_AUTODISARM, size: new.size)
            }
            return .success(0)
        }
        if a.a1 != 0, let e = UserMemory.copyOut(current.encoded(at: sp), to: a.a1) { return .failure(e) }
        return .success(0)
    }

    /// rt_sigreturn(): back from a handler to the context its frame saved.
    static func rtSigreturn(_ a: SyscallArguments) -> Int {
        SignalDelivery.sigreturn(a.frame)
    }
}
#endif
