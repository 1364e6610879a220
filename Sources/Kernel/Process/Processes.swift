#if SKIFF_KERNEL
/// The process table: every live or zombie process by ID.
enum Processes {
    static let lock = SpinLock()
    nonisolated(unsafe) static var all: [Process] = []

    static func add(_ p: Process) {
        lock.withLock { all.append(p) }
    }

    static func remove(_ p: Process) {
        lock.withLock { all.removeAll { $0 === p } }
    }

    static func find(_ id: Int32) -> Process? {
        lock.withLock { all.first { $0.id == id } }
    }

    static var snapshot: [Process] { lock.withLock { all } }

    /// The thread with Linux thread ID `id`, in any process.
    static func thread(_ id: Int32) -> Thread? {
        for p in snapshot {
            if let t = p.lock.withLock({ p.threads.first { $0.id == id } }) { return t }
        }
        return nil
    }
}
#endif
