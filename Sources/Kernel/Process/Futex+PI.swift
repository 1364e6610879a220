#if SKIFF_KERNEL
import LinuxABI

/// Priority-inheritance futexes (FUTEX_LOCK_PI, LOCK_PI2, TRYLOCK_PI, UNLOCK_PI): the lock word
/// holds its owner's thread ID, and the kernel takes and hands it over, so a contended lock
/// passes straight to the longest waiter. libdispatch's locks (under Swift concurrency and
/// Foundation) and glibc's PTHREAD_PRIO_INHERIT mutexes use them; an ENOSYS here made
/// libdispatch stop the program (SIGILL) whenever one of its locks was contended.
///
/// Priorities are not boosted (the scheduler has no inheritance yet): the owner just runs.
/// Waiters queue in the futex buckets with bitset 0, which no FUTEX_WAKE matches.
extension Futex {
    static let waitersBit: UInt32 = 0x8000_0000
    static let ownerDiedBit: UInt32 = 0x4000_0000
    static let ownerMask: UInt32 = 0x3FFF_FFFF
    static let lockBitset: UInt32 = 0

    /// Whether `waiter` waits to take the PI lock `key` (not a FUTEX_WAIT on the same word).
    static func waitsForLock(_ waiter: Waiter, _ key: Key) -> Bool {
        waiter.key == key && waiter.bitset == lockBitset
    }

    /// The waiter next in line for the PI lock `key` (the longest waiting), with `b` locked.
    struct Heir {
        let index: Int
        let waiter: Waiter
        /// Others wait behind it: the word keeps FUTEX_WAITERS.
        let more: Bool

        /// The lock word that makes the heir its owner, with `flags` (owner-died) kept.
        func word(with flags: UInt32 = 0) -> UInt32 {
            UInt32(truncatingIfNeeded: waiter.thread.id) | flags | (more ? waitersBit : 0)
        }
    }

    static func heir(of key: Key, in b: Bucket) -> Heir? {
        guard let index = b.waiters.firstIndex(where: { waitsForLock($0, key) }) else { return nil }
        let waiter = b.waiters[index]
        return Heir(index: index, waiter: waiter, more: b.waiters.contains { $0 !== waiter && waitsForLock($0, key) })
    }

    /// Takes `heir` out of the queue as the lock's new owner; the caller wakes it after unlocking.
    static func dequeue(_ heir: Heir, from b: Bucket) -> Waiter {
        b.waiters.remove(at: heir.index)
        heir.waiter.woken = true
        return heir.waiter
    }

    /// FUTEX_LOCK_PI(2) and FUTEX_TRYLOCK_PI: the word becomes the caller's thread ID, at once
    /// when it has no owner, else after the owner's FUTEX_UNLOCK_PI hands it over.
    static func lockPI(_ address: UInt64, deadline: UInt64?, tryOnly: Bool, shared: Bool) throws(Errno) -> Int {
        let key = try Futex.key(address, shared: shared)
        if !tryOnly { Scheduler.currentProcess.usesPIFutexes = true }
        let b = bucket(for: key)
        let me = Scheduler.current
        let tid = UInt32(truncatingIfNeeded: me.id)
        let waiter = Waiter(thread: me, key: key, bitset: lockBitset)
        // Under the bucket lock, which FUTEX_UNLOCK_PI also takes: taken (true) or queued (false).
        let taken: Result<Bool, Errno> = b.lock.withLock {
            guard case .success(var word) = UserMemory.load(UInt32.self, at: address) else { return .failure(.EFAULT) }
            while true {
                let owner = word & ownerMask
                var desired: UInt32
                if owner == 0 {
                    let others = b.waiters.contains { waitsForLock($0, key) }
                    desired = tid | (word & ownerDiedBit) | (others ? waitersBit : 0)
                } else {
                    if owner == tid { return .failure(.EDEADLK) }
                    if tryOnly { return .failure(.EAGAIN) }
                    if word & waitersBit != 0 {
                        b.waiters.append(waiter)
                        return .success(false)
                    }
                    desired = word | waitersBit
                }
                switch UserMemory.compareExchange(at: address, expected: word, desired: desired) {
                case .failure(let e): return .failure(e)
                case .success(let old) where old != word:
                    word = old  // user space changed it meanwhile: decide again
                case .success:
                    if owner == 0 { return .success(true) }
                    b.waiters.append(waiter)
                    return .success(false)
                }
            }
        }
        if try taken.get() { return 0 }
        switch sleep(waiter, in: b, deadline: deadline) {
        case .woken: return 0  // handed over: the word is ours
        case .timedOut: throw .ETIMEDOUT
        case .interrupted: throw .ERESTARTNOINTR  // Linux restarts it after the handler
        }
    }

    /// FUTEX_UNLOCK_PI: the caller must own the word; it passes to the longest waiter (with the
    /// waiters bit kept if more wait) or becomes 0.
    static func unlockPI(_ address: UInt64, shared: Bool) throws(Errno) -> Int {
        let key = try Futex.key(address, shared: shared)
        let b = bucket(for: key)
        let tid = UInt32(truncatingIfNeeded: Scheduler.current.id)
        let handed: Result<Waiter?, Errno> = b.lock.withLock {
            guard case .success(var word) = UserMemory.load(UInt32.self, at: address) else { return .failure(.EFAULT) }
            while true {
                guard word & ownerMask == tid else { return .failure(.EPERM) }
                let next = heir(of: key, in: b)
                switch UserMemory.compareExchange(at: address, expected: word, desired: next?.word() ?? 0) {
                case .failure(let e): return .failure(e)
                case .success(let old) where old != word:
                    word = old
                case .success:
                    return .success(next.map { dequeue($0, from: b) })
                }
            }
        }
        if let heir = try handed.get() { Scheduler.wake(heir.thread) }
        return 0
    }
}
#endif
