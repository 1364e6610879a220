#if SKIFF_KERNEL
import CKernel
import LinuxABI

/// Delivering signals on the way back to user mode, and `rt_sigreturn`.
///
/// A caught signal runs its handler on the thread that takes it — the interrupted thread
/// itself, never a helper thread as in OSv (#1278): the user context is saved in an
/// `rt_sigframe` on the user stack (or the alternate stack), the handler is entered with the
/// new mask, and `rt_sigreturn` restores the context exactly, FPU state included. Synchronous
/// faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) are delivered to the faulting thread at
/// the faulting instruction, so handlers can inspect `si_addr` and the registers, or longjmp.
enum SignalDelivery {
    /// The system call that is returning, for restart decisions.
    struct InterruptedCall {
        var number: Int
        var result: Int
    }

    /// EFLAGS bits `rt_sigreturn` takes from the saved context (the rest stay the kernel's).
    static let userFlags: UInt64 = 0x50DD5  // AC RF OF DF TF SF ZF AF PF CF
    static let FP_XSTATE_MAGIC1: UInt32 = 0x4650_5853
    static let FP_XSTATE_MAGIC2: UInt32 = 0x4650_5845

    /// Delivers what is pending for the calling thread on its way to user mode through
    /// `frame`: default actions run, caught signals get frames (nested when several are
    /// pending). A system call interrupted with a restart code is restarted or fails with
    /// EINTR as the handler's SA_RESTART says. Returns true when `frame` changed.
    static func deliverPending(_ frame: UnsafeMutablePointer<skiff_trap_frame>, call: InterruptedCall? = nil) -> Bool {
        let thread = Scheduler.current
        guard let process = thread.process else { return false }
        var call = call
        var changed = false
        if let saved = thread.savedSignalMask {
            // A call that completed (ppoll found a ready descriptor) puts its caller's mask back
            // before anything is delivered; an interrupted one delivers under the temporary
            // mask, and the frame saves the caller's.
            let interrupted = call.map { c in Errno(rawValue: -c.result).isRestart || c.result == Errno.EINTR.returnValue } ?? false
            if !interrupted {
                thread.signalMask = saved
                thread.savedSignalMask = nil
            }
        }
        var rounds = 0
        while rounds < 64, let info = Signals.dequeue(thread, allowed: ~thread.signalMask) {
            rounds += 1
            let signal = Signal(rawValue: Int(info.signal))
            let action = process.signalActions[signal.rawValue]
            if signal != .SIGKILL && (action.handler == Signals.SIG_IGN || (action.handler == Signals.SIG_DFL && Signals.defaultIgnores(signal))) {
                continue
            }
            if signal == .SIGKILL || action.handler == Signals.SIG_DFL {
                Signals.terminate(process, by: signal)
                return changed
            }
            if let c = call {
                resolveRestart(frame, call: c, handlerRestarts: action.flags & SignalConstants.SA_RESTART != 0)
                call = nil
            }
            guard runHandler(frame, info: info, action: action, thread: thread, process: process) else {
                Signals.terminate(process, by: .SIGSEGV)
                return true
            }
            changed = true
        }
        if let c = call, Errno(rawValue: -c.result).isRestart {
            // No handler ran: the call starts again, as if it had never been interrupted.
            frame.pointee.rip &-= 2
            frame.pointee.rax = UInt64(c.number)
            changed = true
        }
        if let saved = thread.savedSignalMask {
            thread.savedSignalMask = nil
            thread.signalMask = saved
        }
        return changed
    }

    /// Makes the interrupted system call run again when the thread returns to user mode.
    private static func restart(_ frame: UnsafeMutablePointer<skiff_trap_frame>, _ call: InterruptedCall) {
        frame.pointee.rip &-= 2  // back over the 2-byte SYSCALL instruction
        frame.pointee.rax = UInt64(call.number)
    }

    /// A handler is about to run for a system call that returned a restart code.
    private static func resolveRestart(_ frame: UnsafeMutablePointer<skiff_trap_frame>, call: InterruptedCall, handlerRestarts: Bool) {
        switch Errno(rawValue: -call.result) {
        case .ERESTARTNOINTR:
            restart(frame, call)
        case .ERESTARTSYS where handlerRestarts:
            restart(frame, call)
        case .ERESTARTSYS, .ERESTARTNOHAND:
            frame.pointee.rax = UInt64(bitPattern: Int64(Errno.EINTR.returnValue))
        default:
            break
        }
    }

    /// A synchronous fault of the application: its handler runs at once if it has one it does
    /// not block; otherwise the process dies of it (a blocked or ignored fault cannot be
    /// retried, as on Linux). Returns only when the handler frame is in place.
    static func deliverFault(_ frame: UnsafeMutablePointer<skiff_trap_frame>, info: SignalInfo, faultAddress: UInt64) -> Bool {
        guard let thread = Scheduler.currentThread, let process = thread.process else { return false }
        let signal = Signal(rawValue: Int(info.signal))
        let action = process.signalActions[signal.rawValue]
        guard action.handler != Signals.SIG_DFL, action.handler != Signals.SIG_IGN, thread.signalMask & SignalSet.bit(signal) == 0 else {
            return false
        }
        return runHandler(frame, info: info, action: action, thread: thread, process: process, faultAddress: faultAddress)
    }

    /// Builds the frame for `action`'s handler and points `frame` at it. False when the frame
    /// cannot be written (a bad or exhausted stack) or there is no restorer.
    private static func runHandler(
        _ frame: UnsafeMutablePointer<skiff_trap_frame>, info: SignalInfo, action: SignalAction, thread: Thread, process: Process,
        faultAddress: UInt64 = 0
    ) -> Bool {
        guard action.flags & SignalConstants.SA_RESTORER != 0 else { return false }
        let f = frame.pointee
        let alternate = action.flags & SignalConstants.SA_ONSTACK != 0 ? thread.alternateSignalStack : nil
        let place = SignalFrame.place(stackPointer: f.rsp, alternate: alternate, fpStateSize: FPUState.areaSize)
        let oldMask = thread.savedSignalMask ?? thread.signalMask

        var context = SignalContext()
        context.r8 = f.r8; context.r9 = f.r9; context.r10 = f.r10; context.r11 = f.r11
        context.r12 = f.r12; context.r13 = f.r13; context.r14 = f.r14; context.r15 = f.r15
        context.rdi = f.rdi; context.rsi = f.rsi; context.rbp = f.rbp; context.rbx = f.rbx
        context.rdx = f.rdx; context.rax = f.rax; context.rcx = f.rcx; context.rsp = f.rsp
        context.rip = f.rip; context.rflags = f.rflags
        context.cs = UInt16(truncatingIfNeeded: f.cs); context.ss = UInt16(truncatingIfNeeded: f.ss)
        if f.vector < 32 {
            context.trapNumber = f.vector
            context.errorCode = f.error_code
            context.faultAddress = faultAddress
        }
        context.mask = oldMask
        context.fpState = place.fpState

        // The FPU registers are the application's (the kernel never touches them).
        guard saveFPU(to: place.fpState) else { return false }
        var flags = SignalFrame.UC_SIGCONTEXT_SS | SignalFrame.UC_STRICT_RESTORE_SS
        if FPUState.xsaveMask != 0 { flags |= SignalFrame.UC_FP_XSTATE }
        var stack = thread.alternateSignalStack
        stack.flags = stack.reportedFlags(at: f.rsp)
        let bytes = SignalFrame.encode(restorer: action.restorer, flags: flags, stack: stack, context: context, info: info)
        guard UserMemory.copyOut(bytes, to: place.frame) == nil else { return false }

        if let alternate, alternate.flags & SignalConstants.SS_AUTODISARM != 0, !alternate.contains(f.rsp) {
            thread.alternateSignalStack = SignalStack()
        }
        var mask = thread.signalMask | action.mask
        if action.flags & SignalConstants.SA_NODEFER == 0 { mask |= SignalSet.bit(Signal(rawValue: Int(info.signal))) }
        thread.signalMask = mask & ~SignalConstants.unblockable
        thread.savedSignalMask = nil
        if action.flags & SignalConstants.SA_RESETHAND != 0 {
            process.signalActions[Int(info.signal)] = SignalAction()
        }

        frame.pointee.rip = action.handler
        frame.pointee.rsp = place.frame
        frame.pointee.rdi = UInt64(info.signal)
        frame.pointee.rsi = place.frame &+ UInt64(SignalFrame.infoOffset)
        frame.pointee.rdx = place.frame &+ UInt64(SignalFrame.ucontextOffset)
        frame.pointee.rax = 0
        frame.pointee.cs = UInt64(Selector.userCode)
        frame.pointee.ss = UInt64(Selector.userData)
        frame.pointee.rflags = (f.rflags & ~UInt64(0x10000 | 0x400 | 0x100)) | 0x202  // clear RF, DF, TF
        if let initial = FPUState.initial { FPUState.restore(from: initial) }
        thread.needsFullRestore = true
        return true
    }

    /// Saves the live FPU registers, in the XSAVE (or FXSAVE) layout with Linux's software
    /// bytes, at `address` in user memory.
    private static func saveFPU(to address: UInt64) -> Bool {
        let size = FPUState.areaSize
        let area = FPUState.allocateArea()
        defer { area.deallocate() }
        FPUState.save(into: area)
        if FPUState.xsaveMask != 0 {
            // fpx_sw_bytes in the FXSAVE area's software-available part.
            area.storeBytes(of: FP_XSTATE_MAGIC1, toByteOffset: 464, as: UInt32.self)
            area.storeBytes(of: UInt32(size + 4), toByteOffset: 468, as: UInt32.self)
            area.storeBytes(of: FPUState.xsaveMask, toByteOffset: 472, as: UInt64.self)
            area.storeBytes(of: UInt32(size), toByteOffset: 480, as: UInt32.self)
        }
        if UserMemory.copyOut(UnsafeRawPointer(area), to: address, length: size) != nil { return false }
        return FPUState.xsaveMask == 0 || UserMemory.store(FP_XSTATE_MAGIC2, at: address &+ UInt64(size)) == nil
    }

    // MARK: rt_sigreturn

    /// `rt_sigreturn`: restores the context saved when the handler was entered. The frame's
    /// `ucontext` is at the user %rsp (the handler's `ret` popped the restorer address). A
    /// frame that cannot be read is fatal (SIGSEGV), as on Linux.
    static func sigreturn(_ frame: UnsafeMutablePointer<skiff_trap_frame>) -> Int {
        let thread = Scheduler.current
        let ucontext = frame.pointee.rsp
        guard case .success(let bytes) = UserMemory.read(ucontext, count: SignalFrame.infoOffset - SignalFrame.ucontextOffset),
            let (c, stack) = SignalFrame.decode(ucontext: bytes),
            c.rip < 0x0000_8000_0000_0000,
            restoreFPU(from: c.fpState)
        else {
            Signals.terminate(Scheduler.currentProcess, by: .SIGSEGV)
            return Errno.EFAULT.returnValue
        }
        let f = frame
        f.pointee.r8 = c.r8; f.pointee.r9 = c.r9; f.pointee.r10 = c.r10; f.pointee.r11 = c.r11
        f.pointee.r12 = c.r12; f.pointee.r13 = c.r13; f.pointee.r14 = c.r14; f.pointee.r15 = c.r15
        f.pointee.rdi = c.rdi; f.pointee.rsi = c.rsi; f.pointee.rbp = c.rbp; f.pointee.rbx = c.rbx
        f.pointee.rdx = c.rdx; f.pointee.rax = c.rax; f.pointee.rcx = c.rcx; f.pointee.rsp = c.rsp
        f.pointee.rip = c.rip
        f.pointee.rflags = (f.pointee.rflags & ~userFlags) | (c.rflags & userFlags) | 0x202
        f.pointee.cs = UInt64(Selector.userCode)
        f.pointee.ss = UInt64(Selector.userData)
        thread.signalMask = c.mask & ~SignalConstants.unblockable
        // The alternate stack as it was (re-armed after SS_AUTODISARM); refused while on it.
        if !thread.alternateSignalStack.contains(c.rsp) || thread.alternateSignalStack.size == 0 {
            if stack.flags & SignalConstants.SS_DISABLE != 0 || stack.size < SignalConstants.MINSIGSTKSZ {
                thread.alternateSignalStack = SignalStack()
            } else {
                thread.alternateSignalStack = SignalStack(base: stack.base, flags: stack.flags & SignalConstants.SS_AUTODISARM, size: stack.size)
            }
        }
        thread.needsFullRestore = true
        return Int(Int64(bitPattern: c.rax))
    }

    /// Loads the FPU registers from a signal frame's save area, after checking everything
    /// XRSTOR/FXRSTOR would fault on; 0 resets them.
    private static func restoreFPU(from address: UInt64) -> Bool {
        guard address != 0 else {
            if let initial = FPUState.initial { FPUState.restore(from: initial) }
            return true
        }
        let size = FPUState.areaSize
        guard address & 63 == 0 else { return false }
        let area = FPUState.allocateArea()
        defer { area.deallocate() }
        guard UserMemory.copyIn(area, from: address, length: 512) == nil else { return false }
        let extended = area.load(fromByteOffset: 464, as: UInt32.self) == FP_XSTATE_MAGIC1
        if FPUState.xsaveMask != 0 {
            if extended {
                guard UserMemory.copyIn(area, from: address, length: size) == nil else { return false }
                let header = area + 512
                let present = header.load(as: UInt64.self)
                guard present & ~FPUState.xsaveMask == 0 else { return false }
                for i in 1..<8 where header.load(fromByteOffset: 8 * i, as: UInt64.self) != 0 { return false }
            } else {
                // A plain FXSAVE image: x87 and SSE state only.
                let header = area + 512
                header.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
                header.storeBytes(of: UInt64(3), as: UInt64.self)
            }
        }
        let mxcsr = area.load(fromByteOffset: 24, as: UInt32.self)
        guard mxcsr & ~FPUState.mxcsrMask == 0 else { return false }
        FPUState.restore(from: area)
        return true
    }
}
#endif
