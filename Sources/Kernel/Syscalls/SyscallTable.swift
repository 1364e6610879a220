#if SKIFF_KERNEL
import LinuxABI

/// Every system call Skiff implements, by Linux number. Each case names the handler; the
/// handlers live in this folder in files named for their family (Syscalls+Files.swift,
/// Syscalls+Memory.swift, …). A number not listed here returns ENOSYS and is logged once.
enum SyscallTable {
    static func dispatch(_ a: SyscallArguments) -> Int {
        switch SyscallNumber(rawValue: a.number) {
        // Files and I/O
        case .write: return Syscalls.write(a).returnValue
        case .writev: return Syscalls.writev(a).returnValue
        case .ioctl: return Syscalls.ioctl(a).returnValue
        // Memory
        case .brk: return Syscalls.brk(a).returnValue
        case .mmap: return Syscalls.mmap(a).returnValue
        case .munmap: return Syscalls.munmap(a).returnValue
        case .mprotect: return Syscalls.mprotect(a).returnValue
        // Threads and synchronization
        case .clone: return Syscalls.clone(a).returnValue
        case .clone3: return Syscalls.clone3(a).returnValue
        case .futex: return Syscalls.futex(a).returnValue
        // Scheduling
        case .schedYield: return Syscalls.schedYield(a).returnValue
        case .getcpu: return Syscalls.getcpu(a).returnValue
        case .schedGetaffinity: return Syscalls.schedGetaffinity(a).returnValue
        case .schedSetaffinity: return Syscalls.schedSetaffinity(a).returnValue
        case .schedSetscheduler: return Syscalls.schedSetscheduler(a).returnValue
        case .schedGetscheduler: return Syscalls.schedGetscheduler(a).returnValue
        case .schedSetparam: return Syscalls.schedSetparam(a).returnValue
        case .schedGetparam: return Syscalls.schedGetparam(a).returnValue
        case .schedGetPriorityMax: return Syscalls.schedGetPriorityMax(a).returnValue
        case .schedGetPriorityMin: return Syscalls.schedGetPriorityMin(a).returnValue
        case .schedRrGetInterval: return Syscalls.schedRrGetInterval(a).returnValue
        case .getpriority: return Syscalls.getpriority(a).returnValue
        case .setpriority: return Syscalls.setpriority(a).returnValue
        // Time
        case .clockGettime: return Syscalls.clockGettime(a).returnValue
        case .clockGetres: return Syscalls.clockGetres(a).returnValue
        case .clockSettime: return Syscalls.clockSettime(a).returnValue
        case .gettimeofday: return Syscalls.gettimeofday(a).returnValue
        case .time: return Syscalls.time(a).returnValue
        case .nanosleep: return Syscalls.nanosleep(a).returnValue
        case .clockNanosleep: return Syscalls.clockNanosleep(a).returnValue
        // Signals
        case .rtSigprocmask: return Syscalls.rtSigprocmask(a).returnValue
        case .rtSigaction: return Syscalls.rtSigaction(a).returnValue
        // Processes
        case .exit: return Syscalls.exit(a)
        case .exitGroup: return Syscalls.exitGroup(a)
        case .archPrctl: return Syscalls.archPrctl(a).returnValue
        case .setTidAddress: return Syscalls.setTidAddress(a).returnValue
        case .setRobustList: return Syscalls.setRobustList(a).returnValue
        case .getpid: return Syscalls.getpid(a).returnValue
        case .gettid: return Syscalls.gettid(a).returnValue
        case .getppid: return Syscalls.getppid(a).returnValue
        case .getuid, .geteuid, .getgid, .getegid: return Syscalls.getuid(a).returnValue
        default:
            return unknown(a.number)
        }
    }

    nonisolated(unsafe) private static var reported = [UInt64](repeating: 0, count: 8)

    /// ENOSYS, with a log line the first time each number is seen.
    static func unknown(_ number: Int) -> Int {
        let index = number >= 0 && number < 512 ? number : 511
        if reported[index / 64] & (1 << UInt64(index % 64)) == 0 {
            reported[index / 64] |= 1 << UInt64(index % 64)
            let name = SyscallNumber(rawValue: number).name.map { String($0) } ?? "unassigned"
            log("system call \(number) (\(name)) is not implemented; returning ENOSYS")
        }
        return Errno.ENOSYS.returnValue
    }
}
#endif
