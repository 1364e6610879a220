#if SKIFF_KERNEL
import LinuxABI

/// Something waiting to hear that a pollable object's readiness changed: a thread in
/// `poll`/`select`, or an epoll item.
protocol PollListener: AnyObject {
    /// Called by the object, without its locks held, with the events that became possible.
    /// Must not block.
    func readinessChanged(_ events: PollEvents)
}

/// Where listeners of one pollable object register (Linux's wait_queue_head as used by
/// `poll_wait`). Objects call `notify` after each change that can make an operation possible
/// (data arrived, room appeared, the peer closed).
final class PollHead {
    private let lock = SpinLock()
    private var listeners: [PollListener] = []

    init() {}

    func add(_ listener: PollListener) {
        lock.withLock { listeners.append(listener) }
    }

    func remove(_ listener: PollListener) {
        lock.withLock { listeners.removeAll { $0 === listener } }
    }

    var isEmpty: Bool { lock.withLock { listeners.isEmpty } }

    /// Sleeps until `ready()` holds (checked after registering, so no notification is
    /// missed); false when a signal interrupts the wait.
    func waitInterruptibly(until ready: () -> Bool) -> Bool {
        if ready() { return true }
        let sleeper = PollSleeper(thread: Scheduler.current)
        add(sleeper)
        defer { remove(sleeper) }
        while !ready() {
            if Signals.pendingForCurrent() { return false }
            Scheduler.block()
        }
        return true
    }

    enum WaitOutcome {
        case ready, interrupted, timedOut
    }

    /// `waitInterruptibly(until:)` with an optional monotonic deadline (socket timeouts).
    func waitInterruptibly(until ready: () -> Bool, deadline: UInt64?) -> WaitOutcome {
        guard let deadline else { return waitInterruptibly(until: ready) ? .ready : .interrupted }
        if ready() { return .ready }
        let sleeper = PollSleeper(thread: Scheduler.current)
        add(sleeper)
        defer { remove(sleeper) }
        while !ready() {
            if Signals.pendingForCurrent() { return .interrupted }
            if Scheduler.sleep(until: deadline) { return ready() ? .ready : .timedOut }
        }
        return .ready
    }

    func notify(_ events: PollEvents) {
        let current: [PollListener] = lock.withLock { listeners.isEmpty ? [] : listeners }
        for l in current { l.readinessChanged(events) }
    }
}

/// A thread sleeping in `poll`, `select` or `epoll_wait`: any readiness change wakes it and it
/// checks again.
final class PollSleeper: PollListener {
    let thread: Thread
    private(set) var triggered = false

    init(thread: Thread) { self.thread = thread }

    func readinessChanged(_ events: PollEvents) {
        triggered = true
        Scheduler.wake(thread)
    }

    func reset() { triggered = false }
}
#endif
