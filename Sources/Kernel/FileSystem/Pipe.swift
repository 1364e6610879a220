#if SKIFF_KERNEL
import LinuxABI
import VFS

/// A pipe: a bounded byte buffer between a read end and a write end.
///
/// Readers sleep while it is empty and writers while it is full; a write of up to
/// `atomicSize` bytes is never interleaved with another. When the last writer closes, readers
/// see end of file; when the last reader closes, writers get EPIPE (and SIGPIPE).
final class Pipe {
    static let capacity = 65536
    /// PIPE_BUF: writes this small are atomic.
    static let atomicSize = 4096

    private var buffer: [UInt8]
    private var head = 0
    private var count = 0
    var readers = 0
    var writers = 0
    /// Opens of each end so far: a named FIFO's open waits for the other count to move.
    var readerOpens: UInt64 = 0
    var writerOpens: UInt64 = 0
    /// Whether a splice is between copying bytes from the front of the buffer and consuming
    /// the ones it passed on (`hold`/`release`): other readers wait, so no byte is read twice.
    private var held = false
    let queue = WaitQueue()
    /// poll/epoll listeners of both ends.
    let pollHead = PollHead()
    let inode: UInt64
    nonisolated(unsafe) static var nextInode: UInt64 = 1

    init() {
        buffer = [UInt8](repeating: 0, count: Pipe.capacity)
        inode = Pipe.nextInode
        Pipe.nextInode &+= 1
    }

    var available: Int { queue.lock.withLock { count } }

    func read(into out: UnsafeMutableRawBufferPointer, nonblocking: Bool) throws(Errno) -> Int {
        guard out.count > 0 else { return 0 }
        while true {
            let (n, writersLeft): (Int, Int) = queue.lock.withLock {
                // A splice holding the read side owns the front bytes: wait as for data.
                if held { return (0, 1) }
                let n = min(out.count, count)
                for i in 0..<n { out[i] = buffer[(head + i) % Pipe.capacity] }
                head = (head + n) % Pipe.capacity
                count -= n
                return (n, writers)
            }
            if n > 0 {
                queue.wakeAll()  // room for writers
                pollHead.notify([.output, .writeNormal])
                return n
            }
            if writersLeft == 0 { return 0 }  // end of file
            // Like Linux's pipe mutex, a splice in progress makes even a nonblocking read wait.
            if nonblocking && !queue.lock.withLock({ held }) { throw .EAGAIN }
            if !queue.waitInterruptibly(while: { held || count == 0 && writers > 0 }) { throw .ERESTARTSYS }
        }
    }

    // MARK: Splicing

    /// Waits until the pipe holds bytes or has no writer left, as a splice reading it does
    /// before it looks at the other side (Linux's `ipipe_prep`): EAGAIN instead of waiting when
    /// `nonblocking`. Returns the bytes there; 0 is end of file.
    func awaitData(nonblocking: Bool) throws(Errno) -> Int {
        try awaitData(nonblocking: nonblocking, hold: false)
    }

    /// `awaitData`, then takes the read side until `release`: plain reads and other splices
    /// wait meanwhile, so the bytes `peek` returns stay at the front until they are consumed.
    /// Returns the bytes there (0 is end of file, still held).
    func hold(nonblocking: Bool) throws(Errno) -> Int {
        try awaitData(nonblocking: nonblocking, hold: true)
    }

    private func awaitData(nonblocking: Bool, hold: Bool) throws(Errno) -> Int {
        while true {
            // nil: wait for another splice to release; otherwise the bytes there, or -1 for none yet.
            let state: Int? = queue.lock.withLock {
                if hold && held { return nil }
                guard count > 0 || writers == 0 else { return -1 }
                if hold { held = true }
                return count
            }
            if let state, state >= 0 { return state }
            if state != nil && nonblocking { throw .EAGAIN }
            let waited = queue.waitInterruptibly(while: { (hold && held) || count == 0 && writers > 0 })
            if !waited { throw .ERESTARTSYS }
        }
    }

    /// Copies up to `out.count` bytes from the front of the buffer without consuming them
    /// (`tee`, and a splice under `hold`). Returns how many.
    func peek(into out: UnsafeMutableRawBufferPointer) -> Int {
        queue.lock.withLock {
            let n = min(out.count, count)
            for i in 0..<n { out[i] = buffer[(head + i) % Pipe.capacity] }
            return n
        }
    }

    /// Ends a `hold`: drops the first `consumed` bytes (those passed on) and lets readers in.
    func release(consuming consumed: Int) {
        queue.lock.withLock {
            let n = min(consumed, count)
            head = (head + n) % Pipe.capacity
            count -= n
            held = false
        }
        queue.wakeAll()
        if consumed > 0 { pollHead.notify([.output, .writeNormal]) }
    }

    /// Waits until the pipe has room, as a splice writing it does (Linux's `wait_for_space`):
    /// EPIPE when no reader is left, EAGAIN instead of waiting when `nonblocking`. Returns the
    /// free bytes; a write of at most that many goes in without waiting (unless another writer
    /// takes the room first).
    func awaitRoom(nonblocking: Bool) throws(Errno) -> Int {
        while true {
            let (room, readersLeft) = queue.lock.withLock { (Pipe.capacity - count, readers) }
            if readersLeft == 0 { throw .EPIPE }
            if room > 0 { return room }
            if nonblocking { throw .EAGAIN }
            if !queue.waitInterruptibly(while: { readers > 0 && count == Pipe.capacity }) { throw .ERESTARTSYS }
        }
    }

    func write(from data: UnsafeRawBufferPointer, nonblocking: Bool) throws(Errno) -> Int {
        var done = 0
        while done < data.count {
            let outcome: Int = queue.lock.withLock {
                if readers == 0 { return -1 }
                let room = Pipe.capacity - count
                let remaining = data.count - done
                // Small writes go in whole or not at all.
                if remaining <= Pipe.atomicSize && room < remaining { return 0 }
                let n = min(room, remaining)
                for i in 0..<n { buffer[(head + count + i) % Pipe.capacity] = data[done + i] }
                count += n
                return n
            }
            if outcome < 0 {
                if done > 0 { return done }
                throw .EPIPE
            }
            if outcome > 0 {
                done += outcome
                queue.wakeAll()
                pollHead.notify([.input, .readNormal])
                continue
            }
            if nonblocking {
                if done > 0 { return done }
                throw .EAGAIN
            }
            let need = min(data.count - done, Pipe.atomicSize)
            if !queue.waitInterruptibly(while: { readers > 0 && Pipe.capacity - count < need }) {
                if done > 0 { return done }
                throw .ERESTARTSYS
            }
        }
        return done
    }

    /// What each end is ready for (Linux's pipe_poll): the read end has data or no writers
    /// left (POLLHUP); the write end has room, or no readers left (POLLERR).
    func readiness(readEnd: Bool) -> PollEvents {
        queue.lock.withLock {
            var events: PollEvents = []
            if readEnd {
                if count > 0 { events.formUnion([.input, .readNormal]) }
                if writers == 0 { events.insert(.hangUp) }
            } else {
                if count < Pipe.capacity { events.formUnion([.output, .writeNormal]) }
                if readers == 0 { events.insert(.error) }
            }
            return events
        }
    }
}

/// Which ends of a pipe a description holds: one for each of pipe(2)'s descriptors; for an
/// open of a named FIFO the access mode decides, and O_RDWR holds both, as on Linux.
struct PipeEnds: OptionSet {
    let rawValue: UInt8
    static let read = PipeEnds(rawValue: 1)
    static let write = PipeEnds(rawValue: 2)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(accessMode: Int) {
        switch accessMode {
        case FileConstants.O_RDONLY: self = .read
        case FileConstants.O_WRONLY: self = .write
        default: self = [.read, .write]
        }
    }
}

/// An open pipe as the VFS sees it: the handler of a pipe(2) descriptor (a FIFO node with no
/// file system), or of an open FIFO node in a file system (see `NamedPipes`).
final class PipeEnd: PollableNode {
    let pipe: Pipe
    let ends: PipeEnds
    /// Set for a named FIFO's pipe, which lives while any end of it is open.
    let isNamed: Bool

    init(pipe: Pipe, ends: PipeEnds, isNamed: Bool = false) {
        self.pipe = pipe
        self.ends = ends
        self.isNamed = isNamed
        super.init(type: .fifo)
    }

    override func opened(flags: OpenFlags) throws(Errno) {
        // The other side is looked at in the same step as this end counts itself (Linux's
        // pipe mutex): a partner already there may open, write, close and leave before this
        // open goes on, and must not leave it waiting for one that already came.
        let partner = pipe.queue.lock.withLock { () -> Partner in
            if ends.contains(.read) {
                pipe.readers += 1
                pipe.readerOpens &+= 1
            }
            if ends.contains(.write) {
                pipe.writers += 1
                pipe.writerOpens &+= 1
            }
            return ends == .read
                ? Partner(present: pipe.writers > 0, opens: pipe.writerOpens)
                : Partner(present: pipe.readers > 0, opens: pipe.readerOpens)
        }
        guard isNamed else { return }
        NamedPipes.settle(pipe)
        pipe.queue.wakeAll()  // an open waiting for its partner
        pipe.pollHead.notify(ends.contains(.write) ? [.output] : [.input])
        do throws(Errno) {
            try awaitPartner(partner, nonblocking: flags.nonBlocking)
        } catch {
            released(flags: flags)
            throw error
        }
    }

    /// The other side of a named FIFO when this end opened it: whether it was open, and how
    /// many times it had been opened.
    private struct Partner {
        let present: Bool
        let opens: UInt64
    }

    /// A named FIFO opened for one direction waits for the other (`fifo_open`): a reader until
    /// some writer has opened it since, a writer likewise for a reader. Without waiting, a
    /// reader goes on alone and a writer with no reader fails with ENXIO. O_RDWR never waits.
    private func awaitPartner(_ partner: Partner, nonblocking: Bool) throws(Errno) {
        guard ends != [.read, .write], !partner.present else { return }
        if nonblocking {
            if ends == .write { throw .ENXIO }
            return
        }
        let waited: Bool
        if ends == .read {
            waited = pipe.queue.waitInterruptibly(while: { pipe.writerOpens == partner.opens })
        } else {
            waited = pipe.queue.waitInterruptibly(while: { pipe.readerOpens == partner.opens })
        }
        if !waited { throw .ERESTARTSYS }
    }

    override func released(flags: OpenFlags) {
        pipe.queue.lock.withLock {
            if ends.contains(.read) { pipe.readers -= 1 }
            if ends.contains(.write) { pipe.writers -= 1 }
        }
        pipe.queue.wakeAll()
        pipe.pollHead.notify(ends.contains(.write) ? [.hangUp, .input] : [.error])
        if isNamed { NamedPipes.forgetIfUnused(pipe) }
    }

    override var pollHead: PollHead { pipe.pollHead }
    override func readiness() -> PollEvents {
        var events: PollEvents = []
        if ends.contains(.read) { events.formUnion(pipe.readiness(readEnd: true)) }
        if ends.contains(.write) { events.formUnion(pipe.readiness(readEnd: false)) }
        return events
    }

    override func attributes() throws(Errno) -> FileAttributes {
        let now = Timespec(totalNanoseconds: Clock.realtime)
        return FileAttributes(
            type: .fifo, permissions: 0o600, uid: 0, gid: 0, linkCount: 1, size: 0, blocks: 0, blockSize: 4096,
            inode: pipe.inode, device: DeviceNumber(major: 0, minor: 12), specialDevice: .none,
            accessTime: now, modificationTime: now, changeTime: now)
    }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard ends.contains(.read) else { throw .EBADF }
        return try pipe.read(into: buffer, nonblocking: IOContext.nonblocking)
    }

    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        guard ends.contains(.write) else { throw .EBADF }
        return (try pipe.write(from: buffer, nonblocking: IOContext.nonblocking), 0)
    }
}

/// Per-call I/O options the VNode interface has no parameter for: whether the descriptor the
/// current system call uses is O_NONBLOCK. Set by the system-call layer around each transfer.
enum IOContext {
    static var nonblocking: Bool { Scheduler.currentThread?.nonblockingIO ?? false }
}
#endif
