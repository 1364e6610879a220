#if SKIFF_KERNEL
import CKernel

/// A schedulable thread: an application thread (with a user context) or a kernel thread.
final class Thread {
    let id: Int32
    let process: Process
    var kernelStack: KernelStack?
    /// FS base (the TLS pointer) set by `arch_prctl(ARCH_SET_FS)` or `clone(CLONE_SETTLS)`.
    var fsBase: UInt64 = 0
    var gsBase: UInt64 = 0
    /// `set_tid_address`: cleared and futex-woken when the thread exits.
    var clearChildTID: UInt64 = 0
    var robustList: UInt64 = 0
    /// The system call changed the user context in a way only IRETQ restores.
    var needsFullRestore = false

    init(id: Int32, process: Process) {
        self.id = id
        self.process = process
    }
}
#endif
