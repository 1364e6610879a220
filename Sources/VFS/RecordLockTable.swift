import LinuxABI

/// Byte-range advisory locks as `fcntl(2)` keeps them: POSIX record locks, owned by a process,
/// and open-file-description (OFD) locks, owned by a description.
///
/// Only the bookkeeping lives here, so the host tests can drive it; the kernel wraps it in a
/// lock and a wait queue for `F_SETLKW`. The rules are Linux's: an owner's locks never
/// conflict with each other, so a new lock replaces whatever part of the owner's own locks it
/// covers (splitting them), and adjacent or overlapping locks of one kind merge. Ranges are
/// half-open, `start..<end`, with `RecordLockTable.toEnd` for "to the end of the file,
/// however long it grows" (a length of 0).
public struct RecordLockTable {
    public enum Kind: Equatable, Sendable {
        case read
        case write

        func conflicts(with other: Kind) -> Bool { self == .write || other == .write }
    }

    /// One held range.
    public struct Lock: Equatable {
        public var owner: ObjectIdentifier
        public var kind: Kind
        public var start: UInt64
        public var end: UInt64
        /// What `F_GETLK` reports as the holder: the process for a POSIX lock, -1 for an OFD one.
        public var pid: Int32

        public init(owner: ObjectIdentifier, kind: Kind, start: UInt64, end: UInt64, pid: Int32) {
            self.owner = owner
            self.kind = kind
            self.start = start
            self.end = end
            self.pid = pid
        }

        func overlaps(_ start: UInt64, _ end: UInt64) -> Bool { self.start < end && start < self.end }
    }

    /// The end of a range that runs to the end of the file: one past Linux's `OFFSET_MAX`.
    public static let toEnd = UInt64(Int64.max) + 1

    /// Nodes with locks and their ranges; few at a time, so a list.
    private var entries: [(node: ObjectIdentifier, locks: [Lock])] = []
    /// POSIX owners blocked in `F_SETLKW`, and the owner each waits for (deadlock detection).
    private var waits: [(waiter: ObjectIdentifier, holder: ObjectIdentifier)] = []

    public init() {}

    /// The first lock of another owner that a `kind` lock on `start..<end` would conflict with.
    public func conflict(node: ObjectIdentifier, owner: ObjectIdentifier, kind: Kind, start: UInt64, end: UInt64) -> Lock? {
        guard let entry = entries.first(where: { $0.node == node }) else { return nil }
        return entry.locks.first { $0.owner != owner && $0.overlaps(start, end) && $0.kind.conflicts(with: kind) }
    }

    /// Takes `lock` on `node`; the conflicting lock when another owner's is in the way (nothing
    /// changes then).
    public mutating func acquire(node: ObjectIdentifier, _ lock: Lock) -> Lock? {
        if let other = conflict(node: node, owner: lock.owner, kind: lock.kind, start: lock.start, end: lock.end) {
            return other
        }
        let index: Int
        if let found = entries.firstIndex(where: { $0.node == node }) {
            index = found
        } else {
            entries.append((node, []))
            index = entries.count - 1
        }
        var locks = Self.carve(entries[index].locks, owner: lock.owner, start: lock.start, end: lock.end)
        var merged = lock
        // The owner's own ranges of the same kind that touch the new one fold into it.
        locks.removeAll { own in
            guard own.owner == lock.owner, own.kind == lock.kind, own.start <= merged.end, merged.start <= own.end
            else { return false }
            merged.start = min(merged.start, own.start)
            merged.end = max(merged.end, own.end)
            return true
        }
        locks.append(merged)
        entries[index].locks = locks
        return nil
    }

    /// Drops `owner`'s locks on `start..<end` of `node`, splitting ranges that reach past it;
    /// true if anything was released (waiters may now succeed).
    @discardableResult
    public mutating func release(node: ObjectIdentifier, owner: ObjectIdentifier, start: UInt64 = 0, end: UInt64 = toEnd) -> Bool {
        guard let index = entries.firstIndex(where: { $0.node == node }) else { return false }
        let before = entries[index].locks
        let after = Self.carve(before, owner: owner, start: start, end: end)
        guard after != before else { return false }
        if after.isEmpty {
            entries.remove(at: index)
        } else {
            entries[index].locks = after
        }
        return true
    }

    /// Drops every lock `owner` holds (its process exited, or its description was closed).
    @discardableResult
    public mutating func releaseAll(owner: ObjectIdentifier) -> Bool {
        var released = false
        for index in entries.indices.reversed() {
            let before = entries[index].locks.count
            entries[index].locks.removeAll { $0.owner == owner }
            if entries[index].locks.count != before { released = true }
            if entries[index].locks.isEmpty { entries.remove(at: index) }
        }
        waits.removeAll { $0.waiter == owner }
        return released
    }

    /// `owner`'s ranges with `start..<end` cut out of them.
    private static func carve(_ locks: [Lock], owner: ObjectIdentifier, start: UInt64, end: UInt64) -> [Lock] {
        var result: [Lock] = []
        for lock in locks {
            guard lock.owner == owner, lock.overlaps(start, end) else {
                result.append(lock)
                continue
            }
            if lock.start < start {
                var head = lock
                head.end = start
                result.append(head)
            }
            if end < lock.end {
                var tail = lock
                tail.start = end
                result.append(tail)
            }
        }
        return result
    }

    // MARK: struct flock ranges

    /// The range a `struct flock` names: `start` relative to `whence` (the description's
    /// `position` or the file's `size`), `length` bytes forward, backward when negative, or to
    /// the end when 0. EINVAL for a range before byte 0 or a bad `whence`, EOVERFLOW for one
    /// past the largest offset (Linux's checks, in its order).
    public static func range(whence: Int, start: Int64, length: Int64, position: UInt64, size: UInt64) throws(Errno) -> (start: UInt64, end: UInt64) {
        let maximum = Int64.max
        let base: Int64
        switch whence {
        case FileConstants.SEEK_SET: base = 0
        case FileConstants.SEEK_CUR: base = Int64(clamping: position)
        case FileConstants.SEEK_END: base = Int64(clamping: size)
        default: throw .EINVAL
        }
        guard start <= maximum - base else { throw .EOVERFLOW }
        var first = base + start
        guard first >= 0 else { throw .EINVAL }
        let last: Int64  // inclusive, as Linux keeps it
        if length > 0 {
            guard length - 1 <= maximum - first else { throw .EOVERFLOW }
            last = first + length - 1
        } else if length < 0 {
            guard first + length >= 0 else { throw .EINVAL }
            last = first - 1
            first += length
        } else {
            last = maximum
        }
        return (UInt64(first), UInt64(last) + 1)
    }

    /// The `l_start` and `l_len` that report `lock` (a length of 0 runs to the end).
    public static func reported(_ lock: Lock) -> (start: Int64, length: Int64) {
        (Int64(lock.start), lock.end == toEnd ? 0 : Int64(lock.end - lock.start))
    }

    // MARK: Deadlock detection (POSIX locks)

    /// True when `waiter` waiting for `holder` would close a cycle: `holder` already waits,
    /// directly or through others, for `waiter`.
    public func wouldDeadlock(waiter: ObjectIdentifier, holder: ObjectIdentifier) -> Bool {
        var current = holder
        var steps = 0
        while steps <= waits.count {
            if current == waiter { return true }
            guard let next = waits.first(where: { $0.waiter == current }) else { return false }
            current = next.holder
            steps += 1
        }
        return false
    }

    /// Records that `waiter` sleeps until `holder` lets go.
    public mutating func setWaiting(_ waiter: ObjectIdentifier, for holder: ObjectIdentifier) {
        if let index = waits.firstIndex(where: { $0.waiter == waiter }) {
            waits[index].holder = holder
        } else {
            waits.append((waiter, holder))
        }
    }

    /// `waiter` stopped waiting (it got its lock, gave up, or was interrupted).
    public mutating func clearWaiting(_ waiter: ObjectIdentifier) {
        waits.removeAll { $0.waiter == waiter }
    }

    // MARK: Inspection

    /// The locks on `node`, in no particular order (for /proc/locks and tests).
    public func locks(node: ObjectIdentifier) -> [Lock] {
        entries.first { $0.node == node }?.locks ?? []
    }

    /// Nodes that have at least one lock.
    public var lockedNodeCount: Int { entries.count }
}
