/// The registers a signal handler's `ucontext_t` holds (`struct sigcontext`, in its order), as
/// the kernel saves them on delivery and restores them in `rt_sigreturn`.
public struct SignalContext: Equatable, Sendable {
    public var r8: UInt64 = 0, r9: UInt64 = 0, r10: UInt64 = 0, r11: UInt64 = 0
    public var r12: UInt64 = 0, r13: UInt64 = 0, r14: UInt64 = 0, r15: UInt64 = 0
    public var rdi: UInt64 = 0, rsi: UInt64 = 0, rbp: UInt64 = 0, rbx: UInt64 = 0
    public var rdx: UInt64 = 0, rax: UInt64 = 0, rcx: UInt64 = 0, rsp: UInt64 = 0
    public var rip: UInt64 = 0, rflags: UInt64 = 0
    public var cs: UInt16 = 0, ss: UInt16 = 0
    /// The exception's error code, vector and faulting address (CR2) for synchronous faults.
    public var errorCode: UInt64 = 0, trapNumber: UInt64 = 0, faultAddress: UInt64 = 0
    /// The old signal mask, as the handler sees it (also in `uc_sigmask`).
    public var mask: UInt64 = 0
    /// Where the FPU/SSE/AVX registers were saved; 0 means "reset them".
    public var fpState: UInt64 = 0

    public init() {}
}

/// `stack_t`: an alternate signal stack (`sigaltstack`).
public struct SignalStack: Equatable, Sendable {
    public var base: UInt64 = 0
    public var flags: Int32 = SignalConstants.SS_DISABLE
    public var size: UInt64 = 0

    public init(base: UInt64 = 0, flags: Int32 = SignalConstants.SS_DISABLE, size: UInt64 = 0) {
        self.base = base
        self.flags = flags
        self.size = size
    }

    public static let encodedSize = 24

    /// Whether `stackPointer` lies on this stack (the handler is running on it).
    public func contains(_ stackPointer: UInt64) -> Bool {
        size != 0 && stackPointer > base && stackPointer &- base <= size
    }

    /// The flags `sigaltstack` reports for a thread whose stack pointer is `stackPointer`.
    public func reportedFlags(at stackPointer: UInt64) -> Int32 {
        if size == 0 || flags & SignalConstants.SS_DISABLE != 0 { return SignalConstants.SS_DISABLE }
        return (contains(stackPointer) ? SignalConstants.SS_ONSTACK : 0) | (flags & SignalConstants.SS_AUTODISARM)
    }

    public func encoded(at stackPointer: UInt64) -> [UInt8] {
        var w = StructWriter(size: Self.encodedSize)
        w.set(base, at: 0)
        w.set(reportedFlags(at: stackPointer), at: 8)
        w.set(size, at: 16)
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) {
        let r = StructReader(bytes)
        base = r.get(UInt64.self, at: 0)
        flags = r.get(Int32.self, at: 8)
        size = r.get(UInt64.self, at: 16)
    }
}

/// The x86_64 `struct rt_sigframe` the kernel pushes on the user stack to run a handler:
///
///     +0    pretcode   the restorer (`sa_restorer`), which calls rt_sigreturn when the handler returns
///     +8    ucontext   flags, link, stack_t, sigcontext (256 bytes), sigmask
///     +312  siginfo    128 bytes
///
/// with the FPU state (XSAVE or FXSAVE layout, 64-byte aligned) above it. The handler starts
/// with %rsp at the frame (so %rsp+8 is 16-byte aligned, as after a call), %rdi = signal,
/// %rsi = &siginfo, %rdx = &ucontext.
public enum SignalFrame {
    public static let ucontextOffset = 8
    public static let stackOffset = 24
    public static let contextOffset = 48
    public static let maskOffset = 304
    public static let infoOffset = 312
    public static let size = 440
    /// Below the interrupted stack pointer: the System V red zone, which leaf functions use
    /// without moving %rsp.
    public static let redZone: UInt64 = 128

    /// `uc_flags`: FP state in XSAVE layout; `ss` saved and restored strictly.
    public static let UC_FP_XSTATE: UInt64 = 1
    public static let UC_SIGCONTEXT_SS: UInt64 = 2
    public static let UC_STRICT_RESTORE_SS: UInt64 = 4

    /// Where the frame and the FPU state go for a thread at `stackPointer`, on `alternate` when
    /// the action asks for it and the thread is not already on it.
    public static func place(
        stackPointer: UInt64, alternate: SignalStack?, fpStateSize: Int
    ) -> (frame: UInt64, fpState: UInt64) {
        var sp = stackPointer &- redZone
        if let alternate, alternate.flags & SignalConstants.SS_DISABLE == 0, alternate.size != 0,
            !alternate.contains(stackPointer)
        {
            sp = alternate.base &+ alternate.size
        }
        sp = (sp &- UInt64(fpStateSize) &- 4) & ~63
        let fpState = sp
        sp = ((sp &- UInt64(size)) & ~15) &- 8
        return (sp, fpState)
    }

    /// The frame's bytes: restorer, ucontext (with `stack` and `context`) and `info`.
    public static func encode(
        restorer: UInt64, flags: UInt64, stack: SignalStack, context c: SignalContext, info: SignalInfo
    ) -> [UInt8] {
        var w = StructWriter(size: size)
        w.set(restorer, at: 0)
        w.set(flags, at: ucontextOffset)
        w.set(stack.base, at: stackOffset)
        w.set(stack.flags, at: stackOffset + 8)
        w.set(stack.size, at: stackOffset + 16)
        let registers = [c.r8, c.r9, c.r10, c.r11, c.r12, c.r13, c.r14, c.r15, c.rdi, c.rsi, c.rbp, c.rbx, c.rdx, c.rax, c.rcx, c.rsp, c.rip, c.rflags]
        for (i, r) in registers.enumerated() { w.set(r, at: contextOffset + 8 * i) }
        w.set(c.cs, at: contextOffset + 144)
        w.set(c.ss, at: contextOffset + 150)
        w.set(c.errorCode, at: contextOffset + 152)
        w.set(c.trapNumber, at: contextOffset + 160)
        w.set(c.mask, at: contextOffset + 168)
        w.set(c.faultAddress, at: contextOffset + 176)
        w.set(c.fpState, at: contextOffset + 184)
        w.set(c.mask, at: maskOffset)
        var bytes = w.bytes
        let encodedInfo = info.encoded()
        for i in 0..<SignalInfo.size { bytes[infoOffset + i] = encodedInfo[i] }
        return bytes
    }

    /// Reads back what `rt_sigreturn` restores from the `ucontext` part of a frame (the bytes
    /// from `ucontextOffset` to `infoOffset`): registers, the signal mask (from `uc_sigmask`)
    /// and the alternate stack.
    public static func decode(ucontext bytes: [UInt8]) -> (context: SignalContext, stack: SignalStack)? {
        let base = ucontextOffset
        guard bytes.count >= infoOffset - base else { return nil }
        let r = StructReader(bytes)
        func register(_ i: Int) -> UInt64 { r.get(UInt64.self, at: contextOffset - base + 8 * i) }
        var c = SignalContext()
        c.r8 = register(0); c.r9 = register(1); c.r10 = register(2); c.r11 = register(3)
        c.r12 = register(4); c.r13 = register(5); c.r14 = register(6); c.r15 = register(7)
        c.rdi = register(8); c.rsi = register(9); c.rbp = register(10); c.rbx = register(11)
        c.rdx = register(12); c.rax = register(13); c.rcx = register(14); c.rsp = register(15)
        c.rip = register(16); c.rflags = register(17)
        c.cs = r.get(UInt16.self, at: contextOffset - base + 144)
        c.ss = r.get(UInt16.self, at: contextOffset - base + 150)
        c.errorCode = register(19)
        c.trapNumber = register(20)
        c.faultAddress = register(22)
        c.fpState = register(23)
        c.mask = r.get(UInt64.self, at: maskOffset - base)
        let stack = SignalStack(
            base: r.get(UInt64.self, at: stackOffset - base), flags: r.get(Int32.self, at: stackOffset - base + 8),
            size: r.get(UInt64.self, at: stackOffset - base + 16))
        return (c, stack)
    }
}
