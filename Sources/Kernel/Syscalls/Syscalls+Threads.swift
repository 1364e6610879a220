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
        Result { () throws(Errno) -> Int in try futexOperation(a) }
    }

    private static func futexOperation(_ a: SyscallArguments) throws(Errno) -> Int {
        let op = a.int(1)
        let shared = op & ProcessConstants.FUTEX_PRIVATE_FLAG == 0
        let realtimeClock = op & ProcessConstants.FUTEX_CLOCK_REALTIME != 0
        let command = op & ~(ProcessConstants.FUTEX_PRIVATE_FLAG | ProcessConstants.FUTEX_CLOCK_REALTIME)
        let value = UInt32(truncatingIfNeeded: a.a2)
        let count2 = Int(Int32(truncatingIfNeeded: a.a3))  // val2 shares the timeout's argument
        let value3 = UInt32(truncatingIfNeeded: a.a5)
        /// The timeout argument as nanoseconds, or nil for none.
        func timeout() throws(Errno) -> UInt64? {
            guard a.a3 != 0, command != ProcessConstants.FUTEX_TRYLOCK_PI else { return nil }
            let bytes = try UserMemory.read(a.a3, count: 16).get()
            guard let ns = Timespec(decoding: bytes).totalNanoseconds else { throw .EINVAL }
            return ns
        }
        switch command {
        case ProcessConstants.FUTEX_WAIT:
            let deadline = try timeout().map { Clock.monotonic &+ $0 }  // relative
            return try Futex.wait(a.a0, expected: value, deadline: deadline, bitset: ProcessConstants.FUTEX_BITSET_MATCH_ANY, shared: shared)
        case ProcessConstants.FUTEX_WAIT_BITSET:
            let deadline = try timeout().map { realtimeClock ? Time.monotonic(fromRealtime: $0) : $0 }  // absolute
            return try Futex.wait(a.a0, expected: value, deadline: deadline, bitset: value3, shared: shared)
        case ProcessConstants.FUTEX_WAKE:
            return try Futex.wake(a.a0, count: Int(Int32(bitPattern: value)), shared: shared)
        case ProcessConstants.FUTEX_WAKE_BITSET:
            return try Futex.wake(a.a0, count: Int(Int32(bitPattern: value)), bitset: value3, shared: shared)
        case ProcessConstants.FUTEX_REQUEUE, ProcessConstants.FUTEX_CMP_REQUEUE:
            let expected = command == ProcessConstants.FUTEX_CMP_REQUEUE ? value3 : nil
            return try Futex.requeue(a.a0, wakeCount: Int(value), target: a.a4, requeueCount: count2, expected: expected, shared: shared)
        case ProcessConstants.FUTEX_WAKE_OP:
            guard let operation = FutexWakeOperation(encoded: value3) else { throw .ENOSYS }
            return try Futex.wakeOp(
                a.a0, count: Int(Int32(bitPattern: value)), second: a.a4, secondCount: count2, operation: operation, shared: shared)
        case ProcessConstants.FUTEX_LOCK_PI, ProcessConstants.FUTEX_LOCK_PI2, ProcessConstants.FUTEX_TRYLOCK_PI:
            // Absolute: CLOCK_REALTIME for LOCK_PI, the flag's clock for LOCK_PI2.
            let realtime = command == ProcessConstants.FUTEX_LOCK_PI || realtimeClock
            let deadline = try timeout().map { realtime ? Time.monotonic(fromRealtime: $0) : $0 }
            return try Futex.lockPI(a.a0, deadline: deadline, tryOnly: command == ProcessConstants.FUTEX_TRYLOCK_PI, shared: shared)
        case ProcessConstants.FUTEX_UNLOCK_PI:
            return try Futex.unlockPI(a.a0, shared: shared)
        default:
            // FUTEX_FD (gone from Linux too) and the requeue-PI pair, which glibc's condition
            // variables stopped using in 2.25.
            SyscallTable.logOnce(.futexOperation, "futex: FUTEX_FD and the requeue-PI operations are not supported; returning ENOSYS")
            throw .ENOSYS
        }
    }
}
#endif
