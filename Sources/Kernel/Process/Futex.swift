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
    static func key(_ address: UInt64, shared: Bool) throws(Errno) -> Key {
        guard address & 3 == 0 else { throw .EINVAL }
        guard UserMemory.isValid(address, 4) else { throw .EFAULT }
        let process = Scheduler.currentProcess
        if shared {
            // Fault the page in so it has a physical address to key on.
            _ = try UserMemory.load(UInt32.self, at: address).get()
            guard let m = process.addressSpace.lockedTranslate(address) else { throw .EFAULT }
            return Key(space: 0, address: m.physical)
        }
        return Key(space: UInt64(UInt(bitPattern: ObjectIdentifier(process))), address: address)
    }

    /// FUTEX_WAIT(_BITSET): sleeps if `*address == expected`, until woken or the deadline.
    static func wait(_ address: UInt64, expected: UInt32, deadline: UInt64?, bitset: UInt32, shared: Bool) throws(Errno) -> Int {
        guard bitset != 0 else { throw .EINVAL }
        let key = try Futex.key(address, shared: shared)
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
        try queued.get()
        switch sleep(waiter, in: b, deadline: deadline) {
        case .woken: return 0
        case .timedOut: throw .ETIMEDOUT
        // A handler runs; an untimed wait is restarted after it if SA_RESTART says so.
        case .interrupted: throw deadline == nil ? .ERESTARTSYS : .ERESTARTNOHAND
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
    static func wake(_ address: UInt64, count: Int, bitset: UInt32 = ProcessConstants.FUTEX_BITSET_MATCH_ANY, shared: Bool) throws(Errno) -> Int {
        guard bitset != 0 else { throw .EINVAL }
        return wake(key: try Futex.key(address, shared: shared), count: count, bitset: bitset)
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
    ) throws(Errno) -> Int {
        guard wakeCount >= 0, requeueCount >= 0 else { throw .EINVAL }
        let k1 = try key(address, shared: shared)
        let k2 = try key(target, shared: shared)
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
        if let failure { throw failure }
        for w in woken { Scheduler.wake(w.thread) }
        return woken.count + moved
    }

    /// FUTEX_WAKE_OP: changes the word at `second` atomically, wakes up to `count` waiters on
    /// `address`, then up to `secondCount` on `second` if the word's old value passes the
    /// operation's comparison. A waiter that checked the old value is already queued when the
    /// wake-up looks, and one that checks later sees the new value, so nothing is missed.
    static func wakeOp(
        _ address: UInt64, count: Int, second: UInt64, secondCount: Int, operation: FutexWakeOperation, shared: Bool
    ) throws(Errno) -> Int {
        let k1 = try key(address, shared: shared)
        let k2 = try key(second, shared: shared)
        var old = try UserMemory.load(UInt32.self, at: second).get()
        while true {
            let seen = try UserMemory.compareExchange(at: second, expected: old, desired: operation.apply(to: old)).get()
            if seen == old { break }
            old = seen  // another thread changed it meanwhile: apply the operation to its value
        }
        var woken = wake(key: k1, count: count)
        if operation.wakesSecond(old: old) { woken += wake(key: k2, count: secondCount) }
        return woken
    }
}
#endif
