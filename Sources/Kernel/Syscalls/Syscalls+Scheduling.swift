#if SKIFF_KERNEL
import LinuxABI
import Scheduling

extension Syscalls {
    /// The thread a scheduling call names: 0 is the caller, otherwise a thread ID of the process.
    static func thread(_ id: Int) -> Thread? {
        if id == 0 { return Scheduler.current }
        let process = Scheduler.currentProcess
        return process.lock.withLock { process.threads.first { Int($0.id) == id } }
    }

    /// sched_yield()
    static func schedYield(_ a: SyscallArguments) -> SyscallResult {
        Scheduler.yield()
        return .success(0)
    }

    /// getcpu(cpu, node, cache)
    static func getcpu(_ a: SyscallArguments) -> SyscallResult {
        let cpu = UInt32(Scheduler.current.cpu)
        if a.a0 != 0, let e = UserMemory.store(cpu, at: a.a0) { return .failure(e) }
        if a.a1 != 0, let e = UserMemory.store(UInt32(0), at: a.a1) { return .failure(e) }
        return .success(0)
    }

    /// sched_getaffinity(pid, size, mask): returns the bytes written.
    static func schedGetaffinity(_ a: SyscallArguments) -> SyscallResult {
        guard let t = thread(a.int(0)) else { return .failure(.ESRCH) }
        let cpuCount = Scheduler.cpus.count
        let words = (cpuCount + 63) / 64
        let size = Int(truncatingIfNeeded: a.a1)
        guard size >= words * 8, size & 7 == 0 else { return .failure(.EINVAL) }
        var mask = [UInt8](repeating: 0, count: words * 8)
        for cpu in 0..<cpuCount where t.allows(cpu: cpu) && Scheduler.cpus[cpu].online {
            mask[cpu / 8] |= 1 << UInt8(cpu % 8)
        }
        if let e = UserMemory.copyOut(mask, to: a.a2) { return .failure(e) }
        return .success(mask.count)
    }

    /// sched_setaffinity(pid, size, mask)
    static func schedSetaffinity(_ a: SyscallArguments) -> SyscallResult {
        guard let t = thread(a.int(0)) else { return .failure(.ESRCH) }
        let size = min(Int(truncatingIfNeeded: a.a1), 1024)
        guard size > 0 else { return .failure(.EINVAL) }
        guard case .success(let bytes) = UserMemory.read(a.a2, count: size) else { return .failure(.EFAULT) }
        var words = [UInt64](repeating: 0, count: (Scheduler.cpus.count + 63) / 64)
        var any = false
        for cpu in 0..<Scheduler.cpus.count where cpu / 8 < bytes.count && bytes[cpu / 8] & (1 << UInt8(cpu % 8)) != 0 {
            words[cpu / 64] |= 1 << UInt64(cpu % 64)
            any = true
        }
        guard any else { return .failure(.EINVAL) }
        t.affinity = words
        if t === Scheduler.current {
            if !t.allows(cpu: t.cpu) { Scheduler.migrateCurrent() }
        } else {
            Scheduler.enforceAffinity(of: t)
        }
        return .success(0)
    }

    /// sched_setscheduler(pid, policy, param)
    static func schedSetscheduler(_ a: SyscallArguments) -> SyscallResult {
        guard let t = thread(a.int(0)) else { return .failure(.ESRCH) }
        guard case .success(let priority) = UserMemory.load(Int32.self, at: a.a2) else { return .failure(.EFAULT) }
        guard let policy = SchedulingPolicy(linuxPolicy: a.int(1), priority: Int(priority), nice: t.policy.nice) else {
            return .failure(.EINVAL)
        }
        Scheduler.setPolicy(t, policy)
        return .success(0)
    }

    /// sched_getscheduler(pid)
    static func schedGetscheduler(_ a: SyscallArguments) -> SyscallResult {
        guard let t = thread(a.int(0)) else { return .failure(.ESRCH) }
        return .success(t.policy.linuxValue)
    }

    /// sched_setparam(pid, param)
    static func schedSetparam(_ a: SyscallArguments) -> SyscallResult {
        guard let t = thread(a.int(0)) else { return .failure(.ESRCH) }
        guard case .success(let priority) = UserMemory.load(Int32.self, at: a.a1) else { return .failure(.EFAULT) }
        guard let policy = SchedulingPolicy(linuxPolicy: t.policy.linuxValue, priority: Int(priority), nice: t.policy.nice) else {
            return .failure(.EINVAL)
        }
        Scheduler.setPolicy(t, policy)
        return .success(0)
    }

    /// sched_getparam(pid, param)
    static func schedGetparam(_ a: SyscallArguments) -> SyscallResult {
        guard let t = thread(a.int(0)) else { return .failure(.ESRCH) }
        if let e = UserMemory.store(Int32(t.policy.realTimePriority ?? 0), at: a.a1) { return .failure(e) }
        return .success(0)
    }

    /// sched_get_priority_max(policy) / sched_get_priority_min(policy)
    static func schedGetPriorityMax(_ a: SyscallArguments) -> SyscallResult {
        switch a.int(0) {
        case 1, 2: return .success(99)
        case 0, 3, 5: return .success(0)
        default: return .failure(.EINVAL)
        }
    }

    static func schedGetPriorityMin(_ a: SyscallArguments) -> SyscallResult {
        switch a.int(0) {
        case 1, 2: return .success(1)
        case 0, 3, 5: return .success(0)
        default: return .failure(.EINVAL)
        }
    }

    /// sched_rr_get_interval(pid, ts)
    static func schedRrGetInterval(_ a: SyscallArguments) -> SyscallResult {
        guard thread(a.int(0)) != nil else { return .failure(.ESRCH) }
        if let e = UserMemory.copyOut(Timespec(totalNanoseconds: RunQueue.roundRobinSlice).encoded, to: a.a1) { return .failure(e) }
        return .success(0)
    }

    /// getpriority(which, who): the kernel ABI returns 20 - nice.
    static func getpriority(_ a: SyscallArguments) -> SyscallResult {
        guard a.int(0) == 0 else { return .success(20) }  // PRIO_PROCESS only; groups and users: nice 0
        guard let t = thread(a.int(1)) else { return .failure(.ESRCH) }
        return .success(20 - t.policy.nice)
    }

    /// setpriority(which, who, nice)
    static func setpriority(_ a: SyscallArguments) -> SyscallResult {
        guard a.int(0) == 0 else { return .success(0) }
        guard let t = thread(a.int(1)) else { return .failure(.ESRCH) }
        let nice = max(-20, min(19, a.int(2)))
        switch t.policy {
        case .normal: Scheduler.setPolicy(t, .normal(nice: nice))
        case .batch: Scheduler.setPolicy(t, .batch(nice: nice))
        default: break
        }
        return .success(0)
    }
}
#endif
