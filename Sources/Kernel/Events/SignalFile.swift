#if SKIFF_KERNEL
import LinuxABI
import VFS

/// `signalfd`: pending signals of a mask read as `signalfd_siginfo` records instead of running
/// handlers (the signals are normally blocked). Like Linux, it reads the signals of the thread
/// that reads, and its own process's.
final class SignalFile: AnonymousNode {
    static let recordSize = 128
    let lock = SpinLock()
    private var storedMask: UInt64
    let process: Process

    init(mask: UInt64, process: Process) {
        storedMask = mask & ~SignalConstants.unblockable
        self.process = process
        super.init()
    }

    var mask: UInt64 {
        get { lock.withLock { storedMask } }
        set { lock.withLock { storedMask = newValue & ~SignalConstants.unblockable } }
    }

    override var pollHead: PollHead { process.signalPollHead }

    override func readiness() -> PollEvents {
        guard let t = Scheduler.currentThread, t.process === process else { return [] }
        return Signals.pending(t) & mask != 0 ? [.input, .readNormal] : []
    }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard buffer.count >= Self.recordSize else { throw .EINVAL }
        let t = Scheduler.current
        var done = 0
        while done + Self.recordSize <= buffer.count {
            guard let info = Signals.dequeue(t, allowed: mask) else {
                if done > 0 { return done }
                if IOContext.nonblocking { throw .EAGAIN }
                if !pollHead.waitInterruptibly(until: { Signals.pending(t) & mask != 0 }) { throw .ERESTARTSYS }
                continue
            }
            let record = Self.encode(info)
            for i in 0..<Self.recordSize { buffer[done + i] = record[i] }
            done += Self.recordSize
        }
        return done
    }

    /// `struct signalfd_siginfo` from a `siginfo_t`.
    static func encode(_ info: SignalInfo) -> [UInt8] {
        var w = StructWriter(size: recordSize)
        w.set(UInt32(bitPattern: info.signal), at: 0)
        w.set(info.errno, at: 4)
        w.set(info.code, at: 8)
        let low = UInt32(truncatingIfNeeded: info.words.0)
        let high = UInt32(truncatingIfNeeded: info.words.0 >> 32)
        switch Signal(rawValue: Int(info.signal)) {
        case .SIGSEGV, .SIGBUS, .SIGILL, .SIGFPE, .SIGTRAP:
            w.set(info.words.0, at: 72)  // ssi_addr
        case .SIGCHLD:
            w.set(low, at: 12)  // ssi_pid
            w.set(high, at: 16)  // ssi_uid
            w.set(Int32(truncatingIfNeeded: info.words.1), at: 40)  // ssi_status
            w.set(info.words.2, at: 56)  // ssi_utime
            w.set(info.words.3, at: 64)  // ssi_stime
        default:
            if info.code == SignalConstants.SI_TIMER {
                w.set(low, at: 24)  // ssi_tid (the timer ID)
                w.set(high, at: 32)  // ssi_overrun
            } else {
                w.set(low, at: 12)
                w.set(high, at: 16)
            }
            w.set(Int32(truncatingIfNeeded: info.words.1), at: 44)  // ssi_int
            w.set(info.words.1, at: 48)  // ssi_ptr
        }
        return w.bytes
    }
}
#endif
