#if SKIFF_KERNEL
import CKernel
import LinuxABI

extension Syscalls {
    /// clone(flags, stack, parent_tid, child_tid, tls)
    ///
    /// Threads (`CLONE_VM | CLONE_THREAD | CLONE_SIGHAND`, what pthread_create passes) share the
    /// process; the child starts by returning 0 from this call on its new stack.
    static func clone(_ a: SyscallArguments) -> SyscallResult {
        let flags = Int(truncatingIfNeeded: a.a0)
        guard flags & ProcessConstants.CLONE_THREAD != 0 else {
            return createProcess(flags: flags, stack: a.a1, parentTID: a.a2, childTID: a.a3, tls: a.a4, frame: a.frame)
        }
        let required = ProcessConstants.CLONE_VM | ProcessConstants.CLONE_SIGHAND
        guard flags & required == required else { return .failure(.EINVAL) }
        return createThread(
            flags: flags, stack: a.a1, parentTID: a.a2, childTID: a.a3, tls: a.a4, parentFrame: a.frame)
    }

    static func createThread(
        flags: Int, stack: UInt64, parentTID: UInt64, childTID: UInt64, tls: UInt64,
        parentFrame: UnsafeMutablePointer<skiff_trap_frame>
    ) -> SyscallResult {
        let parent = Scheduler.current
        let process = Scheduler.currentProcess
        let child = Thread(id: Scheduler.allocateThreadID(), process: process, name: "thread")
        guard let kernelStack = KernelStack.allocate() else { return .failure(.ENOMEM) }
        child.kernelStack = kernelStack
        // The child starts with the parent's FPU registers, as on Linux.
        let fpu = FPUState.allocateArea()
        FPUState.save(into: fpu)
        child.fpu = fpu
        child.policy = parent.policy
        child.affinity = parent.affinity
        child.fsBase = flags & ProcessConstants.CLONE_SETTLS != 0 ? tls : parent.fsBase
        child.gsBase = parent.gsBase
        if flags & ProcessConstants.CLONE_CHILD_CLEARTID != 0 { child.clearChildTID = childTID }

        let frame = child.userFrame
        frame.pointee = parentFrame.pointee
        frame.pointee.rax = 0
        if stack != 0 { frame.pointee.rsp = stack }
        child.prepareInitialContext()

        if flags & ProcessConstants.CLONE_PARENT_SETTID != 0, let e = UserMemory.store(UInt32(bitPattern: child.id), at: parentTID) {
            kernelStack.release()
            return .failure(e)
        }
        if flags & ProcessConstants.CLONE_CHILD_SETTID != 0, let e = UserMemory.store(UInt32(bitPattern: child.id), at: childTID) {
            kernelStack.release()
            return .failure(e)
        }
        Scheduler.register(child)
        process.lock.withLock { process.threads.append(child) }
        child.cpu = Scheduler.placement(for: child)
        Scheduler.makeRunnable(child)
        return .success(Int(child.id))
    }

    /// clone3(args, size): returns ENOSYS so glibc falls back to clone, until it is needed.
    static func clone3(_ a: SyscallArguments) -> SyscallResult { .failure(.ENOSYS) }

    /// futex(uaddr, op, val, timeout/val2, uaddr2, val3)
    static func futex(_ a: SyscallArguments) -> SyscallResult {
        let op = a.int(1)
        let shared = op & ProcessConstants.FUTEX_PRIVATE_FLAG == 0
        let realtimeClock = op & ProcessConstants.FUTEX_CLOCK_REALTIME != 0
        let command = op & ~(ProcessConstants.FUTEX_PRIVATE_FLAG | ProcessConstants.FUTEX_CLOCK_REALTIME)
        let value = UInt32(truncatingIfNeeded: a.a2)
        switch command {
        case ProcessConstants.FUTEX_WAIT, ProcessConstants.FUTEX_WAIT_BITSET:
            let bitset = command == ProcessConstants.FUTEX_WAIT ? ProcessConstants.FUTEX_BITSET_MATCH_ANY : UInt32(truncatingIfNeeded: a.a5)
            var deadline: UInt64? = nil
            if a.a3 != 0 {
                guard case .success(let bytes) = UserMemory.read(a.a3, count: 16) else { return .failure(.EFAULT) }
                guard let ns = Timespec(decoding: bytes).totalNanoseconds else { return .failure(.EINVAL) }
                if command == ProcessConstants.FUTEX_WAIT {
                    deadline = Clock.monotonic &+ ns  // relative
                } else {
                    deadline = realtimeClock ? Time.monotonic(fromRealtime: ns) : ns  // absolute
                }
            }
            return Futex.wait(a.a0, expected: value, deadline: deadline, bitset: bitset, shared: shared)
        case ProcessConstants.FUTEX_WAKE, ProcessConstants.FUTEX_WAKE_BITSET:
            let bitset = command == ProcessConstants.FUTEX_WAKE ? ProcessConstants.FUTEX_BITSET_MATCH_ANY : UInt32(truncatingIfNeeded: a.a5)
            return Futex.wake(a.a0, count: Int(Int32(bitPattern: value)), bitset: bitset, shared: shared)
        case ProcessConstants.FUTEX_REQUEUE:
            return Futex.requeue(a.a0, wakeCount: Int(value), target: a.a4, requeueCount: Int(Int32(truncatingIfNeeded: a.a3)), expected: nil, shared: shared)
        case ProcessConstants.FUTEX_CMP_REQUEUE:
            return Futex.requeue(
                a.a0, wakeCount: Int(value), target: a.a4, requeueCount: Int(Int32(truncatingIfNeeded: a.a3)),
                expected: UInt32(truncatingIfNeeded: a.a5), shared: shared)
        case ProcessConstants.FUTEX_WAKE_OP:
            return futexWakeOp(a, shared: shared)
        case ProcessConstants.FUTEX_LOCK_PI, ProcessConstants.FUTEX_LOCK_PI2, ProcessConstants.FUTEX_TRYLOCK_PI:
            var deadline: UInt64? = nil
            if command != ProcessConstants.FUTEX_TRYLOCK_PI && a.a3 != 0 {
                guard case .success(let bytes) = UserMemory.read(a.a3, count: 16) else { return .failure(.EFAULT) }
                guard let ns = Timespec(decoding: bytes).totalNanoseconds else { return .failure(.EINVAL) }
                // Absolute: CLOCK_REALTIME for LOCK_PI, the flag's clock for LOCK_PI2.
                let realtime = command == ProcessConstants.FUTEX_LOCK_PI || realtimeClock
                deadline = realtime ? Time.monotonic(fromRealtime: ns) : ns
            }
            return Futex.lockPI(a.a0, deadline: deadline, tryOnly: command == ProcessConstants.FUTEX_TRYLOCK_PI, shared: shared)
        case ProcessConstants.FUTEX_UNLOCK_PI:
            return Futex.unlockPI(a.a0, shared: shared)
        default:
            return .failure(.ENOSYS)
        }
    }

    /// FUTEX_WAKE_OP: atomically modify *uaddr2, wake on uaddr, and conditionally on uaddr2.
    private static func futexWakeOp(_ a: SyscallArguments, shared: Bool) -> SyscallResult {
        let encoded = UInt32(truncatingIfNeeded: a.a5)
        let op = (encoded >> 28) & 0xF
        let cmp = (encoded >> 24) & 0xF
        var operand = (encoded >> 12) & 0xFFF
        let comparand = encoded & 0xFFF
        if op & 8 != 0 { operand = 1 << (operand & 31) }
        guard case .success(let old) = UserMemory.load(UInt32.self, at: a.a4) else { return .failure(.EFAULT) }
        let new: UInt32
        switch op & 7 {
        case 0: new = operand
        case 1: new = old &+ operand
        case 2: new = old | operand
        case 3: new = old & ~operand
        case 4: new = old ^ operand
        default: return .failure(.ENOSYS)
        }
        if let e = UserMemory.store(new, at: a.a4) { return .failure(e) }
        var woken = 0
        if case .success(let n) = Futex.wake(a.a0, count: Int(truncatingIfNeeded: a.a2), bitset: ProcessConstants.FUTEX_BITSET_MATCH_ANY, shared: shared) {
            woken += n
        }
        let o = Int32(bitPattern: old)
        let c = Int32(bitPattern: comparand)
        let hit: Bool
        switch cmp {
        case 0: hit = o == c
        case 1: hit = o != c
        case 2: hit = o < c
        case 3: hit = o <= c
        case 4: hit = o > c
        case 5: hit = o >= c
        default: return .failure(.ENOSYS)
        }
        if hit, case .success(let n) = Futex.wake(a.a4, count: Int(truncatingIfNeeded: a.a3), bitset: ProcessConstants.FUTEX_BITSET_MATCH_ANY, shared: shared) {
            woken += n
        }
        return .success(woken)
    }
}
#endif
