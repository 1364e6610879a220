#if SKIFF_KERNEL
import LinuxABI

/// Every system call Skiff implements, by Linux number. Each case names the handler; the
/// handlers live in this folder in files named for their family (Syscalls+Files.swift,
/// Syscalls+Memory.swift, …). A number not listed here returns ENOSYS and is logged once.
enum SyscallTable {
    /// Limitations worth one log line each (see `logOnce`).
    enum Limitation: Int {
        case itimerCPU, timerCPU, futexOperation
    }

    static func dispatch(_ a: SyscallArguments) -> Int {
        switch SyscallNumber(rawValue: a.number) {
        // I/O on descriptors (Syscalls+Files.swift)
        case .read: return Syscalls.read(a).returnValue
        case .write: return Syscalls.write(a).returnValue
        case .pread64: return Syscalls.pread64(a).returnValue
        case .pwrite64: return Syscalls.pwrite64(a).returnValue
        case .readv: return Syscalls.readv(a, positioned: false).returnValue
        case .writev: return Syscalls.writev(a, positioned: false).returnValue
        case .preadv, .preadv2: return Syscalls.readv(a, positioned: true).returnValue
        case .pwritev, .pwritev2: return Syscalls.writev(a, positioned: true).returnValue
        case .lseek: return Syscalls.lseek(a).returnValue
        case .getdents64: return Syscalls.getdents64(a).returnValue
        case .ioctl: return Syscalls.ioctl(a).returnValue
        // Descriptors (Syscalls+Descriptors.swift)
        case .close: return Syscalls.close(a).returnValue
        case .closeRange: return Syscalls.closeRange(a).returnValue
        case .dup: return Syscalls.dup(a).returnValue
        case .dup2: return Syscalls.dup2(a).returnValue
        case .dup3: return Syscalls.dup3(a).returnValue
        case .fcntl: return Syscalls.fcntl(a).returnValue
        case .flock: return Syscalls.flock(a).returnValue
        case .pipe: return Syscalls.pipe(a).returnValue
        case .pipe2: return Syscalls.pipe2(a).returnValue
        case .ftruncate: return Syscalls.ftruncate(a).returnValue
        case .fallocate: return Syscalls.fallocate(a).returnValue
        case .fsync: return Syscalls.fsync(a, dataOnly: false).returnValue
        case .fdatasync: return Syscalls.fsync(a, dataOnly: true).returnValue
        case .sync: return Syscalls.sync(a).returnValue
        case .mount: return Syscalls.mount(a).returnValue
        case .umount2: return Syscalls.umount2(a).returnValue
        case .syncfs: return Syscalls.syncfs(a).returnValue
        // Copies between descriptors (Syscalls+Transfers.swift)
        case .sendfile: return Syscalls.sendfile(a).returnValue
        case .copyFileRange: return Syscalls.copyFileRange(a).returnValue
        case .splice: return Syscalls.splice(a).returnValue
        case .tee: return Syscalls.tee(a).returnValue
        // Waiting for descriptors (Syscalls+Polling.swift)
        case .poll: return Syscalls.poll(a).returnValue
        case .ppoll: return Syscalls.ppoll(a).returnValue
        case .select: return Syscalls.select(a).returnValue
        case .pselect6: return Syscalls.pselect6(a).returnValue
        case .epollCreate: return Syscalls.epollCreate(a, flags: nil).returnValue
        case .epollCreate1: return Syscalls.epollCreate(a, flags: a.int(0)).returnValue
        case .epollCtl: return Syscalls.epollCtl(a).returnValue
        case .epollWait: return Syscalls.epollWait(a, masked: false, timespec: false).returnValue
        case .epollPwait: return Syscalls.epollWait(a, masked: true, timespec: false).returnValue
        case .epollPwait2: return Syscalls.epollWait(a, masked: true, timespec: true).returnValue
        // Event descriptors (Syscalls+EventFiles.swift)
        // Sockets (Syscalls+Sockets.swift)
        case .socket: return Syscalls.socket(a).returnValue
        case .socketpair: return Syscalls.socketpair(a).returnValue
        case .bind: return Syscalls.bind(a).returnValue
        case .listen: return Syscalls.listen(a).returnValue
        case .accept: return Syscalls.accept(a, flags: 0).returnValue
        case .accept4: return Syscalls.accept(a, flags: a.int(3)).returnValue
        case .connect: return Syscalls.connect(a).returnValue
        case .shutdown: return Syscalls.shutdown(a).returnValue
        case .getsockname: return Syscalls.socketName(a, peer: false).returnValue
        case .getpeername: return Syscalls.socketName(a, peer: true).returnValue
        case .setsockopt: return Syscalls.setsockopt(a).returnValue
        case .getsockopt: return Syscalls.getsockopt(a).returnValue
        case .sendto: return Syscalls.sendto(a).returnValue
        case .recvfrom: return Syscalls.recvfrom(a).returnValue
        case .sendmsg: return Syscalls.sendmsg(a).returnValue
        case .recvmsg: return Syscalls.recvmsg(a).returnValue
        case .sendmmsg: return Syscalls.sendmmsg(a).returnValue
        case .recvmmsg: return Syscalls.recvmmsg(a).returnValue
        case .eventfd: return Syscalls.eventfd(a, flags: 0).returnValue
        case .eventfd2: return Syscalls.eventfd(a, flags: a.int(1)).returnValue
        case .timerfdCreate: return Syscalls.timerfdCreate(a).returnValue
        case .timerfdSettime: return Syscalls.timerfdSettime(a).returnValue
        case .timerfdGettime: return Syscalls.timerfdGettime(a).returnValue
        case .signalfd: return Syscalls.signalfd(a, flags: 0).returnValue
        case .signalfd4: return Syscalls.signalfd(a, flags: a.int(3)).returnValue
        // Paths (Syscalls+Paths.swift)
        case .open: return Syscalls.open(a).returnValue
        case .openat: return Syscalls.openat(a).returnValue
        case .creat: return Syscalls.creat(a).returnValue
        case .stat: return Syscalls.stat(a).returnValue
        case .lstat: return Syscalls.lstat(a).returnValue
        case .fstat: return Syscalls.fstat(a).returnValue
        case .newfstatat: return Syscalls.newfstatat(a).returnValue
        case .statx: return Syscalls.statx(a).returnValue
        case .access: return Syscalls.access(a).returnValue
        case .faccessat: return Syscalls.faccessat(a).returnValue
        case .faccessat2: return Syscalls.faccessat2(a).returnValue
        case .readlink: return Syscalls.readlink(a).returnValue
        case .readlinkat: return Syscalls.readlinkat(a).returnValue
        case .statfs: return Syscalls.statfs(a).returnValue
        case .fstatfs: return Syscalls.fstatfs(a).returnValue
        case .mkdir: return Syscalls.mkdir(a).returnValue
        case .mkdirat: return Syscalls.mkdirat(a).returnValue
        case .mknod: return Syscalls.mknod(a).returnValue
        case .mknodat: return Syscalls.mknodat(a).returnValue
        case .unlink: return Syscalls.unlink(a).returnValue
        case .unlinkat: return Syscalls.unlinkat(a).returnValue
        case .rmdir: return Syscalls.rmdir(a).returnValue
        case .symlink: return Syscalls.symlink(a).returnValue
        case .symlinkat: return Syscalls.symlinkat(a).returnValue
        case .link: return Syscalls.link(a).returnValue
        case .linkat: return Syscalls.linkat(a).returnValue
        case .rename: return Syscalls.rename(a).returnValue
        case .renameat: return Syscalls.renameat(a).returnValue
        case .renameat2: return Syscalls.renameat2(a).returnValue
        case .chdir: return Syscalls.chdir(a).returnValue
        case .fchdir: return Syscalls.fchdir(a).returnValue
        case .getcwd: return Syscalls.getcwd(a).returnValue
        case .umask: return Syscalls.umask(a).returnValue
        case .chmod: return Syscalls.chmod(a).returnValue
        case .fchmod: return Syscalls.fchmod(a).returnValue
        case .fchmodat: return Syscalls.fchmodat(a).returnValue
        case .chown: return Syscalls.chown(a).returnValue
        case .lchown: return Syscalls.lchown(a).returnValue
        case .fchown: return Syscalls.fchown(a).returnValue
        case .fchownat: return Syscalls.fchownat(a).returnValue
        case .utimensat: return Syscalls.utimensat(a).returnValue
        case .truncate: return Syscalls.truncate(a).returnValue
        // Memory
        case .brk: return Syscalls.brk(a).returnValue
        case .mmap: return Syscalls.mmap(a).returnValue
        case .munmap: return Syscalls.munmap(a).returnValue
        case .mprotect: return Syscalls.mprotect(a).returnValue
        case .madvise: return Syscalls.madvise(a).returnValue
        case .msync: return Syscalls.msync(a).returnValue
        case .mincore: return Syscalls.mincore(a).returnValue
        case .mremap: return Syscalls.mremap(a).returnValue
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
        case .pause: return Syscalls.pause(a).returnValue
        case .rtSigpending: return Syscalls.rtSigpending(a).returnValue
        case .rtSigsuspend: return Syscalls.rtSigsuspend(a).returnValue
        case .rtSigtimedwait: return Syscalls.rtSigtimedwait(a).returnValue
        case .rtSigqueueinfo: return Syscalls.rtSigqueueinfo(a, toThread: false).returnValue
        case .rtTgsigqueueinfo: return Syscalls.rtSigqueueinfo(a, toThread: true).returnValue
        case .sigaltstack: return Syscalls.sigaltstack(a).returnValue
        case .rtSigreturn: return Syscalls.rtSigreturn(a)
        // Timers that signal (Syscalls+Timers.swift)
        case .alarm: return Syscalls.alarm(a).returnValue
        case .setitimer: return Syscalls.setitimer(a).returnValue
        case .getitimer: return Syscalls.getitimer(a).returnValue
        case .timerCreate: return Syscalls.timerCreate(a).returnValue
        case .timerSettime: return Syscalls.timerSettime(a).returnValue
        case .timerGettime: return Syscalls.timerGettime(a).returnValue
        case .timerGetoverrun: return Syscalls.timerGetoverrun(a).returnValue
        case .timerDelete: return Syscalls.timerDelete(a).returnValue
        // System information and identity (Syscalls+System.swift)
        case .uname: return Syscalls.uname(a).returnValue
        case .sethostname, .setdomainname: return Syscalls.sethostname(a).returnValue
        case .getrandom: return Syscalls.getrandom(a).returnValue
        case .reboot: return Syscalls.reboot(a).returnValue
        case .prlimit64: return Syscalls.prlimit64(a).returnValue
        case .getrlimit: return Syscalls.getrlimit(a).returnValue
        case .setrlimit: return Syscalls.setrlimit(a).returnValue
        case .sysinfo: return Syscalls.sysinfo(a).returnValue
        case .getrusage: return Syscalls.getrusage(a).returnValue
        case .times: return Syscalls.times(a).returnValue
        case .prctl: return Syscalls.prctl(a).returnValue
        case .membarrier: return Syscalls.membarrier(a).returnValue
        case .getpgid: return Syscalls.getpgid(a).returnValue
        case .getpgrp: return Syscalls.getpgrp(a).returnValue
        case .setpgid: return Syscalls.setpgid(a).returnValue
        case .getsid: return Syscalls.getsid(a).returnValue
        case .setsid: return Syscalls.setsid(a).returnValue
        case .getgroups: return Syscalls.getgroups(a).returnValue
        case .setuid, .setgid, .setreuid, .setregid, .setresuid, .setresgid, .setfsuid, .setfsgid, .setgroups:
            return Syscalls.setIdentity(a).returnValue
        case .getresuid, .getresgid: return Syscalls.getresid(a).returnValue
        case .personality: return Syscalls.personality(a).returnValue
        case .getMempolicy, .setMempolicy, .mbind: return Syscalls.memoryPolicy(a).returnValue
        case .ioprioGet, .ioprioSet: return 0
        // rseq is optional for every libc: ENOSYS makes them fall back, and is not worth a log line.
        case .rseq: return Errno.ENOSYS.returnValue
        // Processes (Syscalls+Process.swift)
        case .fork: return Syscalls.fork(a).returnValue
        case .vfork: return Syscalls.vfork(a).returnValue
        case .execve: return Syscalls.execve(a).returnValue
        case .execveat: return Syscalls.execveat(a).returnValue
        case .wait4: return Syscalls.wait4(a).returnValue
        case .waitid: return Syscalls.waitid(a).returnValue
        case .kill: return Syscalls.kill(a).returnValue
        case .tgkill, .tkill: return Syscalls.tgkill(a).returnValue
        case .exit: return Syscalls.exit(a)
        case .exitGroup: return Syscalls.exitGroup(a)
        case .archPrctl: return Syscalls.archPrctl(a).returnValue
        case .setTidAddress: return Syscalls.setTidAddress(a).returnValue
        case .setRobustList: return Syscalls.setRobustList(a).returnValue
        case .getRobustList: return Syscalls.getRobustList(a).returnValue
        case .getpid: return Syscalls.getpid(a).returnValue
        case .gettid: return Syscalls.gettid(a).returnValue
        case .getppid: return Syscalls.getppid(a).returnValue
        case .getuid, .geteuid, .getgid, .getegid: return Syscalls.getuid(a).returnValue
        default:
            return unknown(a.number)
        }
    }

    nonisolated(unsafe) private static var reported = [UInt64](repeating: 0, count: 8)
    nonisolated(unsafe) private static var limitationsReported: UInt64 = 0

    /// Logs a limitation the first time an application runs into it.
    static func logOnce(_ limitation: Limitation, _ message: StaticString) {
        let bit: UInt64 = 1 << UInt64(limitation.rawValue)
        guard limitationsReported & bit == 0 else { return }
        limitationsReported |= bit
        log(String(message))
    }

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
