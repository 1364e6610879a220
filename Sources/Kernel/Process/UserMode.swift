#if SKIFF_KERNEL
import CKernel

/// Entering ring 3.
enum UserMode {
    /// Starts `thread` at `entry` with `stackPointer`, on the thread's own kernel stack: a trap
    /// frame is built at the top of that stack and left through the trap return path (IRETQ).
    static func enter(_ thread: Thread, entry: UInt64, stackPointer: UInt64) -> Never {
        guard let stack = thread.kernelStack else { Panic.halt("thread without a kernel stack") }
        Scheduler.currentThread = thread
        PerCPU.setKernelStack(stack.top)
        x86_wrmsr(UInt32(MSR_FS_BASE), thread.fsBase)
        let frameAddress = stack.top - UInt64(MemoryLayout<skiff_trap_frame>.size)
        let frame = UnsafeMutablePointer<skiff_trap_frame>(bitPattern: UInt(frameAddress))!
        frame.initialize(to: skiff_trap_frame())
        frame.pointee.rip = entry
        frame.pointee.cs = UInt64(Selector.userCode)
        frame.pointee.rflags = 0x202  // IF
        frame.pointee.rsp = stackPointer
        frame.pointee.ss = UInt64(Selector.userData)
        skiff_return_to_frame(frame)
    }
}
#endif
