#if SKIFF_KERNEL
import CKernel
import LinuxABI
import VFS

/// What the system is and what the process may use: uname, random bytes, limits, usage,
/// prctl, and the identity calls of a single-user system (everything runs as root).
extension Syscalls {
    /// The kernel release applications see: a Linux version new enough for every libc, with
    /// Skiff's name so a curious program can tell.
    static let release = Array("6.1.0-skiff".utf8)

    /// uname(buf)
    static func uname(_ a: SyscallArguments) -> SyscallResult {
        let u = UTSName(
            sysname: Array("Linux".utf8), nodename: process.hostname, release: release,
            version: Array("#1 SMP PREEMPT Skiff ".utf8) + Array(String(Kernel.version).utf8),
            machine: Array("x86_64".utf8), domainname: Array("(none)".utf8))
        if let e = UserMemory.copyOut(u.encoded, to: a.a0) { return .failure(e) }
        return .success(0)
    }

    /// sethostname(name, len)
    static func sethostname(_ a: SyscallArguments) -> SyscallResult {
        let length = Int(truncatingIfNeeded: a.a1)
        guard length >= 0, length <= 64 else { return .failure(.EINVAL) }
        guard case .success(let name) = UserMemory.read(a.a0, count: length) else { return .failure(.EFAULT) }
        process.hostname = name
        return .success(0)
    }

    /// reboot(magic1, magic2, cmd, arg): the application's power button. Power-off and halt end
    /// the VM as an exit with status 0 does (file systems synced, trace dumped); a restart
    /// resets the machine, and the VMM decides whether it boots again (`skiff run` stops).
    static func reboot(_ a: SyscallArguments) -> SyscallResult {
        guard a.a0 & 0xFFFF_FFFF == ProcessConstants.LINUX_REBOOT_MAGIC1,
            ProcessConstants.LINUX_REBOOT_MAGIC2.contains(a.a1 & 0xFFFF_FFFF)
        else { return .failure(.EINVAL) }
        switch UInt32(truncatingIfNeeded: a.a2) {
        case ProcessConstants.LINUX_REBOOT_CMD_CAD_ON, ProcessConstants.LINUX_REBOOT_CMD_CAD_OFF:
            return .success(0)  // there is no Ctrl-Alt-Del to route
        case ProcessConstants.LINUX_REBOOT_CMD_POWER_OFF, ProcessConstants.LINUX_REBOOT_CMD_HALT:
            log("reboot: the application powered the machine off")
            Kernel.applicationExited(status: 0)
        case ProcessConstants.LINUX_REBOOT_CMD_RESTART, ProcessConstants.LINUX_REBOOT_CMD_RESTART2:
            log("reboot: the application restarts the machine")
            FileSystems.shutdown()
            PowerControl.reboot()
        default:
            return .failure(.EINVAL)
        }
    }

    /// getrandom(buf, count, flags)
    static func getrandom(_ a: SyscallArguments) -> SyscallResult {
        // GRND_NONBLOCK, GRND_RANDOM and GRND_INSECURE; the last two exclude each other.
        guard a.int(2) & ~7 == 0, a.int(2) & 6 != 6 else { return .failure(.EINVAL) }
        let count = Int(min(a.a1, 33_554_431))
        guard UserMemory.isValid(a.a0, count) else { return .failure(.EFAULT) }
        Entropy.reseedIfDue()
        var buffer = [UInt8](repeating: 0, count: min(count, 4096))
        var done = 0
        while done < count {
            let n = min(count - done, buffer.count)
            buffer.withUnsafeMutableBytes { Entropy.fill(UnsafeMutableRawBufferPointer(rebasing: $0[0..<n])) }
            if let e = buffer.withUnsafeBytes({ UserMemory.copyOut($0.baseAddress!, to: a.a0 + UInt64(done), length: n) }) {
                return done > 0 ? .success(done) : .failure(e)
            }
            done += n
        }
        return .success(done)
    }

    /// prlimit64(pid, resource, new, old); also getrlimit and setrlimit.
    static func prlimit(pid: Int, resource: Int, new: UInt64, old: UInt64) -> SyscallResult {
        guard pid == 0 || pid == Int(process.id) else { return .failure(.ESRCH) }
        guard resource >= 0, resource < ProcessConstants.RLIMIT_NLIMITS else { return .failure(.EINVAL) }
        let current = process.limits[resource]
        if new != 0 {
            guard case .success(let bytes) = UserMemory.read(new, count: 16) else { return .failure(.EFAULT) }
            let r = StructReader(bytes)
            let soft = r.get(UInt64.self, at: 0)
            let hard = r.get(UInt64.self, at: 8)
            guard soft <= hard else { return .failure(.EINVAL) }
            if resource == ProcessConstants.RLIMIT_NOFILE {
                guard hard <= UInt64(1 << 20) else { return .failure(.EPERM) }
                process.files.limit = Int(soft)
            }
            process.limits[resource] = (soft, hard)
        }
        if old != 0 {
            var w = StructWriter(size: 16)
            w.set(current.soft, at: 0)
            w.set(current.hard, at: 8)
            if let e = UserMemory.copyOut(w.bytes, to: old) { return .failure(e) }
        }
        return .success(0)
    }

    static func prlimit64(_ a: SyscallArguments) -> SyscallResult { prlimit(pid: a.int(0), resource: a.int(1), new: a.a2, old: a.a3) }
    static func getrlimit(_ a: SyscallArguments) -> SyscallResult { prlimit(pid: 0, resource: a.int(0), new: 0, old: a.a1) }
    static func setrlimit(_ a: SyscallArguments) -> SyscallResult { prlimit(pid: 0, resource: a.int(0), new: a.a1, old: 0) }

    /// sysinfo(info)
    static func sysinfo(_ a: SyscallArguments) -> SyscallResult {
        var w = StructWriter(size: 112)
        w.set(Int64(Clock.monotonic / 1_000_000_000), at: 0)
        let load = LoadAverage.fixedPoint
        w.set(load.0, at: 8)
        w.set(load.1, at: 16)
        w.set(load.2, at: 24)
        w.set(PhysicalMemory.totalBytes, at: 32)
        w.set(PhysicalMemory.freeBytes, at: 40)
        w.set(UInt64(0), at: 48)  // shared
        w.set(UInt64(0), at: 56)  // buffers
        w.set(UInt16(clamping: Scheduler.threadCount), at: 80)
        w.set(UInt32(1), at: 104)  // mem_unit
        if let e = UserMemory.copyOut(w.bytes, to: a.a0) { return .failure(e) }
        return .success(0)
    }

    /// getrusage(who, usage): CPU time is all user time (the kernel's share is not separated).
    /// (Kernel time is not told apart from user time: ru_stime is 0.)
    static func getrusage(_ a: SyscallArguments) -> SyscallResult {
        let usage: ResourceUsage
        switch a.int(0) {
        case 0: usage = process.usage()  // RUSAGE_SELF
        case 1:  // RUSAGE_THREAD: the thread's own times and counters, the process's peak
            var mine = Scheduler.current.usage
            mine.maxResidentKiB = process.usage().maxResidentKiB
            usage = mine
        case -1: usage = process.lock.withLock { process.reapedChildren }  // RUSAGE_CHILDREN
        default: return .failure(.EINVAL)
        }
        if let e = UserMemory.copyOut(usage.encoded, to: a.a1) { return .failure(e) }
        return .success(0)
    }

    /// times(buf): in clock ticks of 100 Hz; returns ticks since boot.
    static func times(_ a: SyscallArguments) -> SyscallResult {
        if a.a0 != 0 {
            let cpu = ResourceUsage.ticks(Time.now(clock: ProcessConstants.CLOCK_PROCESS_CPUTIME_ID) ?? 0)
            let children = process.lock.withLock { process.reapedChildren }
            var w = StructWriter(size: 32)
            w.set(Int64(cpu), at: 0)  // tms_utime
            w.set(Int64(ResourceUsage.ticks(children.userNanoseconds)), at: 16)  // tms_cutime
            if let e = UserMemory.copyOut(w.bytes, to: a.a0) { return .failure(e) }
        }
        return .success(Int(Clock.monotonic / 10_000_000))
    }

    /// prctl(option, arg2, …)
    static func prctl(_ a: SyscallArguments) -> SyscallResult {
        let t = Scheduler.current
        switch a.int(0) {
        case 15:  // PR_SET_NAME
            guard case .success(let name) = UserMemory.string(at: a.a1, maximum: 4096) else { return .failure(.EFAULT) }
            t.comm = Array(name.prefix(15))
            return .success(0)
        case 16:  // PR_GET_NAME
            var name = ProcProcessReports.commandName(process, thread: t)
            while name.count < 16 { name.append(0) }
            if let e = UserMemory.copyOut(name, to: a.a1) { return .failure(e) }
            return .success(0)
        case 1, 4, 29, 36, 38, 41, 0x5356_4D41:  // PDEATHSIG, SET_DUMPABLE, TIMERSLACK, SUBREAPER, NO_NEW_PRIVS, THP_DISABLE, SET_VMA
            return .success(0)
        case 2:  // PR_GET_PDEATHSIG
            if let e = UserMemory.store(Int32(0), at: a.a1) { return .failure(e) }
            return .success(0)
        case 3: return .success(1)  // PR_GET_DUMPABLE
        case 23: return .success(1)  // PR_CAPBSET_READ: root has every capability
        case 30: return .success(50_000)  // PR_GET_TIMERSLACK
        case 37:  // PR_GET_CHILD_SUBREAPER
            if let e = UserMemory.store(Int32(0), at: a.a1) { return .failure(e) }
            return .success(0)
        case 39: return .success(0)  // PR_GET_NO_NEW_PRIVS
        case 42: return .success(0)  // PR_GET_THP_DISABLE
        default: return .failure(.EINVAL)
        }
    }

    /// membarrier(cmd, flags, cpu): every other CPU executes a serializing interrupt before
    /// this returns.
    static func membarrier(_ a: SyscallArguments) -> SyscallResult {
        switch a.int(0) {
        case 0: return .success(1 | 8 | 16)  // QUERY: GLOBAL, PRIVATE_EXPEDITED and its registration
        case 1, 2, 8:
            TLB.barrier()
            return .success(0)
        case 16: return .success(0)  // REGISTER_PRIVATE_EXPEDITED
        default: return .failure(.EINVAL)
        }
    }

    // MARK: Identity: one process, one session, root.

    static func getpgid(_ a: SyscallArguments) -> SyscallResult {
        let pid = a.int(0)
        guard pid == 0 || pid == Int(process.id) else { return .failure(.ESRCH) }
        return .success(Int(process.id))
    }
    static func getpgrp(_ a: SyscallArguments) -> SyscallResult { .success(Int(process.id)) }
    static func setpgid(_ a: SyscallArguments) -> SyscallResult {
        let pid = a.int(0)
        guard pid == 0 || pid == Int(process.id) else { return .failure(.ESRCH) }
        return .success(0)
    }
    static func getsid(_ a: SyscallArguments) -> SyscallResult { getpgid(a) }
    /// The process already leads its session and group, so Linux's setsid says EPERM.
    static func setsid(_ a: SyscallArguments) -> SyscallResult { .failure(.EPERM) }
    static func getgroups(_ a: SyscallArguments) -> SyscallResult { .success(0) }
    static func setIdentity(_ a: SyscallArguments) -> SyscallResult { .success(0) }

    /// getresuid(ruid, euid, suid) and getresgid
    static func getresid(_ a: SyscallArguments) -> SyscallResult {
        for p in [a.a0, a.a1, a.a2] {
            if let e = UserMemory.store(UInt32(0), at: p) { return .failure(e) }
        }
        return .success(0)
    }

    /// personality(persona): Linux personality only; 0xffffffff queries.
    static func personality(_ a: SyscallArguments) -> SyscallResult {
        let p = UInt32(truncatingIfNeeded: a.a0)
        guard p == 0xFFFF_FFFF || p & 0xFF == 0 else { return .failure(.EINVAL) }
        return .success(0)
    }

    /// get_mempolicy/set_mempolicy/mbind: one memory node, default policy.
    static func memoryPolicy(_ a: SyscallArguments) -> SyscallResult {
        if a.number == SyscallNumber.getMempolicy.rawValue && a.a0 != 0 {
            if let e = UserMemory.store(Int32(0), at: a.a0) { return .failure(e) }
        }
        return .success(0)
    }
}

/// The run-queue length averages /proc/loadavg and sysinfo report (1, 5, 15 minutes).
enum LoadAverage {
    /// In sysinfo's fixed point (1 << 16 = 1.0); computed from the current runnable count.
    static var fixedPoint: (UInt64, UInt64, UInt64) {
        var runnable = 0
        for c in Scheduler.cpus { runnable += c.load }
        let v = UInt64(runnable) << 16
        return (v, v, v)
    }
}
#endif
