#if SKIFF_KERNEL
import CKernel
import LinuxABI

/// Synchronous faults of the application (SIGSEGV, SIGILL, SIGFPE, …).
///
/// Until signal handlers are delivered, the default action applies: the process is killed, the
/// kernel says why in one line, and the VM's exit status is 128 + the signal number, as a shell
/// reports a program killed by a signal.
enum UserFault {
    static func deliver(_ frame: UnsafeMutablePointer<skiff_trap_frame>, signal: Signal, address: UInt64) -> Never {
        let f = frame.pointee
        let process = Scheduler.currentThread?.process
        log(
            (process?.name ?? "the application") + " killed by " + String(signal.name) + " ("
                + Traps.describe(vector: f.vector) + " at " + ProgramLoader.hex(address) + ", rip "
                + ProgramLoader.hex(f.rip) + ")")
        Kernel.applicationExited(status: 128 + Int32(signal.rawValue))
    }
}
#endif
