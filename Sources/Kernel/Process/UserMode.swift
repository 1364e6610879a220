#if SKIFF_KERNEL
import CKernel

/// Entering ring 3.
enum UserMode {
    /// Prepares `thread` to start in user mode at `entry` with `stackPointer` the first time it
    /// is scheduled: a trap frame at the top of its kernel stack, left through the trap return
    /// path (IRETQ) by `skiff_thread_start`.
    static func prepare(_ thread: Thread, entry: UInt64, stackPointer: UInt64) {
        let frame = thread.userFrame
        frame.initialize(to: skiff_trap_frame())
        frame.pointee.rip = entry
        frame.pointee.cs = UInt64(Selector.userCode)
        frame.pointee.rflags = 0x202  // IF
        frame.pointee.rsp = stackPointer
        frame.pointee.ss = UInt64(Selector.userData)
        thread.prepareInitialContext()
    }
}
#endif
