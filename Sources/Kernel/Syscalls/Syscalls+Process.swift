#if SKIFF_KERNEL
import CKernel
import LinuxABI

extension Syscalls {
    /// exit_group(status): ends every thread of the process; its status is the VM's.
    static func exitGroup(_ a: SyscallArguments) -> Int {
        Kernel.applicationExited(status: Int32(truncatingIfNeeded: a.int(0) & 0xFF))
    }

    /// arch_prctl(code, addr)
    static func archPrctl(_ a: SyscallArguments) -> SyscallResult {
        let thread = Scheduler.current
        switch a.int(0) {
        case ProcessConstants.ARCH_SET_FS:
            guard a.a1 < UserMemory.limit else { return .failure(.EPERM) }
            thread.fsBase = a.a1
            x86_wrmsr(UInt32(MSR_FS_BASE), a.a1)
            return .success(0)
        case ProcessConstants.ARCH_GET_FS:
            if let e = UserMemory.store(thread.fsBase, at: a.a1) { return .failure(e) }
            return .success(0)
        case ProcessConstants.ARCH_SET_GS:
            guard a.a1 < UserMemory.limit else { return .failure(.EPERM) }
            thread.gsBase = a.a1
            x86_wrmsr(UInt32(MSR_KERNEL_GS_BASE), a.a1)  // the user GS while in the kernel
            return .success(0)
        case ProcessConstants.ARCH_GET_GS:
            if let e = UserMemory.store(thread.gsBase, at: a.a1) { return .failure(e) }
            return .success(0)
        case ProcessConstants.ARCH_GET_CPUID:
            return .success(1)
        default:
            return .failure(.EINVAL)
        }
    }

    /// set_tid_address(tidptr): returns the caller's thread ID.
    static func setTidAddress(_ a: SyscallArguments) -> SyscallResult {
        Scheduler.current.clearChildTID = a.a0
        return .success(Int(Scheduler.current.id))
    }

    /// set_robust_list(head, len)
    static func setRobustList(_ a: SyscallArguments) -> SyscallResult {
        guard a.a1 == 24 else { return .failure(.EINVAL) }
        Scheduler.current.robustList = a.a0
        return .success(0)
    }

    static func getpid(_ a: SyscallArguments) -> SyscallResult { .success(Int(Scheduler.currentProcess.id)) }
    static func gettid(_ a: SyscallArguments) -> SyscallResult { .success(Int(Scheduler.current.id)) }
    /// The application's parent is the kernel: Linux reports 0 for a process without one.
    static func getppid(_ a: SyscallArguments) -> SyscallResult { .success(0) }
    static func getuid(_ a: SyscallArguments) -> SyscallResult { .success(0) }
}
#endif
