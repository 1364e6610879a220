/// Linux signal numbers (x86_64).
public struct Signal: RawRepresentable, Equatable, Hashable, Sendable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let SIGHUP = Signal(rawValue: 1)
    public static let SIGINT = Signal(rawValue: 2)
    public static let SIGQUIT = Signal(rawValue: 3)
    public static let SIGILL = Signal(rawValue: 4)
    public static let SIGTRAP = Signal(rawValue: 5)
    public static let SIGABRT = Signal(rawValue: 6)
    public static let SIGBUS = Signal(rawValue: 7)
    public static let SIGFPE = Signal(rawValue: 8)
    public static let SIGKILL = Signal(rawValue: 9)
    public static let SIGUSR1 = Signal(rawValue: 10)
    public static let SIGSEGV = Signal(rawValue: 11)
    public static let SIGUSR2 = Signal(rawValue: 12)
    public static let SIGPIPE = Signal(rawValue: 13)
    public static let SIGALRM = Signal(rawValue: 14)
    public static let SIGTERM = Signal(rawValue: 15)
    public static let SIGSTKFLT = Signal(rawValue: 16)
    public static let SIGCHLD = Signal(rawValue: 17)
    public static let SIGCONT = Signal(rawValue: 18)
    public static let SIGSTOP = Signal(rawValue: 19)
    public static let SIGTSTP = Signal(rawValue: 20)
    public static let SIGTTIN = Signal(rawValue: 21)
    public static let SIGTTOU = Signal(rawValue: 22)
    public static let SIGURG = Signal(rawValue: 23)
    public static let SIGXCPU = Signal(rawValue: 24)
    public static let SIGXFSZ = Signal(rawValue: 25)
    public static let SIGVTALRM = Signal(rawValue: 26)
    public static let SIGPROF = Signal(rawValue: 27)
    public static let SIGWINCH = Signal(rawValue: 28)
    public static let SIGIO = Signal(rawValue: 29)
    public static let SIGPWR = Signal(rawValue: 30)
    public static let SIGSYS = Signal(rawValue: 31)
    /// Real-time signals run from 32 to 64 (glibc reserves the first two or three).
    public static let realtimeMinimum = 32
    public static let count = 64

    public var name: StaticString {
        switch rawValue {
        case 1: "SIGHUP"
        case 2: "SIGINT"
        case 3: "SIGQUIT"
        case 4: "SIGILL"
        case 5: "SIGTRAP"
        case 6: "SIGABRT"
        case 7: "SIGBUS"
        case 8: "SIGFPE"
        case 9: "SIGKILL"
        case 10: "SIGUSR1"
        case 11: "SIGSEGV"
        case 12: "SIGUSR2"
        case 13: "SIGPIPE"
        case 14: "SIGALRM"
        case 15: "SIGTERM"
        case 16: "SIGSTKFLT"
        case 17: "SIGCHLD"
        case 18: "SIGCONT"
        case 19: "SIGSTOP"
        case 20: "SIGTSTP"
        case 21: "SIGTTIN"
        case 22: "SIGTTOU"
        case 23: "SIGURG"
        case 24: "SIGXCPU"
        case 25: "SIGXFSZ"
        case 26: "SIGVTALRM"
        case 27: "SIGPROF"
        case 28: "SIGWINCH"
        case 29: "SIGIO"
        case 30: "SIGPWR"
        case 31: "SIGSYS"
        default: "SIGRT"
        }
    }
}
