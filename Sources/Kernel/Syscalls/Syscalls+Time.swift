#if SKIFF_KERNEL
import LinuxABI

extension Syscalls {
    /// clock_gettime(clock, ts)
    static func clockGettime(_ a: SyscallArguments) -> SyscallResult {
        guard let ns = Time.now(clock: a.int(0)) else { return .failure(.EINVAL) }
        if let e = UserMemory.copyOut(Timespec(totalNanoseconds: ns).encoded, to: a.a1) { return .failure(e) }
        return .success(0)
    }

    /// clock_getres(clock, res)
    static func clockGetres(_ a: SyscallArguments) -> SyscallResult {
        guard let ns = Time.resolution(clock: a.int(0)) else { return .failure(.EINVAL) }
        if a.a1 != 0, let e = UserMemory.copyOut(Timespec(totalNanoseconds: ns).encoded, to: a.a1) { return .failure(e) }
        return .success(0)
    }

    /// gettimeofday(tv, tz)
    static func gettimeofday(_ a: SyscallArguments) -> SyscallResult {
        let ns = Clock.realtime
        if a.a0 != 0 {
            var w = StructWriter(size: 16)
            w.set(Int64(ns / 1_000_000_000), at: 0)
            w.set(Int64(ns % 1_000_000_000 / 1000), at: 8)
            if let e = UserMemory.copyOut(w.bytes, to: a.a0) { return .failure(e) }
        }
        if a.a1 != 0, let e = UserMemory.copyOut([UInt8](repeating: 0, count: 8), to: a.a1) { return .failure(e) }
        return .success(0)
    }

    /// time(tloc)
    static func time(_ a: SyscallArguments) -> SyscallResult {
        let seconds = Int64(Clock.realtime / 1_000_000_000)
        if a.a0 != 0, let e = UserMemory.store(seconds, at: a.a0) { return .failure(e) }
        return .success(Int(seconds))
    }

    /// clock_settime(clock, ts): only CLOCK_REALTIME can be set.
    static func clockSettime(_ a: SyscallArguments) -> SyscallResult {
        guard a.int(0) == ProcessConstants.CLOCK_REALTIME else { return .failure(.EINVAL) }
        guard case .success(let bytes) = UserMemory.read(a.a1, count: 16) else { return .failure(.EFAULT) }
        guard let ns = Timespec(decoding: bytes).totalNanoseconds else { return .failure(.EINVAL) }
        Clock.setRealtime(ns)
        return .success(0)
    }

    /// nanosleep(req, rem)
    static func nanosleep(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let bytes) = UserMemory.read(a.a0, count: 16) else { return .failure(.EFAULT) }
        guard let ns = Timespec(decoding: bytes).totalNanoseconds else { return .failure(.EINVAL) }
        return sleepUntil(Clock.monotonic &+ ns, remaining: a.a1)
    }

    /// clock_nanosleep(clock, flags, req, rem)
    static func clockNanosleep(_ a: SyscallArguments) -> SyscallResult {
        let clock = a.int(0)
        guard clock != ProcessConstants.CLOCK_THREAD_CPUTIME_ID else { return .failure(.EINVAL) }
        guard Time.now(clock: clock) != nil else { return .failure(.EINVAL) }
        guard case .success(let bytes) = UserMemory.read(a.a2, count: 16) else { return .failure(.EFAULT) }
        guard let ns = Timespec(decoding: bytes).totalNanoseconds else { return .failure(.EINVAL) }
        let absolute = a.int(1) & ProcessConstants.TIMER_ABSTIME != 0
        let deadline: UInt64
        if absolute {
            let realtime = clock == ProcessConstants.CLOCK_REALTIME || clock == ProcessConstants.CLOCK_REALTIME_ALARM
            deadline = realtime ? Time.monotonic(fromRealtime: ns) : ns
        } else {
            deadline = Clock.monotonic &+ ns
        }
        return sleepUntil(deadline, remaining: absolute ? 0 : a.a3)
    }

    /// Sleeps until `deadline`; a signal ends the sleep early with EINTR (after its handler)
    /// and the time left written to `remaining` when non-zero.
    private static func sleepUntil(_ deadline: UInt64, remaining: UInt64) -> SyscallResult {
        while true {
            let now = Clock.monotonic
            if now >= deadline { return .success(0) }
            if Signals.pendingForCurrent() {
                if remaining != 0, let e = UserMemory.copyOut(Timespec(totalNanoseconds: deadline - now).encoded, to: remaining) {
                    return .failure(e)
                }
                return .failure(.ERESTARTNOHAND)
            }
            Scheduler.sleep(until: deadline)
        }
    }
}
#endif
