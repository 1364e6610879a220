#if SKIFF_KERNEL
import LinuxABI
import VFS

/// Waiting for descriptors: poll, ppoll, select, pselect6 and the epoll calls. The pollable
/// objects are Events/ (PollableNode, EventPoll); anything else is always ready.
extension Syscalls {
    /// How often waiters look again at objects whose readiness is polled (the console).
    static let pollInterval: UInt64 = 10_000_000

    /// What `file` is ready for now.
    static func readiness(of file: OpenFile) -> PollEvents {
        if let node = file.handler as? PollableNode { return node.readiness() }
        return .alwaysReady
    }

    /// One descriptor of a poll/select call.
    struct PollRequest {
        var fd: Int32
        var interest: PollEvents
        var file: OpenFile?
    }

    /// The common wait loop of poll and select: checks every request, and sleeps on the
    /// pollable ones until something changes, the deadline passes or a signal arrives.
    /// Returns each request's events, or nil when interrupted.
    static func waitForReadiness(_ requests: [PollRequest], deadline: UInt64?) -> [PollEvents]? {
        var sleeper: PollSleeper? = nil
        var heads: [PollHead] = []
        defer { if let sleeper { for h in heads { h.remove(sleeper) } } }
        var polled = false
        while true {
            var results = [PollEvents](repeating: [], count: requests.count)
            var any = false
            for (i, r) in requests.enumerated() {
                guard r.fd >= 0 else { continue }
                guard let file = r.file else {
                    results[i] = .invalid
                    any = true
                    continue
                }
                let events = readiness(of: file).intersection(r.interest.union(.unmaskable))
                results[i] = events
                if !events.isEmpty { any = true }
            }
            let now = Clock.monotonic
            if any || (deadline.map { now >= $0 } ?? false) { return results }
            if Signals.pendingForCurrent() { return nil }
            if sleeper == nil {
                // Register, then look once more: a change after the look wakes the sleeper.
                let s = PollSleeper(thread: Scheduler.current)
                sleeper = s
                for r in requests {
                    guard let node = r.file?.handler as? PollableNode else { continue }
                    polled = polled || node.readinessIsPolled
                    if !heads.contains(where: { $0 === node.pollHead }) {
                        node.pollHead.add(s)
                        heads.append(node.pollHead)
                    }
                }
                continue
            }
            var wake = deadline
            if polled { wake = min(wake ?? .max, now &+ pollInterval) }
            if let wake {
                Scheduler.sleep(until: wake)
            } else {
                Scheduler.block()
            }
        }
    }

    /// A deadline `timeout` nanoseconds from now; nil for "forever".
    static func deadline(after timeout: UInt64?) -> UInt64? {
        timeout.map { Clock.monotonic &+ min($0, UInt64.max / 4) }
    }

    /// Replaces the signal mask for the call (ppoll, pselect6, epoll_pwait); the old one comes
    /// back on the way out (see `SignalDelivery`).
    static func useTemporaryMask(at address: UInt64, size: UInt64) -> Errno? {
        guard address != 0 else { return nil }
        guard size == 8 else { return .EINVAL }
        guard case .success(let mask) = UserMemory.load(UInt64.self, at: address) else { return .EFAULT }
        let t = Scheduler.current
        t.savedSignalMask = t.signalMask
        t.signalMask = mask & ~SignalConstants.unblockable
        return nil
    }

    // MARK: poll

    /// poll(fds, nfds, timeout_ms)
    static func poll(_ a: SyscallArguments) -> SyscallResult {
        let timeout = a.int(2)
        return poll(fds: a.a0, count: a.a1, timeout: timeout < 0 ? nil : UInt64(timeout) &* 1_000_000)
    }

    /// ppoll(fds, nfds, tsp, sigmask, sigsetsize)
    static func ppoll(_ a: SyscallArguments) -> SyscallResult {
        var timeout: UInt64? = nil
        if a.a2 != 0 {
            guard case .success(let bytes) = UserMemory.read(a.a2, count: 16) else { return .failure(.EFAULT) }
            guard let ns = Timespec(decoding: bytes).totalNanoseconds else { return .failure(.EINVAL) }
            timeout = ns
        }
        if let e = useTemporaryMask(at: a.a3, size: a.a4) { return .failure(e) }
        return poll(fds: a.a0, count: a.a1, timeout: timeout)
    }

    static func poll(fds: UInt64, count: UInt64, timeout: UInt64?) -> SyscallResult {
        guard count <= UInt64(process.files.limit) else { return .failure(.EINVAL) }
        let n = Int(count)
        guard case .success(let bytes) = UserMemory.read(fds, count: n * 8) else { return .failure(.EFAULT) }
        let r = StructReader(bytes)
        var requests: [PollRequest] = []
        requests.reserveCapacity(n)
        for i in 0..<n {
            let fd = r.get(Int32.self, at: i * 8)
            let events = PollEvents(rawValue: UInt32(r.get(UInt16.self, at: i * 8 + 4)))
            let file = fd >= 0 ? try? process.files.file(fd) : nil
            requests.append(PollRequest(fd: fd, interest: events, file: file))
        }
        guard let results = waitForReadiness(requests, deadline: deadline(after: timeout)) else {
            return .failure(.ERESTARTNOHAND)
        }
        var out = bytes
        var ready = 0
        for i in 0..<n {
            let revents = UInt16(truncatingIfNeeded: results[i].rawValue)
            out[i * 8 + 6] = UInt8(revents & 0xFF)
            out[i * 8 + 7] = UInt8(revents >> 8)
            if revents != 0 { ready += 1 }
        }
        if let e = UserMemory.copyOut(out, to: fds) { return .failure(e) }
        return .success(ready)
    }

    // MARK: select

    /// select(nfds, readfds, writefds, exceptfds, timeout)
    static func select(_ a: SyscallArguments) -> SyscallResult {
        var timeout: UInt64? = nil
        if a.a4 != 0 {
            guard case .success(let bytes) = UserMemory.read(a.a4, count: 16) else { return .failure(.EFAULT) }
            let rd = StructReader(bytes)
            let seconds = rd.get(Int64.self, at: 0)
            let micros = rd.get(Int64.self, at: 8)
            guard seconds >= 0, micros >= 0 else { return .failure(.EINVAL) }
            timeout = UInt64(seconds) &* 1_000_000_000 &+ UInt64(micros) &* 1000
        }
        let start = Clock.monotonic
        let result = select(count: a.int(0), sets: (a.a1, a.a2, a.a3), timeout: timeout)
        if a.a4 != 0, let timeout {
            // Linux writes back the time left.
            let left = timeout &- min(timeout, Clock.monotonic &- start)
            var w = StructWriter(size: 16)
            w.set(Int64(left / 1_000_000_000), at: 0)
            w.set(Int64(left % 1_000_000_000 / 1000), at: 8)
            _ = UserMemory.copyOut(w.bytes, to: a.a4)
        }
        return result
    }

    /// pselect6(nfds, readfds, writefds, exceptfds, timespec, {sigmask, size})
    static func pselect6(_ a: SyscallArguments) -> SyscallResult {
        var timeout: UInt64? = nil
        if a.a4 != 0 {
            guard case .success(let bytes) = UserMemory.read(a.a4, count: 16) else { return .failure(.EFAULT) }
            guard let ns = Timespec(decoding: bytes).totalNanoseconds else { return .failure(.EINVAL) }
            timeout = ns
        }
        if a.a5 != 0 {
            guard case .success(let bytes) = UserMemory.read(a.a5, count: 16) else { return .failure(.EFAULT) }
            let r = StructReader(bytes)
            if let e = useTemporaryMask(at: r.get(UInt64.self, at: 0), size: r.get(UInt64.self, at: 8)) { return .failure(e) }
        }
        return select(count: a.int(0), sets: (a.a1, a.a2, a.a3), timeout: timeout)
    }

    static func select(count: Int, sets: (UInt64, UInt64, UInt64), timeout: UInt64?) -> SyscallResult {
        guard count >= 0 else { return .failure(.EINVAL) }
        let n = min(count, process.files.limit)
        let words = (n + 63) / 64
        var bitmaps: [[UInt64]] = []
        for address in [sets.0, sets.1, sets.2] {
            var words64 = [UInt64](repeating: 0, count: words)
            if address != 0 && words > 0 {
                guard case .success(let bytes) = UserMemory.read(address, count: words * 8) else { return .failure(.EFAULT) }
                let r = StructReader(bytes)
                for i in 0..<words { words64[i] = r.get(UInt64.self, at: i * 8) }
            }
            bitmaps.append(words64)
        }
        var requests: [PollRequest] = []
        let interests = [SelectSets.read, SelectSets.write, SelectSets.except]
        for fd in 0..<n {
            var interest: PollEvents = []
            for s in 0..<3 where bitmaps[s][fd / 64] & (1 << UInt64(fd % 64)) != 0 { interest.formUnion(interests[s]) }
            guard !interest.isEmpty else { continue }
            guard let file = try? process.files.file(Int32(fd)) else { return .failure(.EBADF) }
            requests.append(PollRequest(fd: Int32(fd), interest: interest, file: file))
        }
        guard let results = waitForReadiness(requests, deadline: deadline(after: timeout)) else {
            return .failure(.ERESTARTNOHAND)
        }
        var out = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: 3)
        var ready = 0
        for (i, r) in requests.enumerated() {
            let fd = Int(r.fd)
            let bit: UInt64 = 1 << UInt64(fd % 64)
            for s in 0..<3 where bitmaps[s][fd / 64] & bit != 0 && !results[i].intersection(interests[s]).isEmpty {
                out[s][fd / 64] |= bit
                ready += 1
            }
        }
        for (s, address) in [sets.0, sets.1, sets.2].enumerated() where address != 0 && words > 0 {
            var w = StructWriter(size: words * 8)
            for i in 0..<words { w.set(out[s][i], at: i * 8) }
            if let e = UserMemory.copyOut(w.bytes, to: address) { return .failure(e) }
        }
        return .success(ready)
    }

    // MARK: epoll

    /// epoll_create(size) and epoll_create1(flags)
    static func epollCreate(_ a: SyscallArguments, flags: Int?) -> SyscallResult {
        if let flags {
            guard flags & ~FileConstants.O_CLOEXEC == 0 else { return .failure(.EINVAL) }
        } else {
            guard a.int(0) > 0 else { return .failure(.EINVAL) }
        }
        return installAnonymous(EventPoll(), flags: FileConstants.O_RDWR, closeOnExec: (flags ?? 0) & FileConstants.O_CLOEXEC != 0)
    }

    /// epoll_ctl(epfd, op, fd, event)
    static func epollCtl(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let epollFile) = openFile(a.int(0)) else { return .failure(.EBADF) }
        let fd = Int32(truncatingIfNeeded: a.int(2))
        guard case .success(let target) = openFile(Int(fd)) else { return .failure(.EBADF) }
        guard let epoll = epollFile.handler as? EventPoll else { return .failure(.EINVAL) }
        var events: UInt32 = 0
        var data: UInt64 = 0
        let op = a.int(1)
        if op != EpollOperation.delete {
            guard case .success(let bytes) = UserMemory.read(a.a3, count: 12) else { return .failure(.EFAULT) }
            let r = StructReader(bytes)
            events = r.get(UInt32.self, at: 0)
            data = r.get(UInt64.self, at: 4)  // struct epoll_event is packed on x86_64
        }
        return attempt { () throws(Errno) -> Int in
            switch op {
            case EpollOperation.add: try epoll.add(fd: fd, file: target, events: events, data: data)
            case EpollOperation.modify: try epoll.modify(fd: fd, file: target, events: events, data: data)
            case EpollOperation.delete: try epoll.delete(fd: fd, file: target)
            default: throw .EINVAL
            }
            return 0
        }
    }

    /// epoll_wait(epfd, events, maxevents, timeout), epoll_pwait(…, sigmask, sigsetsize) and
    /// epoll_pwait2 (timespec timeout).
    static func epollWait(_ a: SyscallArguments, masked: Bool, timespec: Bool) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        guard let epoll = file.handler as? EventPoll else { return .failure(.EINVAL) }
        let maximum = a.int(2)
        guard maximum > 0, maximum <= Int(Int32.max) / 12 else { return .failure(.EINVAL) }
        guard UserMemory.isValid(a.a1, maximum * 12) else { return .failure(.EFAULT) }
        var timeout: UInt64? = nil
        if timespec {
            if a.a3 != 0 {
                guard case .success(let bytes) = UserMemory.read(a.a3, count: 16) else { return .failure(.EFAULT) }
                guard let ns = Timespec(decoding: bytes).totalNanoseconds else { return .failure(.EINVAL) }
                timeout = ns
            }
        } else if a.int(3) >= 0 {
            timeout = UInt64(a.int(3)) &* 1_000_000
        }
        if masked, let e = useTemporaryMask(at: a.a4, size: a.a5) { return .failure(e) }
        let end = deadline(after: timeout)
        var sleeper: PollSleeper? = nil
        defer { if let sleeper { epoll.pollHead.remove(sleeper) } }
        while true {
            let events = epoll.collect(maximum: maximum)
            if !events.isEmpty {
                var w = StructWriter(size: events.count * 12)
                for (i, e) in events.enumerated() {
                    w.set(e.events, at: i * 12)
                    w.set(e.data, at: i * 12 + 4)
                }
                if let e = UserMemory.copyOut(w.bytes, to: a.a1) { return .failure(e) }
                return .success(events.count)
            }
            if let end, Clock.monotonic >= end { return .success(0) }
            if Signals.pendingForCurrent() { return .failure(.EINTR) }
            if sleeper == nil {
                let s = PollSleeper(thread: Scheduler.current)
                sleeper = s
                epoll.pollHead.add(s)
                continue
            }
            if let end { Scheduler.sleep(until: end) } else { Scheduler.block() }
        }
    }

    /// Installs a kernel object as a new descriptor.
    static func installAnonymous(_ node: VNode, flags: Int, closeOnExec: Bool) -> SyscallResult {
        let openFlags = OpenFlags(flags)
        let file = OpenFile(node: node, mount: nil, flags: openFlags, lock: FileSystems.lockFactory.makeLock())
        return attempt { () throws(Errno) -> Int in Int(try process.files.install(file, closeOnExec: closeOnExec)) }
    }
}
#endif
