#if SKIFF_KERNEL
import CKernel
import LinuxABI
import Memory

/// Fast user-space mutexes: threads sleeping on a 32-bit word in application memory.
///
/// Waiters hash by their key into buckets, each with its own lock, so unrelated futexes never
/// contend. A private futex is keyed by (process, address); a shared one by the physical
/// address of the word, so processes mapping the same page meet on it.
enum Futex {
    struct Key: Equatable {
        var space: UInt64
        var address: UInt64
    }

    final class Waiter {
        let thread: Thread
        var key: Key
        let bitset: UInt32
        var woken = false
        init(thread: Thread, key: Key, bitset: UInt32) {
            self.thread = thread
            self.key = key
            self.bitset = bitset
        }
    }

    final class Bucket {
        let lock = SpinLock()
        var waiters: [Waiter] = []
    }

    static let bucketCount = 256
    nonisolated(unsafe) static var buckets: [Bucket] = []

    /// Creates the buckets at boot, before any thread can race on them.
    static func initialize() {
        for _ in 0..<bucketCount { buckets.append(Bucket()) }
    }

    static func bucket(for key: Key) -> Bucket {
        var h = key.address &* 0x9E37_79B9_7F4A_7C15 ^ key.space
        h ^= h >> 29
        return buckets[Int(h % UInt64(bucketCount))]
    }

    /// The key for `address` (which must be 4-byte aligned and in user space).
    static func key(_ address: UInt64, shared: Bool) -> Result<Key, Errno> {
        guard address & 3 == 0 else { return .failure(.EINVAL) }
        guard UserMemory.isValid(address, 4) else { return .failure(.EFAULT) }
        let process = Scheduler.currentProcess
        if shared {
            // Fault the page in so it has a physical address to key on.
            if case .failure(let e) = UserMemory.load(UInt32.self, at: address) { return .failure(e) }
            guard let m = process.addressSpace.lockedTranslate(address) else { return .failure(.EFAULT) }
            return .success(Key(space: 0, address: m.physical))
        }
        return .success(Key(space: UInt64(UInt(bitPattern: ObjectIdentifier(process))), address: address))
    }

    /// FUTEX_WAIT(_BITSET): sleeps if `*address == expected`, until woken or the deadline.
    static func wait(_ address: UInt64, expected: UInt32, deadline: UInt64?, bitset: UInt32, shared: Bool) -> SyscallResult {
        guard bitset != 0 else { return .failure(.EINVAL) }
        let key: Key
        switch Futex.key(address, shared: shared) {
        case .success(let k): key = k
        case .failure(let e): return .failure(e)
        }
        let b = bucket(for: key)
        let me = Scheduler.current
        let waiter = Waiter(thread: me, key: key, bitset: bitset)
        let queued: Result<Void, Errno> = b.lock.withLock {
            switch UserMemory.load(UInt32.self, at: address) {
            case .failure(let e): return .failure(e)
            case .success(let v) where v != expected: return .failure(.EAGAIN)
            case .success: break
            }
            b.waiters.append(waiter)
            return .success(())
        }
        if case .failure(let e) = queued { return .failure(e) }
        switch sleep(waiter, in: b, deadline: deadline) {
        case .woken: return .success(0)
        case .timedOut: return .failure(.ETIMEDOUT)
        // A handler runs; an untimed wait is restarted after it if SA_RESTART says so.
        case .interrupted: return .failure(deadline == nil ? .ERESTARTSYS : .ERESTARTNOHAND)
        }
    }

    enum WaitEnd {
        case woken
        case timedOut
        case interrupted
    }

    /// Sleeps while `waiter` is queued in `b`: until a waker marks it woken, the deadline
    /// passes or a signal arrives (then it leaves the queue). Spurious wake-ups sleep again.
    static func sleep(_ waiter: Waiter, in b: Bucket, deadline: UInt64?) -> WaitEnd {
        while true {
            if let deadline {
                _ = Scheduler.sleep(until: deadline)
            } else {
                Scheduler.block()
            }
            let interrupted = Signals.pendingForCurrent()
            let end: WaitEnd? = b.lock.withLock {
                if waiter.woken { return .woken }
                if let d = deadline, Clock.monotonic >= d {
                    b.waiters.removeAll { $0 === waiter }
                    return .timedOut
                }
                if interrupted {
                    b.waiters.removeAll { $0 === waiter }
                    return .interrupted
                }
                return nil
            }
            if let end { return end }
        }
    }

    /// FUTEX_WAKE(_BITSET): wakes up to `count` waiters on `address`.
    static func wake(_ address: UInt64, count: Int, bitset: UInt32, shared: Bool) -> SyscallResult {
        guard bitset != 0 else { return .failure(.EINVAL) }
        let key: Key
        switch Futex.key(address, shared: shared) {
        case .success(let k): key = k
        case .failure(let e): return .failure(e)
        }
        let woken = wake(key: key, count: count, bitset: bitset)
        return .success(woken)
    }

    static func wake(key: Key, count: Int, bitset: UInt32 = ProcessConstants.FUTEX_BITSET_MATCH_ANY) -> Int {
        let b = bucket(for: key)
        let taken: [Waiter] = b.lock.withLock {
            var out: [Waiter] = []
            var i = 0
            while i < b.waiters.count && out.count < count {
                let w = b.waiters[i]
                if w.key == key && w.bitset & bitset != 0 {
                    w.woken = true
                    out.append(w)
                    b.waiters.remove(at: i)
                } else {
                    i += 1
                }
            }
            return out
        }
        for w in taken { Scheduler.wake(w.thread) }
        return taken.count
    }

    /// FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wake `wakeCount`, move up to `requeueCount` more to
    /// `target` (after checking `*address == expected` for the CMP form).
    static func requeue(
        _ address: UInt64, wakeCount: Int, target: UInt64, requeueCount: Int, expected: UInt32?, shared: Bool
    ) -> SyscallResult {
        guard wakeCount >= 0, requeueCount >= 0 else { return .failure(.EINVAL) }
        let k1: Key
        let k2: Key
        switch key(address, shared: shared) {
        case .success(let k): k1 = k
        case .failure(let e): return .failure(e)
        }
        switch key(target, shared: shared) {
        case .success(let k): k2 = k
        case .failure(let e): return .failure(e)
        }
        let b1 = bucket(for: k1)
        let b2 = bucket(for: k2)
        var woken: [Waiter] = []
        var moved = 0
        let body: () -> Errno? = {
            if let expected {
                switch UserMemory.load(UInt32.self, at: address) {
                case .failure(let e): return e
                case .success(let v) where v != expected: return .EAGAIN
                case .success: break
                }
            }
            var i = 0
            while i < b1.waiters.count {
                let w = b1.waiters[i]
                guard w.key == k1 else {
                    i += 1
                    continue
                }
                if woken.count < wakeCount {
                    w.woken = true
                    woken.append(w)
                    b1.waiters.remove(at: i)
                } else if moved < requeueCount {
                    w.key = k2
                    b1.waiters.remove(at: i)
                    if b1 !== b2 { b2.waiters.append(w) } else { b1.waiters.append(w) }
                    moved += 1
                    if b1 === b2 { continue }
                } else {
                    break
                }
            }
            return nil
        }
        let failure: Errno?
        if b1 === b2 {
            failure = b1.lock.withLock(body)
        } else {
            // Lock the two buckets in a fixed order.
            let first = UInt(bitPattern: ObjectIdentifier(b1)) < UInt(bitPattern: ObjectIdentifier(b2)) ? b1 : b2
            let second = first === b1 ? b2 : b1
            failure = first.lock.withLock { second.lock.withLock(body) }
        }
        if let failure { return .failure(failure) }
        for w in woken { Scheduler.wake(w.thread) }
        return .success(woken.count + moved)
    }
}
#endif
