/// A `siginfo_t`: why a signal was sent, as the handler's second argument and
/// `rt_sigtimedwait`/`waitid` report it.
///
/// The 128-byte structure is a header (signo, errno, code) and a union whose members all fit in
/// four 64-bit words at offsets 16…47; keeping the words instead of the union's cases lets the
/// kernel queue any kind of information without allocating.
public struct SignalInfo: Equatable, Sendable {
    public static let size = 128

    public var signal: Int32
    public var errno: Int32 = 0
    public var code: Int32
    public var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public init(signal: Signal, code: Int32) {
        self.signal = Int32(signal.rawValue)
        self.code = code
    }

    public static func == (l: SignalInfo, r: SignalInfo) -> Bool {
        l.signal == r.signal && l.errno == r.errno && l.code == r.code && l.words.0 == r.words.0
            && l.words.1 == r.words.1 && l.words.2 == r.words.2 && l.words.3 == r.words.3
    }

    /// Sent by `kill` (SI_USER), `tgkill` (SI_TKILL) or the kernel (SI_KERNEL): the sender's
    /// pid and uid.
    public static func sent(_ signal: Signal, code: Int32, pid: Int32, uid: UInt32) -> SignalInfo {
        var info = SignalInfo(signal: signal, code: code)
        info.words.0 = UInt64(UInt32(bitPattern: pid)) | UInt64(uid) << 32
        return info
    }

    /// A synchronous fault at `address` (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP).
    public static func fault(_ signal: Signal, code: Int32, address: UInt64) -> SignalInfo {
        var info = SignalInfo(signal: signal, code: code)
        info.words.0 = address
        return info
    }

    /// SIGCHLD: which child changed state, and its exit code or signal.
    public static func child(pid: Int32, uid: UInt32, code: Int32, status: Int32, userTime: UInt64 = 0, systemTime: UInt64 = 0) -> SignalInfo {
        var info = SignalInfo(signal: .SIGCHLD, code: code)
        info.words.0 = UInt64(UInt32(bitPattern: pid)) | UInt64(uid) << 32
        info.words.1 = UInt64(UInt32(bitPattern: status))
        info.words.2 = userTime
        info.words.3 = systemTime
        return info
    }

    /// `sigqueue`/`rt_sigqueueinfo` or a POSIX timer: a value travels with the signal.
    public static func queued(_ signal: Signal, code: Int32, pid: Int32, uid: UInt32, value: UInt64) -> SignalInfo {
        var info = sent(signal, code: code, pid: pid, uid: uid)
        info.words.1 = value
        return info
    }

    /// A POSIX timer expired (SI_TIMER): the timer's ID, the overrun count and its value.
    public static func timer(_ signal: Signal, timerID: Int32, overrun: Int32, value: UInt64) -> SignalInfo {
        var info = SignalInfo(signal: signal, code: SignalConstants.SI_TIMER)
        info.words.0 = UInt64(UInt32(bitPattern: timerID)) | UInt64(UInt32(bitPattern: overrun)) << 32
        info.words.1 = value
        return info
    }

    public var pid: Int32 { Int32(truncatingIfNeeded: words.0) }

    /// The 128 bytes of `siginfo_t`.
    public func encoded() -> [UInt8] {
        var w = StructWriter(size: Self.size)
        w.set(signal, at: 0)
        w.set(errno, at: 4)
        w.set(code, at: 8)
        w.set(words.0, at: 16)
        w.set(words.1, at: 24)
        w.set(words.2, at: 32)
        w.set(words.3, at: 40)
        return w.bytes
    }

    /// Reads a `siginfo_t` (from `rt_sigqueueinfo`); nil when too short.
    public init?(decoding bytes: [UInt8]) {
        guard bytes.count >= Self.size else { return nil }
        let r = StructReader(bytes)
        signal = r.get(Int32.self, at: 0)
        errno = r.get(Int32.self, at: 4)
        code = r.get(Int32.self, at: 8)
        words = (r.get(UInt64.self, at: 16), r.get(UInt64.self, at: 24), r.get(UInt64.self, at: 32), r.get(UInt64.self, at: 40))
    }
}
