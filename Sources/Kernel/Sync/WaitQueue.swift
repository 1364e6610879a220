#if SKIFF_KERNEL
/// Threads sleeping until some condition changes.
///
/// `wait(while:)` checks the condition under the queue's lock and only then sleeps, so a
/// wake-up between the check and the sleep is never lost (see `Scheduler` for the protocol).
/// Wakers change the condition first, then call `wakeOne`/`wakeAll`.
final class WaitQueue {
    let lock = SpinLock()
    private var waiters: [Thread] = []

    init() {}

    var count: Int { lock.withLock { waiters.count } }

    /// Whether anyone waits; call with `lock` held (lets a waker that already holds it skip
    /// `wakeAll` when nobody sleeps, the common case of an uncontended lock).
    var hasWaitersLocked: Bool { !waiters.isEmpty }

    /// Sleeps while `condition()` holds (evaluated under the lock), until woken or until the
    /// monotonic `deadline`. Returns false on timeout.
    @discardableResult
    func wait(while condition: () -> Bool, deadline: UInt64? = nil) -> Bool {
        let me = Scheduler.current
        while true {
            let mustWait: Bool = lock.withLock {
                guard condition() else { return false }
                if !waiters.contains(where: { $0 === me }) { waiters.append(me) }
                return true
            }
            guard mustWait else { return true }
            if let deadline {
                if Scheduler.sleep(until: deadline) {
                    let stillWaiting = lock.withLock { () -> Bool in
                        if let i = waiters.firstIndex(where: { $0 === me }) {
                            waiters.remove(at: i)
                            return condition()
                        }
                        return condition()
                    }
                    if stillWaiting { return false }
                }
            } else {
                Scheduler.block()
            }
        }
    }

    /// Sleeps while `condition()` holds, like `wait(while:)`, but gives up when a signal
    /// arrives for the calling thread (or its process is ending): false then, and the caller's
    /// system call returns EINTR or restarts.
    func waitInterruptibly(while condition: () -> Bool) -> Bool {
        let me = Scheduler.current
        while true {
            // Checked outside the lock: a signal sent after this check wakes the thread, and
            // `block` then returns at once.
            if Signals.pendingForCurrent() {
                lock.withLock { waiters.removeAll { $0 === me } }
                return false
            }
            let mustWait: Bool = lock.withLock {
                guard condition() else { return false }
                if !waiters.contains(where: { $0 === me }) { waiters.append(me) }
                return true
            }
            guard mustWait else { return true }
            Scheduler.block()
        }
    }

    /// Wakes the longest waiter; false if there was none.
    @discardableResult
    func wakeOne() -> Bool {
        let t: Thread? = lock.withLock { waiters.isEmpty ? nil : waiters.removeFirst() }
        guard let t else { return false }
        Scheduler.wake(t)
        return true
    }

    /// Wakes every waiter; returns how many.
    @discardableResult
    func wakeAll() -> Int {
        let all: [Thread] = lock.withLock {
            if waiters.isEmpty { return [] }
            let w = waiters
            waiters.removeAll()
            return w
        }
        for t in all { Scheduler.wake(t) }
        return all.count
    }
}

/// A counting semaphore for kernel threads.
final class Semaphore {
    private var value: Int
    private let queue = WaitQueue()

    init(_ value: Int = 0) { self.value = value }

    func signal() {
        queue.lock.withLock { value += 1 }
        queue.wakeOne()
    }

    /// Waits for a unit; false on timeout.
    @discardableResult
    func wait(deadline: UInt64? = nil) -> Bool {
        while true {
            let taken: Bool = queue.lock.withLock {
                if value > 0 {
                    value -= 1
                    return true
                }
                return false
            }
            if taken { return true }
            if !queue.wait(while: { value == 0 }, deadline: deadline) { return false }
        }
    }
}

/// A sleeping mutual-exclusion lock for kernel threads (for long critical sections where a
/// spinlock would waste CPUs: file systems, block I/O).
final class Mutex {
    private var owner: Thread? = nil
    private let queue = WaitQueue()

    init() {}

    func lock() {
        let me = Scheduler.current
        while true {
            let acquired: Bool = queue.lock.withLock {
                if owner == nil {
                    owner = me
                    return true
                }
                return false
            }
            if acquired { return }
            queue.wait(while: { owner != nil })
        }
    }

    func unlock() {
        queue.lock.withLock { owner = nil }
        queue.wakeOne()
    }

    func withLock<R>(_ body: () -> R) -> R {
        lock()
        let r = body()
        unlock()
        return r
    }
}

/// A condition variable used with `Mutex`.
final class ConditionVariable {
    private let queue = WaitQueue()
    private var generation: UInt64 = 0

    init() {}

    /// Releases `mutex`, sleeps until signalled (or the deadline), and re-acquires it.
    @discardableResult
    func wait(_ mutex: Mutex, deadline: UInt64? = nil) -> Bool {
        let seen = queue.lock.withLock { generation }
        mutex.unlock()
        let signalled = queue.wait(while: { generation == seen }, deadline: deadline)
        mutex.lock()
        return signalled
    }

    func signal() {
        queue.lock.withLock { generation &+= 1 }
        queue.wakeOne()
    }

    func broadcast() {
        queue.lock.withLock { generation &+= 1 }
        queue.wakeAll()
    }
}
#endif
