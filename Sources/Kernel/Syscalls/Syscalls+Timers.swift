#if SKIFF_KERNEL
import LinuxABI

/// Timers that signal the process: `alarm`, `setitimer`/`getitimer` (ITIMER_REAL) and the
/// POSIX `timer_*` calls. The timers themselves are Process/ProcessTimer.swift.
extension Syscalls {
    static let ITIMER_REAL = 0
    static let TIMER_ABSTIME = 1
    static let maximumTimers = 1024

    /// alarm(seconds): SIGALRM after `seconds` (0 cancels); returns the seconds that were left.
    static func alarm(_ a: SyscallArguments) -> SyscallResult {
        let timer = realTimer()
        let now = Clock.monotonic
        let left = timer.remaining(now: now)
        let seconds = a.a0 & 0xFFFF_FFFF
        IntervalTimers.arm(timer, deadline: seconds == 0 ? nil : now &+ seconds &* 1_000_000_000, interval: 0)
        return .success(Int((left + 999_999_999) / 1_000_000_000))
    }

    /// setitimer(which, new, old)
    static func setitimer(_ a: SyscallArguments) -> SyscallResult {
        guard a.int(0) == ITIMER_REAL else { return unsupportedTimer(a.int(0)) }
        let timer = realTimer()
        let now = Clock.monotonic
        if a.a2 != 0, let e = UserMemory.copyOut(encodeTimerValue(timer, now: now, microseconds: true), to: a.a2) {
            return .failure(e)
        }
        guard a.a1 != 0 else { return .success(0) }
        guard case .success(let bytes) = UserMemory.read(a.a1, count: 32) else { return .failure(.EFAULT) }
        let r = StructReader(bytes)
        guard let interval = microseconds(r.get(Int64.self, at: 0), r.get(Int64.self, at: 8)),
            let value = microseconds(r.get(Int64.self, at: 16), r.get(Int64.self, at: 24))
        else { return .failure(.EINVAL) }
        IntervalTimers.arm(timer, deadline: value == 0 ? nil : now &+ value, interval: interval)
        return .success(0)
    }

    /// getitimer(which, value)
    static func getitimer(_ a: SyscallArguments) -> SyscallResult {
        guard a.int(0) == ITIMER_REAL else { return unsupportedTimer(a.int(0)) }
        if let e = UserMemory.copyOut(encodeTimerValue(realTimer(), now: Clock.monotonic, microseconds: true), to: a.a1) {
            return .failure(e)
        }
        return .success(0)
    }

    /// ITIMER_VIRTUAL and ITIMER_PROF count CPU time, which Skiff does not sample yet.
    private static func unsupportedTimer(_ which: Int) -> SyscallResult {
        guard which == 1 || which == 2 else { return .failure(.EINVAL) }
        SyscallTable.logOnce(.itimerCPU, "setitimer: ITIMER_VIRTUAL and ITIMER_PROF are not supported; returning EINVAL")
        return .failure(.EINVAL)
    }

    private static func realTimer() -> ProcessTimer {
        let p = process
        if let t = p.realTimer { return t }
        let t = ProcessTimer(process: p, id: -1, notify: SignalConstants.SIGEV_SIGNAL, signal: .SIGALRM, value: 0, threadID: 0)
        p.realTimer = t
        return t
    }

    private static func microseconds(_ seconds: Int64, _ micros: Int64) -> UInt64? {
        guard seconds >= 0, micros >= 0, micros < 1_000_000 else { return nil }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(micros) &* 1000
    }

    /// `struct itimerval` (µs) or `struct itimerspec` (ns): interval, then time left.
    private static func encodeTimerValue(_ timer: ProcessTimer, now: UInt64, microseconds: Bool) -> [UInt8] {
        let (interval, left) = IntervalTimers.lock.withLock { (timer.interval, timer.remaining(now: now)) }
        var w = StructWriter(size: 32)
        let unit: UInt64 = microseconds ? 1000 : 1
        w.set(Int64(interval / 1_000_000_000), at: 0)
        w.set(Int64(interval % 1_000_000_000 / unit), at: 8)
        w.set(Int64(left / 1_000_000_000), at: 16)
        w.set(Int64(left % 1_000_000_000 / unit), at: 24)
        return w.bytes
    }

    // MARK: POSIX timers

    /// timer_create(clockid, sevp, timerid)
    static func timerCreate(_ a: SyscallArguments) -> SyscallResult {
        let clock = a.int(0)
        guard clock == ProcessConstants.CLOCK_REALTIME || clock == ProcessConstants.CLOCK_MONOTONIC || clock == 7 /* BOOTTIME */ else {
            if clock == ProcessConstants.CLOCK_PROCESS_CPUTIME_ID || clock == 3 /* THREAD_CPUTIME */ {
                SyscallTable.logOnce(.timerCPU, "timer_create: CPU-time clocks are not supported; returning EINVAL")
            }
            return .failure(.EINVAL)
        }
        let p = process
        let id = p.timers.firstIndex { $0 == nil } ?? p.timers.count
        guard id < maximumTimers else { return .failure(.EAGAIN) }
        var notify = SignalConstants.SIGEV_SIGNAL
        var signal = Signal.SIGALRM
        var value = UInt64(id)
        var threadID: Int32 = 0
        if a.a1 != 0 {
            guard case .success(let bytes) = UserMemory.read(a.a1, count: 20) else { return .failure(.EFAULT) }
            let r = StructReader(bytes)
            value = r.get(UInt64.self, at: 0)
            let number = Int(r.get(Int32.self, at: 8))
            notify = Int(r.get(Int32.self, at: 12))
            threadID = r.get(Int32.self, at: 16)
            switch notify {
            case SignalConstants.SIGEV_NONE:
                break
            case SignalConstants.SIGEV_SIGNAL, SignalConstants.SIGEV_THREAD_ID:
                guard number >= 1, number <= Signal.count else { return .failure(.EINVAL) }
                signal = Signal(rawValue: number)
                if notify == SignalConstants.SIGEV_THREAD_ID {
                    guard let t = Processes.thread(threadID), t.process === p else { return .failure(.EINVAL) }
                }
            default:
                return .failure(.EINVAL)  // SIGEV_THREAD is the C library's business
            }
        }
        let timer = ProcessTimer(process: p, id: Int32(id), notify: notify, signal: signal, value: value, threadID: threadID)
        timer.clock = clock
        if let e = UserMemory.store(Int32(id), at: a.a2) { return .failure(e) }
        if id == p.timers.count { p.timers.append(timer) } else { p.timers[id] = timer }
        return .success(0)
    }

    private static func posixTimer(_ id: Int) -> ProcessTimer? {
        let p = process
        guard id >= 0, id < p.timers.count else { return nil }
        return p.timers[id]
    }

    /// timer_settime(timerid, flags, new, old)
    static func timerSettime(_ a: SyscallArguments) -> SyscallResult {
        guard let timer = posixTimer(a.int(0)) else { return .failure(.EINVAL) }
        guard case .success(let bytes) = UserMemory.read(a.a2, count: 32) else { return .failure(.EFAULT) }
        let interval = Timespec(decoding: Array(bytes[0..<16])).totalNanoseconds
        let value = Timespec(decoding: Array(bytes[16..<32])).totalNanoseconds
        guard let interval, let value else { return .failure(.EINVAL) }
        let now = Clock.monotonic
        if a.a3 != 0, let e = UserMemory.copyOut(encodeTimerValue(timer, now: now, microseconds: false), to: a.a3) {
            return .failure(e)
        }
        var deadline: UInt64? = nil
        if value != 0 {
            if a.int(1) & TIMER_ABSTIME != 0 {
                deadline = timer.clock == ProcessConstants.CLOCK_REALTIME ? Time.monotonic(fromRealtime: value) : value
            } else {
                deadline = now &+ value
            }
        }
        IntervalTimers.arm(timer, deadline: deadline, interval: interval)
        return .success(0)
    }

    /// timer_gettime(timerid, curr)
    static func timerGettime(_ a: SyscallArguments) -> SyscallResult {
        guard let timer = posixTimer(a.int(0)) else { return .failure(.EINVAL) }
        if let e = UserMemory.copyOut(encodeTimerValue(timer, now: Clock.monotonic, microseconds: false), to: a.a1) {
            return .failure(e)
        }
        return .success(0)
    }

    /// timer_getoverrun(timerid)
    static func timerGetoverrun(_ a: SyscallArguments) -> SyscallResult {
        guard let timer = posixTimer(a.int(0)) else { return .failure(.EINVAL) }
        return .success(Int(max(0, timer.overrun)))
    }

    /// timer_delete(timerid)
    static func timerDelete(_ a: SyscallArguments) -> SyscallResult {
        guard let timer = posixTimer(a.int(0)) else { return .failure(.EINVAL) }
        IntervalTimers.arm(timer, deadline: nil, interval: 0)
        process.timers[a.int(0)] = nil
        return .success(0)
    }
}
#endif
