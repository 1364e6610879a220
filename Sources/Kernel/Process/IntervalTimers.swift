#if SKIFF_KERNEL

/// Every armed `KernelTimer`, fired by one kernel thread that sleeps until the earliest
/// deadline. The thread starts with the first timer armed, so a program that never uses
/// timers costs nothing.
enum IntervalTimers {
    static let lock = SpinLock()
    nonisolated(unsafe) static var armed: [KernelTimer] = []
    nonisolated(unsafe) static var service: Thread? = nil

    /// Arms `timer` to expire at `deadline` (monotonic ns) and then every `interval` ns;
    /// a nil deadline disarms it.
    static func arm(_ timer: KernelTimer, deadline: UInt64?, interval: UInt64) {
        let start: Bool = lock.withLock {
            timer.deadline = deadline
            timer.interval = deadline == nil ? 0 : interval
            (timer as? ProcessTimer)?.overrun = 0
            armed.removeAll { $0 === timer }
            if deadline != nil { armed.append(timer) }
            return service == nil && deadline != nil
        }
        if start {
            let thread = Scheduler.spawnKernelThread("timers") { run() }
            lock.withLock { service = thread }
        } else if let service = lock.withLock({ service }) {
            Scheduler.wake(service)
        }
    }

    /// Disarms every timer of `process` (it is ending, or exec replaces its POSIX timers).
    static func disarmAll(of process: Process, keepingRealTimer: Bool = false) {
        lock.withLock { armed.removeAll { t in t.owner === process && !(keepingRealTimer && ((t as? ProcessTimer)?.id ?? 0) < 0) } }
    }

    private static func run() {
        while true {
            let now = Clock.monotonic
            var due: [(KernelTimer, UInt64)] = []
            let next: UInt64? = lock.withLock {
                for timer in armed where (timer.deadline ?? .max) <= now {
                    due.append((timer, timer.advance(now: now)))
                }
                armed.removeAll { $0.deadline == nil }
                return armed.map { $0.deadline! }.min()
            }
            for (timer, missed) in due { timer.expired(missed: missed) }
            if let next {
                Scheduler.sleep(until: next)
            } else {
                Scheduler.block()
            }
        }
    }
}
#endif
