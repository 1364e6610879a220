#if SKIFF_KERNEL
import Trace
import CKernel
import LinuxABI

/// Called by `skiff_syscall_entry` (Arch/syscall_entry.S) with interrupts enabled on the
/// thread's kernel stack. Returns 1 when the user context must be restored with IRETQ because
/// SYSRET cannot (it clobbers %rcx and %r11, and faults in kernel mode on a non-canonical RIP).
@_cdecl("skiff_syscall")
public func skiff_syscall(_ frame: UnsafeMutablePointer<skiff_trap_frame>) -> Int32 {
    let arguments = SyscallArguments(frame: frame)
    let number = arguments.number  // %rax is overwritten with the result below
    skiff_percpu_count_syscall()
    // One byte load and a branch when system calls are not traced.
    let traced = skiff_trace_syscall_flags(UInt64(bitPattern: Int64(number)))
    if traced & 1 != 0 { Tracing.syscallEntry(arguments) }
    let result = SyscallTable.dispatch(arguments)
    if traced & 2 != 0 { Tracing.syscallExit(number, result) }
    ProcessLifecycle.leaveIfRequested()
    if Reclaim.hasWork { Reclaim.drain() }
    frame.pointee.rax = UInt64(bitPattern: Int64(result))
    let cpu = Scheduler.thisCPU
    if cpu.needsReschedule && cpu.preemptionDisabled == 0 { Scheduler.schedule() }
    let thread = Scheduler.current
    if Signals.deliverableForCurrent(thread) || Errno(rawValue: -result).isRestart {
        // rt_sigreturn's result is the restored %rax, never a restart code.
        let call =
            number == SyscallNumber.rtSigreturn.rawValue ? nil : SignalDelivery.InterruptedCall(number: number, result: result)
        _ = SignalDelivery.deliverPending(frame, call: call)
    }
    let rip = frame.pointee.rip
    let canonical = rip < 0x0000_8000_0000_0000
    if !canonical || Scheduler.current.needsFullRestore {
        Scheduler.current.needsFullRestore = false
        return 1
    }
    return 0
}
#endif
