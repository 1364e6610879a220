#if SKIFF_KERNEL
import Boot
import CKernel
import LinuxABI

/// Synchronous faults of the application (SIGSEGV, SIGILL, SIGFPE, …).
///
/// Until signal handlers are delivered, the default action applies: the process is killed, the
/// kernel says why in one line, and the VM's exit status is 128 + the signal number, as a shell
/// reports a program killed by a signal.
enum UserFault {
    static func deliver(_ frame: UnsafeMutablePointer<skiff_trap_frame>, signal: Signal, address: UInt64) -> Never {
        // User mode always runs with interrupts on; ending the process sends IPIs and waits for
        // them, which needs them on here too.
        x86_sti()
        let f = frame.pointee
        let process = Scheduler.currentThread?.process
        // The application's own death is worth a line; a child's is its parent's business.
        if process?.id == 1 || Kernel.options.verbose {
            log(
            (process?.name ?? "the application") + " (pid \(process?.id ?? 0), thread \(Scheduler.currentThread?.id ?? 0))"
                + " killed by " + String(signal.name) + " ("
                + Traps.describe(vector: f.vector) + " at " + ProgramLoader.hex(address) + ", rip "
                + ProgramLoader.hex(f.rip) + ")")
        }
        ProcessLifecycle.exitGroup(waitStatus: Int32(signal.rawValue))
    }
}
#endif
