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
        // Processes and threads
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
