#if SKIFF_KERNEL
import LinuxABI
import VFS

/// Descriptors for events: eventfd, timerfd and signalfd (the objects are in Events/).
extension Syscalls {
    static let EFD_SEMAPHORE = 1
    static let TFD_TIMER_ABSTIME = 1
    static let TFD_TIMER_CANCEL_ON_SET = 2

    /// Flags shared by these calls: O_CLOEXEC and O_NONBLOCK (their Linux values).
    private static func descriptorFlags(_ flags: Int, allowing extra: Int = 0) -> (openFlags: Int, closeOnExec: Bool)? {
        guard flags & ~(FileConstants.O_CLOEXEC | FileConstants.O_NONBLOCK | extra) == 0 else { return nil }
        return (FileConstants.O_RDWR | (flags & FileConstants.O_NONBLOCK), flags & FileConstants.O_CLOEXEC != 0)
    }

    /// eventfd(initval) and eventfd2(initval, flags)
    static func eventfd(_ a: SyscallArguments, flags: Int) -> SyscallResult {
        guard let (openFlags, cloexec) = descriptorFlags(flags, allowing: EFD_SEMAPHORE) else { return .failure(.EINVAL) }
        let counter = EventCounter(initial: a.a0 & 0xFFFF_FFFF, semaphore: flags & EFD_SEMAPHORE != 0)
        return installAnonymous(counter, flags: openFlags, closeOnExec: cloexec)
    }

    /// timerfd_create(clockid, flags)
    static func timerfdCreate(_ a: SyscallArguments) -> SyscallResult {
        let clock = a.int(0)
        // REALTIME, MONOTONIC, BOOTTIME and their _ALARM forms (8, 9: treated alike).
        guard [0, 1, 7, 8, 9].contains(clock) else { return .failure(.EINVAL) }
        guard let (openFlags, cloexec) = descriptorFlags(a.int(1)) else { return .failure(.EINVAL) }
        let file = TimerFile(clock: clock == 8 ? 0 : clock == 9 ? 7 : clock)
        return installAnonymous(file, flags: openFlags, closeOnExec: cloexec)
    }

    private static func timerFile(_ fd: Int) -> Result<TimerFile, Errno> {
        guard case .success(let file) = openFile(fd) else { return .failure(.EBADF) }
        guard let timer = file.handler as? TimerFile else { return .failure(.EINVAL) }
        return .success(timer)
    }

    /// `struct itimerspec` for a timer: interval, then time left.
    private static func timerValue(_ timer: KernelTimer) -> [UInt8] {
        let (interval, left) = IntervalTimers.lock.withLock { (timer.interval, timer.remaining(now: Clock.monotonic)) }
        return Timespec(totalNanoseconds: interval).encoded + Timespec(totalNanoseconds: left).encoded
    }

    /// timerfd_settime(fd, flags, new, old)
    static func timerfdSettime(_ a: SyscallArguments) -> SyscallResult {
        let file: TimerFile
        switch timerFile(a.int(0)) {
        case .success(let f): file = f
        case .failure(let e): return .failure(e)
        }
        let flags = a.int(1)
        guard flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) == 0 else { return .failure(.EINVAL) }
        guard case .success(let bytes) = UserMemory.read(a.a2, count: 32) else { return .failure(.EFAULT) }
        guard let interval = Timespec(decoding: Array(bytes[0..<16])).totalNanoseconds,
            let value = Timespec(decoding: Array(bytes[16..<32])).totalNanoseconds
        else { return .failure(.EINVAL) }
        if a.a3 != 0, let e = UserMemory.copyOut(timerValue(file.timer), to: a.a3) { return .failure(e) }
        var deadline: UInt64? = nil
        if value != 0 {
            if flags & TFD_TIMER_ABSTIME != 0 {
                deadline = file.timer.clock == ProcessConstants.CLOCK_REALTIME ? Time.monotonic(fromRealtime: value) : value
            } else {
                deadline = Clock.monotonic &+ value
            }
        }
        file.arm(deadline: deadline, interval: interval)
        return .success(0)
    }

    /// timerfd_gettime(fd, curr)
    static func timerfdGettime(_ a: SyscallArguments) -> SyscallResult {
        switch timerFile(a.int(0)) {
        case .success(let file):
            if let e = UserMemory.copyOut(timerValue(file.timer), to: a.a1) { return .failure(e) }
            return .success(0)
        case .failure(let e):
            return .failure(e)
        }
    }

    /// signalfd(fd, mask, size) and signalfd4(fd, mask, size, flags): a new descriptor when
    /// `fd` is -1, otherwise a new mask for an existing one.
    static func signalfd(_ a: SyscallArguments, flags: Int) -> SyscallResult {
        guard a.a2 == 8 else { return .failure(.EINVAL) }
        guard let (openFlags, cloexec) = descriptorFlags(flags) else { return .failure(.EINVAL) }
        guard case .success(let mask) = UserMemory.load(UInt64.self, at: a.a1) else { return .failure(.EFAULT) }
        let fd = a.int(0)
        if fd != -1 {
            guard case .success(let file) = openFile(fd) else { return .failure(.EBADF) }
            guard let signals = file.handler as? SignalFile else { return .failure(.EINVAL) }
            signals.mask = mask
            return .success(fd)
        }
        return installAnonymous(SignalFile(mask: mask, process: process), flags: openFlags, closeOnExec: cloexec)
    }
}
#endif
