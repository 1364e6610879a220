/// Constants of `sigaction`, `sigaltstack`, `siginfo_t` and `sigprocmask` (x86_64).
public enum SignalConstants {
    // sigaction flags
    public static let SA_NOCLDSTOP: UInt64 = 0x1
    public static let SA_NOCLDWAIT: UInt64 = 0x2
    public static let SA_SIGINFO: UInt64 = 0x4
    public static let SA_RESTORER: UInt64 = 0x0400_0000
    public static let SA_ONSTACK: UInt64 = 0x0800_0000
    public static let SA_RESTART: UInt64 = 0x1000_0000
    public static let SA_NODEFER: UInt64 = 0x4000_0000
    public static let SA_RESETHAND: UInt64 = 0x8000_0000

    // sigprocmask how
    public static let SIG_BLOCK = 0
    public static let SIG_UNBLOCK = 1
    public static let SIG_SETMASK = 2

    // sigaltstack
    public static let SS_ONSTACK: Int32 = 1
    public static let SS_DISABLE: Int32 = 2
    public static let SS_AUTODISARM: Int32 = Int32(bitPattern: 0x8000_0000)
    public static let MINSIGSTKSZ: UInt64 = 2048

    // si_code values
    public static let SI_USER: Int32 = 0
    public static let SI_KERNEL: Int32 = 0x80
    public static let SI_QUEUE: Int32 = -1
    public static let SI_TIMER: Int32 = -2
    public static let SI_TKILL: Int32 = -6
    public static let SEGV_MAPERR: Int32 = 1
    public static let SEGV_ACCERR: Int32 = 2
    public static let BUS_ADRALN: Int32 = 1
    public static let BUS_ADRERR: Int32 = 2
    public static let ILL_ILLOPN: Int32 = 2
    public static let FPE_INTDIV: Int32 = 1
    public static let TRAP_BRKPT: Int32 = 1
    public static let CLD_EXITED: Int32 = 1
    public static let CLD_KILLED: Int32 = 2
    public static let CLD_DUMPED: Int32 = 3

    // sigevent notify
    public static let SIGEV_SIGNAL = 0
    public static let SIGEV_NONE = 1
    public static let SIGEV_THREAD = 2
    public static let SIGEV_THREAD_ID = 4

    /// SIGKILL and SIGSTOP can be neither blocked, caught nor ignored.
    public static let unblockable: UInt64 = SignalSet.bit(.SIGKILL) | SignalSet.bit(.SIGSTOP)
}

/// Helpers for the 64-bit signal masks the kernel ABI uses (bit n-1 for signal n).
public enum SignalSet {
    @inline(__always)
    public static func bit(_ signal: Signal) -> UInt64 { 1 << UInt64(signal.rawValue - 1) }

    /// The lowest-numbered signal in `set`, synchronous faults first as Linux delivers them.
    public static func next(in set: UInt64) -> Signal? {
        guard set != 0 else { return nil }
        let synchronous = set & (bit(.SIGSEGV) | bit(.SIGBUS) | bit(.SIGILL) | bit(.SIGTRAP) | bit(.SIGFPE) | bit(.SIGSYS))
        let pick = synchronous != 0 ? synchronous : set
        return Signal(rawValue: pick.trailingZeroBitCount + 1)
    }
}
