#if SKIFF_KERNEL
import LinuxABI
import VFS

/// An epoll instance: a set of watched descriptions and the list of those that became ready.
///
/// Each item listens on its file's `PollHead`; a readiness change puts it on the ready list
/// and wakes `epoll_wait`ers, so waiting costs nothing per watched file (unlike `poll`).
/// `epoll_wait` re-checks each ready item's real readiness before reporting it:
/// level-triggered items stay on the list while ready, edge-triggered ones leave it until
/// their next change, one-shot ones are disabled until EPOLL_CTL_MOD re-arms them.
final class EventPoll: AnonymousNode {
    let lock = SpinLock()
    private var items: [EpollItem] = []
    private var ready: [EpollItem] = []

    override init() { super.init() }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int { throw .EINVAL }

    /// Readable when some item is really ready (what a nested epoll or a poll on it sees).
    override func readiness() -> PollEvents {
        let candidates = lock.withLock { ready }
        for item in candidates where !item.currentEvents().isEmpty { return [.input, .readNormal] }
        return []
    }

    /// The last descriptor of the epoll itself is gone: stop listening everywhere.
    override func released(flags: OpenFlags) {
        let all: [EpollItem] = lock.withLock {
            let all = items
            items.removeAll()
            ready.removeAll()
            return all
        }
        for item in all { item.detach() }
    }

    // MARK: epoll_ctl

    func add(fd: Int32, file: OpenFile, events: UInt32, data: UInt64) throws(Errno) {
        guard let target = file.handler as? PollableNode else { throw .EPERM }
        if target === self { throw .EINVAL }
        if let nested = target as? EventPoll, nested.watches(self, depth: 0) { throw .ELOOP }
        let item = EpollItem(epoll: self, fd: fd, file: file, target: target, events: events, data: data)
        let exists: Bool = lock.withLock {
            if items.contains(where: { $0.fd == fd && $0.file === file }) { return true }
            items.append(item)
            return false
        }
        if exists { throw .EEXIST }
        EpollItem.registryLock.withLock { file.watchers.append(item) }
        target.pollHead.add(item)
        if !item.currentEvents().isEmpty { markReady(item) }
    }

    func modify(fd: Int32, file: OpenFile, events: UInt32, data: UInt64) throws(Errno) {
        let found: Result<EpollItem, Errno> = lock.withLock {
            guard let item = items.first(where: { $0.fd == fd && $0.file === file }) else { return .failure(.ENOENT) }
            if item.events & PollEvents.EPOLLEXCLUSIVE != 0 { return .failure(.EINVAL) }
            item.events = events
            item.data = data
            item.disabled = false
            return .success(item)
        }
        let item = try found.get()
        if !item.currentEvents().isEmpty { markReady(item) }
    }

    func delete(fd: Int32, file: OpenFile) throws(Errno) {
        let found: EpollItem? = lock.withLock {
            guard let i = items.firstIndex(where: { $0.fd == fd && $0.file === file }) else { return nil }
            let item = items.remove(at: i)
            ready.removeAll { $0 === item }
            return item
        }
        guard let item = found else { throw .ENOENT }
        item.detach()
    }

    /// Drops `item` (its file's last descriptor closed).
    func forget(_ item: EpollItem) {
        lock.withLock {
            items.removeAll { $0 === item }
            ready.removeAll { $0 === item }
        }
    }

    /// Whether this instance watches `other`, directly or through nested instances (loops
    /// and nesting deeper than Linux's 5 levels are refused).
    func watches(_ other: EventPoll, depth: Int) -> Bool {
        if depth > 4 { return true }
        let nested = lock.withLock { items.compactMap { $0.target as? EventPoll } }
        return nested.contains { $0 === other || $0.watches(other, depth: depth + 1) }
    }

    // MARK: Readiness

    func markReady(_ item: EpollItem) {
        let added: Bool = lock.withLock {
            guard !item.disabled, items.contains(where: { $0 === item }) else { return false }
            item.generation &+= 1  // tells a concurrent `collect` not to drop it
            if ready.contains(where: { $0 === item }) { return false }
            ready.append(item)
            return true
        }
        if added { pollHead.notify([.input, .readNormal]) }
    }

    /// Collects up to `maximum` ready events, re-checking each item.
    func collect(maximum: Int) -> [(events: UInt32, data: UInt64)] {
        let (candidates, generations) = lock.withLock { (ready, ready.map { $0.generation }) }
        var out: [(events: UInt32, data: UInt64)] = []
        var done: [EpollItem] = []
        var stillReady: [EpollItem] = []
        for item in candidates {
            if out.count >= maximum {
                stillReady.append(item)
                continue
            }
            let events = item.currentEvents()
            if events.isEmpty {
                done.append(item)
                continue
            }
            out.append((events.rawValue, item.data))
            if item.events & PollEvents.EPOLLONESHOT != 0 {
                item.disabled = true
                done.append(item)
            } else if item.events & PollEvents.EPOLLET != 0 {
                done.append(item)
            } else {
                stillReady.append(item)
            }
        }
        lock.withLock {
            // An item marked ready again since the snapshot stays; the others found not ready
            // (or edge-triggered and reported) leave. Reported level-triggered items go to the
            // back, so one busy file cannot starve the rest.
            var changed: [EpollItem] = []
            for (i, item) in candidates.enumerated() where item.generation != generations[i] { changed.append(item) }
            ready.removeAll { r in
                (done.contains { $0 === r } && (r.disabled || !changed.contains { $0 === r })) || stillReady.contains { $0 === r }
            }
            ready.append(contentsOf: stillReady)
        }
        return out
    }
}

/// One watched (descriptor, description) pair of an epoll instance.
final class EpollItem: PollListener {
    /// Guards every `OpenFile.watchers` list.
    static let registryLock = SpinLock()

    let epoll: EventPoll
    let fd: Int32
    let file: OpenFile
    let target: PollableNode
    var events: UInt32
    var data: UInt64
    /// EPOLLONESHOT fired; re-armed by EPOLL_CTL_MOD.
    var disabled = false
    /// Bumped by every `markReady` (under the epoll's lock).
    var generation: UInt64 = 0

    init(epoll: EventPoll, fd: Int32, file: OpenFile, target: PollableNode, events: UInt32, data: UInt64) {
        self.epoll = epoll
        self.fd = fd
        self.file = file
        self.target = target
        self.events = events
        self.data = data
    }

    /// The events to report now: the file's readiness within the interest set (errors and
    /// hang-ups always).
    func currentEvents() -> PollEvents {
        guard !disabled else { return [] }
        let interest = PollEvents(rawValue: events & 0x0FFF_FFFF).union([.error, .hangUp])
        return target.readiness().intersection(interest)
    }

    func readinessChanged(_ changed: PollEvents) {
        let interest = PollEvents(rawValue: events & 0x0FFF_FFFF).union([.error, .hangUp])
        if !changed.isEmpty && changed.intersection(interest).isEmpty { return }
        epoll.markReady(self)
    }

    /// Stops listening and leaves the file's watcher list.
    func detach() {
        target.pollHead.remove(self)
        Self.registryLock.withLock { file.watchers.removeAll { $0 === self } }
    }

    /// The last descriptor of `file` closed: its items leave their epolls.
    static func fileReleased(_ file: OpenFile) {
        let items: [AnyObject] = registryLock.withLock {
            let w = file.watchers
            file.watchers.removeAll()
            return w
        }
        for object in items {
            guard let item = object as? EpollItem else { continue }
            item.target.pollHead.remove(item)
            item.epoll.forget(item)
        }
    }
}
#endif
