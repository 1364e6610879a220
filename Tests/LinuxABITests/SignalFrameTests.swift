import Testing
@testable import LinuxABI

@Suite struct SignalFrameTests {
    @Test func frameIsPlacedBelowTheRedZoneWithAlignedFPUState() {
        let sp: UInt64 = 0x7FFF_F000_1234
        let (frame, fp) = SignalFrame.place(stackPointer: sp, alternate: nil, fpStateSize: 2696)
        #expect(fp % 64 == 0)
        #expect(fp + 2696 + 4 <= sp - SignalFrame.redZone)
        #expect(frame + UInt64(SignalFrame.size) <= fp)
        // As if the handler had been called: %rsp + 8 is 16-byte aligned.
        #expect((frame + 8) % 16 == 0)
    }

    @Test func alternateStackIsUsedUnlessAlreadyOnIt() {
        let alt = SignalStack(base: 0x1000_0000, flags: 0, size: 0x4000)
        let (frame, fp) = SignalFrame.place(stackPointer: 0x7000_0000, alternate: alt, fpStateSize: 512)
        #expect(frame > alt.base && fp + 512 + 4 <= alt.base + alt.size)
        // A nested signal while on the alternate stack continues below the current %rsp.
        let inner = SignalFrame.place(stackPointer: frame, alternate: alt, fpStateSize: 512)
        #expect(inner.frame < frame && inner.frame > alt.base)
        // A disabled alternate stack is ignored.
        let disabled = SignalStack(base: 0x1000_0000, flags: SignalConstants.SS_DISABLE, size: 0x4000)
        #expect(SignalFrame.place(stackPointer: 0x7000_0000, alternate: disabled, fpStateSize: 512).frame > 0x6000_0000)
    }

    @Test func contextRoundTripsThroughTheFrame() {
        var c = SignalContext()
        c.r8 = 8; c.r9 = 9; c.r10 = 10; c.r11 = 11; c.r12 = 12; c.r13 = 13; c.r14 = 14; c.r15 = 15
        c.rdi = 16; c.rsi = 17; c.rbp = 18; c.rbx = 19; c.rdx = 20; c.rax = 21; c.rcx = 22; c.rsp = 23
        c.rip = 0x401000; c.rflags = 0x246; c.cs = 0x33; c.ss = 0x2B
        c.errorCode = 4; c.trapNumber = 14; c.faultAddress = 0xdead; c.mask = 0x8000_0001; c.fpState = 0x7000
        let stack = SignalStack(base: 0x5000, flags: 1, size: 0x2000)
        let info = SignalInfo.fault(.SIGSEGV, code: SignalConstants.SEGV_MAPERR, address: 0xdead)
        let bytes = SignalFrame.encode(restorer: 0x400123, flags: 7, stack: stack, context: c, info: info)
        #expect(bytes.count == SignalFrame.size)
        let r = StructReader(bytes)
        #expect(r.get(UInt64.self, at: 0) == 0x400123)
        // glibc's ucontext_t: uc_mcontext.gregs at +40 of the ucontext, REG_RIP = 16, REG_ERR = 19, REG_CR2 = 22.
        #expect(r.get(UInt64.self, at: 8 + 40 + 16 * 8) == 0x401000)
        #expect(r.get(UInt64.self, at: 8 + 40 + 19 * 8) == 4)
        #expect(r.get(UInt64.self, at: 8 + 40 + 22 * 8) == 0xdead)
        #expect(r.get(Int32.self, at: SignalFrame.infoOffset) == 11)
        #expect(r.get(UInt64.self, at: SignalFrame.infoOffset + 16) == 0xdead)
        let decoded = SignalFrame.decode(ucontext: Array(bytes[SignalFrame.ucontextOffset..<SignalFrame.infoOffset]))
        #expect(decoded?.context == c)
        #expect(decoded?.stack == stack)
        #expect(SignalFrame.decode(ucontext: [0, 1, 2]) == nil)
    }

    @Test func synchronousSignalsAreDeliveredFirst() {
        let set = SignalSet.bit(.SIGUSR1) | SignalSet.bit(.SIGSEGV) | SignalSet.bit(.SIGHUP)
        #expect(SignalSet.next(in: set) == .SIGSEGV)
        #expect(SignalSet.next(in: SignalSet.bit(.SIGUSR1) | SignalSet.bit(.SIGHUP)) == .SIGHUP)
        #expect(SignalSet.next(in: 0) == nil)
        #expect(SignalSet.next(in: 1 << 63) == Signal(rawValue: 64))
    }

    @Test func signalInfoLayouts() {
        let child = SignalInfo.child(pid: 42, uid: 0, code: SignalConstants.CLD_EXITED, status: 3)
        let bytes = child.encoded()
        let r = StructReader(bytes)
        #expect(r.get(Int32.self, at: 0) == 17)
        #expect(r.get(Int32.self, at: 8) == 1)
        #expect(r.get(Int32.self, at: 16) == 42)
        #expect(r.get(Int32.self, at: 24) == 3)
        #expect(SignalInfo(decoding: bytes) == child)
        let timer = SignalInfo.timer(.SIGALRM, timerID: 5, overrun: 2, value: 99)
        let t = StructReader(timer.encoded())
        #expect(t.get(Int32.self, at: 8) == -2)
        #expect(t.get(Int32.self, at: 16) == 5)
        #expect(t.get(Int32.self, at: 20) == 2)
        #expect(t.get(UInt64.self, at: 24) == 99)
    }

    @Test func alternateStackFlags() {
        let s = SignalStack(base: 0x1000, flags: 0, size: 0x1000)
        #expect(s.reportedFlags(at: 0x1800) == SignalConstants.SS_ONSTACK)
        #expect(s.reportedFlags(at: 0x3000) == 0)
        #expect(SignalStack().reportedFlags(at: 0) == SignalConstants.SS_DISABLE)
        #expect(Errno.ERESTARTSYS.isRestart && !Errno.EINTR.isRestart)
    }
}
