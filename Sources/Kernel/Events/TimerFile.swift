#if SKIFF_KERNEL
import LinuxABI
import VFS

/// `timerfd`: a timer whose expirations are counted and read as a 64-bit number, so event
/// loops can wait for time with the rest of their descriptors.
final class TimerFile: AnonymousNode {
    /// The timer `IntervalTimers` runs for this file.
    final class Expiry: KernelTimer {
        /// Cleared when the file is released, which breaks the reference cycle.
        var file: TimerFile?
        init(file: TimerFile) {
            self.file = file
            super.init()
        }
        override func expired(missed: UInt64) { file?.expired(count: missed + 1) }
    }

    let lock = SpinLock()
    private var expirations: UInt64 = 0
    private(set) var timer: Expiry! = nil

    init(clock: Int) {
        super.init()
        timer = Expiry(file: self)
        timer.clock = clock
    }

    fileprivate func expired(count: UInt64) {
        lock.withLock { expirations &+= count }
        pollHead.notify([.input, .readNormal])
    }

    /// Arming again (or disarming) forgets expirations not yet read, as Linux does.
    func arm(deadline: UInt64?, interval: UInt64) {
        lock.withLock { expirations = 0 }
        IntervalTimers.arm(timer, deadline: deadline, interval: interval)
    }

    override func readiness() -> PollEvents {
        lock.withLock { expirations > 0 ? [.input, .readNormal] : [] }
    }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try Self.requireCounterBuffer(buffer.count)
        while true {
            let taken: UInt64 = lock.withLock {
                let n = expirations
                expirations = 0
                return n
            }
            if taken > 0 {
                buffer.storeBytes(of: taken, as: UInt64.self)
                return 8
            }
            if IOContext.nonblocking { throw .EAGAIN }
            if !pollHead.waitInterruptibly(until: { lock.withLock { expirations > 0 } }) { throw .ERESTARTSYS }
        }
    }

    override func released(flags: OpenFlags) {
        IntervalTimers.arm(timer, deadline: nil, interval: 0)
        timer.file = nil
    }
}
#endif
