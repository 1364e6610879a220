import LinuxABI

/// A process's file descriptors: small integers naming open file descriptions, each with its
/// own close-on-exec flag.
///
/// Shared by threads (CLONE_FILES), so every operation takes the table's lock — a leaf lock:
/// no file system or node is called while it is held. Operations that drop descriptions
/// return them instead of letting them go inside the lock, so the last release (which may
/// call a driver's `released`) happens after the caller lets go of the result.
public final class FileDescriptorTable {
    struct Slot {
        var file: OpenFile
        var closeOnExec: Bool
    }

    let lock: any VFSLock
    private var slots: [Slot?] = []
    /// No free descriptor below this index (a search hint).
    private var lowestFree = 0
    private var storedLimit: Int

    /// Largest limit accepted, Linux's default `fs.nr_open`.
    public static let maxLimit = 1 << 20

    /// A table whose descriptors must stay below `limit` (RLIMIT_NOFILE).
    public init(limit: Int = 1024, lock: any VFSLock) {
        self.lock = lock
        storedLimit = min(max(limit, 0), Self.maxLimit)
    }

    /// RLIMIT_NOFILE: new descriptors must be below it. Lowering it leaves open descriptors
    /// above it alone, as on Linux.
    public var limit: Int {
        get { exclusively(lock) { storedLimit } }
        set { exclusively(lock) { storedLimit = min(max(newValue, 0), Self.maxLimit) } }
    }

    /// The description `fd` refers to; EBADF when it is not open.
    public func file(_ fd: Int32) throws(Errno) -> OpenFile {
        try exclusively(lock) { () throws(Errno) -> OpenFile in try slot(fd).file }
    }

    /// Installs `file` at the lowest free descriptor at or above `minimum`. EMFILE when none
    /// is below the limit; EINVAL for a negative `minimum`.
    public func install(_ file: OpenFile, closeOnExec: Bool = false, minimum: Int32 = 0) throws(Errno) -> Int32 {
        try exclusively(lock) { () throws(Errno) -> Int32 in
            try allocate(file, closeOnExec: closeOnExec, minimum: minimum)
        }
    }

    /// `close`: removes `fd` and returns its description. EBADF when it is not open.
    @discardableResult
    public func close(_ fd: Int32) throws(Errno) -> OpenFile {
        try exclusively(lock) { () throws(Errno) -> OpenFile in
            let file = try slot(fd).file
            remove(at: Int(fd))
            return file
        }
    }

    /// `dup`: the lowest free descriptor, sharing `fd`'s description, close-on-exec clear.
    public func duplicate(_ fd: Int32) throws(Errno) -> Int32 {
        try exclusively(lock) { () throws(Errno) -> Int32 in
            try allocate(slot(fd).file, closeOnExec: false, minimum: 0)
        }
    }

    /// `fcntl(F_DUPFD / F_DUPFD_CLOEXEC)`: EINVAL when `minimum` is negative or not below
    /// the limit, EMFILE when no descriptor from `minimum` up is free.
    public func duplicate(_ fd: Int32, minimum: Int32, closeOnExec: Bool) throws(Errno) -> Int32 {
        try exclusively(lock) { () throws(Errno) -> Int32 in
            let file = try slot(fd).file
            guard minimum >= 0, Int(minimum) < storedLimit else { throw .EINVAL }
            return try allocate(file, closeOnExec: closeOnExec, minimum: minimum)
        }
    }

    /// `dup2`: `newFD` becomes a copy of `oldFD`, silently closing what it was. With equal
    /// descriptors, only checks that `oldFD` is open. EBADF for a closed `oldFD` or a `newFD`
    /// outside 0..<limit. Returns the replaced description, if any, for release.
    public func duplicate2(_ oldFD: Int32, to newFD: Int32) throws(Errno) -> (fd: Int32, replaced: OpenFile?) {
        if oldFD == newFD {
            _ = try file(oldFD)
            return (newFD, nil)
        }
        return try duplicate3(oldFD, to: newFD, flags: 0)
    }

    /// `dup3`: like dup2 but EINVAL for equal descriptors or flags other than O_CLOEXEC, which
    /// sets close-on-exec on `newFD`.
    public func duplicate3(_ oldFD: Int32, to newFD: Int32, flags: Int) throws(Errno) -> (
        fd: Int32, replaced: OpenFile?
    ) {
        guard flags & ~FileConstants.O_CLOEXEC == 0 else { throw .EINVAL }
        guard oldFD != newFD else { throw .EINVAL }
        return try exclusively(lock) { () throws(Errno) -> (fd: Int32, replaced: OpenFile?) in
            guard newFD >= 0, Int(newFD) < storedLimit else { throw .EBADF }
            let file = try slot(oldFD).file
            let index = Int(newFD)
            let replaced = index < slots.count ? slots[index]?.file : nil
            place(Slot(file: file, closeOnExec: flags & FileConstants.O_CLOEXEC != 0), at: index)
            return (newFD, replaced)
        }
    }

    /// `F_GETFD`: whether close-on-exec is set.
    public func closeOnExec(_ fd: Int32) throws(Errno) -> Bool {
        try exclusively(lock) { () throws(Errno) -> Bool in try slot(fd).closeOnExec }
    }

    /// `F_SETFD`: sets or clears close-on-exec.
    public func setCloseOnExec(_ fd: Int32, _ value: Bool) throws(Errno) {
        try exclusively(lock) { () throws(Errno) in
            _ = try slot(fd)
            slots[Int(fd)]?.closeOnExec = value
        }
    }

    /// `close_range(first, last, flags)`: closes the open descriptors in `first...last`
    /// (`last` may exceed the table), or with CLOSE_RANGE_CLOEXEC marks them close-on-exec.
    /// CLOSE_RANGE_UNSHARE is accepted: unsharing the table is the caller's job (see `copy`).
    /// EINVAL for other flags or `first > last`. Returns the closed descriptions.
    public func closeRange(first: UInt32, last: UInt32, flags: UInt32) throws(Errno) -> [OpenFile] {
        guard flags & ~(Self.CLOSE_RANGE_UNSHARE | Self.CLOSE_RANGE_CLOEXEC) == 0, first <= last else {
            throw .EINVAL
        }
        return exclusively(lock) {
            var closed: [OpenFile] = []
            guard Int(first) < slots.count else { return closed }
            let end = min(Int(last), slots.count - 1)
            for index in Int(first)...end {
                guard let slot = slots[index] else { continue }
                if flags & Self.CLOSE_RANGE_CLOEXEC != 0 {
                    slots[index]?.closeOnExec = true
                } else {
                    closed.append(slot.file)
                    remove(at: index, trimming: false)
                }
            }
            trim()
            return closed
        }
    }

    public static let CLOSE_RANGE_UNSHARE: UInt32 = 1 << 1
    public static let CLOSE_RANGE_CLOEXEC: UInt32 = 1 << 2

    /// The execve sweep: closes every close-on-exec descriptor; returns the closed
    /// descriptions.
    public func closeOnExecSweep() -> [OpenFile] {
        exclusively(lock) {
            var closed: [OpenFile] = []
            for index in 0..<slots.count {
                if let slot = slots[index], slot.closeOnExec {
                    closed.append(slot.file)
                    remove(at: index, trimming: false)
                }
            }
            trim()
            return closed
        }
    }

    /// A new table with the same descriptors sharing the same descriptions (fork, or
    /// unsharing with CLONE_FILES cleared).
    public func copy(lock: any VFSLock) -> FileDescriptorTable {
        exclusively(self.lock) {
            let table = FileDescriptorTable(limit: storedLimit, lock: lock)
            table.slots = slots
            for slot in slots { slot?.file.descriptorAdded() }
            table.lowestFree = lowestFree
            return table
        }
    }

    /// Closes everything (process exit); returns the descriptions.
    public func removeAll() -> [OpenFile] {
        exclusively(lock) {
            var closed: [OpenFile] = []
            for slot in slots {
                if let slot {
                    slot.file.descriptorRemoved()
                    closed.append(slot.file)
                }
            }
            slots.removeAll()
            lowestFree = 0
            return closed
        }
    }

    /// The open descriptors in increasing order (for /proc/self/fd).
    public var openDescriptors: [Int32] {
        exclusively(lock) {
            var result: [Int32] = []
            for index in 0..<slots.count where slots[index] != nil { result.append(Int32(index)) }
            return result
        }
    }

    /// How many descriptors are open.
    public var count: Int {
        exclusively(lock) {
            var count = 0
            for slot in slots where slot != nil { count += 1 }
            return count
        }
    }

    // MARK: Under the lock

    /// The lowest free descriptor at or above `minimum`, now holding `file`.
    private func allocate(_ file: OpenFile, closeOnExec: Bool, minimum: Int32) throws(Errno) -> Int32 {
        guard minimum >= 0 else { throw .EINVAL }
        var index = max(Int(minimum), lowestFree)
        while index < slots.count && slots[index] != nil { index += 1 }
        guard index < storedLimit else { throw .EMFILE }
        place(Slot(file: file, closeOnExec: closeOnExec), at: index)
        if Int(minimum) <= lowestFree { lowestFree = index + 1 }
        return Int32(index)
    }

    private func slot(_ fd: Int32) throws(Errno) -> Slot {
        guard fd >= 0, Int(fd) < slots.count, let slot = slots[Int(fd)] else { throw .EBADF }
        return slot
    }

    private func place(_ slot: Slot, at index: Int) {
        while slots.count <= index { slots.append(nil) }
        slots[index]?.file.descriptorRemoved()
        slot.file.descriptorAdded()
        slots[index] = slot
    }

    private func remove(at index: Int, trimming: Bool = true) {
        slots[index]?.file.descriptorRemoved()
        slots[index] = nil
        if index < lowestFree { lowestFree = index }
        if trimming { trim() }
    }

    /// Drops trailing empty slots so the array tracks the highest open descriptor.
    private func trim() {
        while let last = slots.last, last == nil { slots.removeLast() }
    }
}
