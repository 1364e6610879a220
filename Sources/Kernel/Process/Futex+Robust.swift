#if SKIFF_KERNEL
import CKernel
import LinuxABI

/// Robust futexes: a thread registers (set_robust_list) the list of locks it holds, kept by its
/// libc in user memory, and when it dies holding any, the kernel marks each one's word
/// FUTEX_OWNER_DIED and wakes a waiter. The next locker then gets EOWNERDEAD instead of
/// waiting forever — what robust pthread mutexes promise, across processes too (a database's
/// lock in shared memory outliving a crashed worker).
///
/// The list is `struct robust_list_head { next; futex_offset; list_op_pending }`; each entry
/// points at the next, the lock word sits `futex_offset` bytes from an entry, and bit 0 of a
/// pointer marks a PI lock. A corrupt list can only hurt its own process: every read is checked,
/// and the walk stops after `entryLimit` entries (a loop).
extension Futex {
    static let entryLimit = 2048

    /// Releases the robust locks `thread` (the calling thread, still in its address space)
    /// holds; true when it released any. Waiters in FUTEX_LOCK_PI then need `releasePILocks`:
    /// libcs do not all mark PI entries (bit 0) — musl does not.
    @discardableResult
    static func releaseRobustList(of thread: Thread) -> Bool {
        let head = thread.robustList
        guard head != 0,
            case .success(var entry) = UserMemory.load(UInt64.self, at: head),
            case .success(let offsetBits) = UserMemory.load(UInt64.self, at: head &+ 8),
            case .success(let pending) = UserMemory.load(UInt64.self, at: head &+ 16)
        else { return false }
        var released = false
        thread.robustList = 0
        let offset = Int64(bitPattern: offsetBits)
        let tid = UInt32(truncatingIfNeeded: thread.id)
        /// The lock word of a list entry (bit 0, the PI mark, cleared).
        func lockWord(_ entry: UInt64) -> UInt64 { UInt64(bitPattern: Int64(bitPattern: entry & ~1) &+ offset) }
        var walked = 0
        while entry != head && walked < entryLimit {
            // The next pointer first: releasing a lock lets another thread reuse the entry.
            guard case .success(let next) = UserMemory.load(UInt64.self, at: entry & ~1) else { break }
            // The pending entry (a lock or unlock in progress) is handled once, after the list.
            if entry != pending {
                released = ownerDied(at: lockWord(entry), tid: tid, pi: entry & 1 != 0, pending: false) || released
            }
            entry = next
            walked += 1
        }
        if pending != 0 {
            released = ownerDied(at: lockWord(pending), tid: tid, pi: pending & 1 != 0, pending: true) || released
        }
        return released
    }

    /// Marks the lock word at `address` owner-died and ownerless if `tid` owns it, as Linux
    /// does for PI locks too (a later FUTEX_LOCK_PI takes an ownerless word), and lets a waiter in.
    /// True when `tid` owned it.
    @discardableResult
    private static func ownerDied(at address: UInt64, tid: UInt32, pi: Bool, pending: Bool) -> Bool {
        guard address & 3 == 0, case .success(var word) = UserMemory.load(UInt32.self, at: address) else { return false }
        while true {
            guard word & ownerMask == tid else {
                // Died between taking a waiter's wake-up and the lock: pass the wake-up on.
                if pending && !pi && word == 0 { wakeEither(address) }
                return false
            }
            let marked = (word & waitersBit) | ownerDiedBit
            guard case .success(let seen) = UserMemory.compareExchange(at: address, expected: word, desired: marked) else { return false }
            if seen == word { break }
            word = seen
        }
        // A PI lock's waiters sleep in FUTEX_LOCK_PI: `releasePILocks` hands it to one of them.
        if !pi && word & waitersBit != 0 { wakeEither(address) }
        return true
    }

    /// Wakes one waiter on `address`, whether it waits as a private or a shared futex: Linux
    /// keys both the same way for a private mapping and wakes robust locks as shared, and libcs
    /// wait either way.
    private static func wakeEither(_ address: UInt64) {
        if let woken = try? wake(address, count: 1, shared: false), woken > 0 { return }
        _ = try? wake(address, count: 1, shared: true)
    }

    /// Hands every PI lock the ending `thread` still owns — or that its libc freed in user
    /// space on the way out (musl stores a bare owner-died word and wakes with FUTEX_WAKE,
    /// which PI waiters do not hear) — to the lock's longest waiter, as Linux releases a dying
    /// thread's PI state. Only waiters of the thread's own process, or shared ones, can be
    /// waiting for its locks; the scan runs only in processes that have waited on PI futexes
    /// or whose thread just released robust locks (a waiter may be in another process).
    static func releasePILocks(of thread: Thread, in process: Process) {
        let tid = UInt32(truncatingIfNeeded: thread.id)
        let space = UInt64(UInt(bitPattern: ObjectIdentifier(process)))
        for b in buckets {
            var handed: [Waiter] = []
            b.lock.withLock {
                var i = 0
                while i < b.waiters.count {
                    let w = b.waiters[i]
                    if w.bitset == lockBitset, w.key.space == space || w.key.space == 0,
                        let heir = handOver(w.key, in: b, from: tid)
                    {
                        handed.append(heir)
                        i = 0  // the queue lost an entry: look again from the start
                        continue
                    }
                    i += 1
                }
            }
            for heir in handed { Scheduler.wake(heir.thread) }
        }
    }

    /// With `b` locked: if the lock `key` is owned by `tid` or by nobody, its longest waiter
    /// takes it (owner-died kept or, for `tid`'s, set). Returns that waiter, out of the queue.
    private static func handOver(_ key: Key, in b: Bucket, from tid: UInt32) -> Waiter? {
        // A private key is an address in this process; a shared one a physical address, which
        // the direct map reaches (the fault-tolerant cmpxchg serves both).
        let address = key.space == 0 ? DirectMap.base &+ key.address : key.address
        guard key.space == 0 || UserMemory.isValid(address, 4),
            let pointer = UnsafeMutablePointer<UInt32>(bitPattern: UInt(address))
        else { return nil }
        var word: UInt32 = 0
        guard skiff_user_cmpxchg32(pointer, &word, 0) == 0 else { return nil }  // reads it (0 stays 0)
        while true {
            let owner = word & ownerMask
            guard owner == tid || owner == 0, let next = heir(of: key, in: b) else { return nil }
            let died = owner == tid ? ownerDiedBit : word & ownerDiedBit
            var seen = word
            guard skiff_user_cmpxchg32(pointer, &seen, next.word(with: died)) == 0 else { return nil }
            if seen != word {
                word = seen
                continue
            }
            return dequeue(next, from: b)
        }
    }
}
#endif
