#if SKIFF_KERNEL
import LinuxABI
import VFS

/// `fcntl(2)` record locks: POSIX locks (F_GETLK/F_SETLK/F_SETLKW), owned by the process and
/// dropped when it closes any descriptor of the file or exits, and OFD locks
/// (F_OFD_GETLK/…), owned by the open file description and dropped with it. What SQLite and
/// other multi-process programs rely on to share a file. The bookkeeping is
/// `VFS/RecordLockTable.swift`, kept under the wait queue's lock; a blocked locker retries after
/// every release, gives up on a signal, and fails with EDEADLK where waiting would never end.
enum RecordLocks {
    nonisolated(unsafe) static var table = RecordLockTable()
    nonisolated(unsafe) static let queue = WaitQueue()
    /// Set once any record lock was taken: until then closing a file skips the table.
    nonisolated(unsafe) static var everUsed = false

    /// `struct flock` as the syscall reads and writes it.
    struct Request {
        var type: Int
        var whence: Int
        var start: Int64
        var length: Int64
        var pid: Int32

        static let size = 32

        init(bytes: [UInt8]) {
            let r = StructReader(bytes)
            type = Int(r.get(Int16.self, at: 0))
            whence = Int(r.get(Int16.self, at: 2))
            start = r.get(Int64.self, at: 8)
            length = r.get(Int64.self, at: 16)
            pid = r.get(Int32.self, at: 24)
        }

        var bytes: [UInt8] {
            var w = StructWriter(size: Self.size)
            w.set(Int16(truncatingIfNeeded: type), at: 0)
            w.set(Int16(truncatingIfNeeded: whence), at: 2)
            w.set(start, at: 8)
            w.set(length, at: 16)
            w.set(pid, at: 24)
            return w.bytes
        }
    }

    /// fcntl(fd, F_GETLK/F_SETLK/F_SETLKW or the F_OFD_ forms, &flock) on the description `file`.
    static func fcntl(_ file: OpenFile, command: Int, address: UInt64) -> Result<Int, Errno> {
        guard !file.flags.isPath else { return .failure(.EBADF) }
        let request: Request
        switch UserMemory.read(address, count: Request.size) {
        case .success(let bytes): request = Request(bytes: bytes)
        case .failure(let e): return .failure(e)
        }
        let isDescriptionLock = command >= FileConstants.F_OFD_GETLK
        let isQuery = command == FileConstants.F_GETLK || command == FileConstants.F_OFD_GETLK
        // OFD locks have no process: l_pid must be 0 going in.
        if isDescriptionLock && request.pid != 0 { return .failure(.EINVAL) }
        let owner = isDescriptionLock ? ObjectIdentifier(file) : ObjectIdentifier(Syscalls.process)
        let range: (start: UInt64, end: UInt64)
        do throws(Errno) {
            let position = file.handler.isSeekable ? UInt64(try file.seek(offset: 0, whence: FileConstants.SEEK_CUR)) : 0
            let size = request.whence == FileConstants.SEEK_END ? try file.node.attributes().size : 0
            range = try RecordLockTable.range(
                whence: request.whence, start: request.start, length: request.length, position: position, size: size)
        } catch {
            return .failure(error)
        }
        let node = ObjectIdentifier(file.node)
        let kind: RecordLockTable.Kind
        switch request.type {
        case FileConstants.F_RDLCK: kind = .read
        case FileConstants.F_WRLCK: kind = .write
        case FileConstants.F_UNLCK:
            if isQuery { return .failure(.EINVAL) }
            let released = queue.lock.withLock { table.release(node: node, owner: owner, start: range.start, end: range.end) }
            if released { queue.wakeAll() }
            return .success(0)
        default:
            return .failure(.EINVAL)
        }

        if isQuery {
            let conflict = queue.lock.withLock {
                table.conflict(node: node, owner: owner, kind: kind, start: range.start, end: range.end)
            }
            var reply = request
            if let conflict {
                let (start, length) = RecordLockTable.reported(conflict)
                reply.type = conflict.kind == .read ? FileConstants.F_RDLCK : FileConstants.F_WRLCK
                reply.whence = FileConstants.SEEK_SET
                reply.start = start
                reply.length = length
                reply.pid = conflict.pid
            } else {
                reply.type = FileConstants.F_UNLCK
            }
            if let e = UserMemory.copyOut(reply.bytes, to: address) { return .failure(e) }
            return .success(0)
        }

        // Locking needs the access the lock is about.
        guard kind == .read ? file.flags.canRead : file.flags.canWrite else { return .failure(.EBADF) }
        let lock = RecordLockTable.Lock(
            owner: owner, kind: kind, start: range.start, end: range.end,
            pid: isDescriptionLock ? -1 : Syscalls.process.id)
        if isDescriptionLock { file.holdsFileLocks = true }
        everUsed = true
        let waits = command == FileConstants.F_SETLKW || command == FileConstants.F_OFD_SETLKW
        if !waits {
            let conflict = queue.lock.withLock { table.acquire(node: node, lock) }
            return conflict == nil ? .success(0) : .failure(.EAGAIN)
        }
        var deadlock = false
        let got = queue.waitInterruptibly(while: {
            guard let holder = table.acquire(node: node, lock) else { return false }
            // Only POSIX owners can be waited for in a cycle Linux reports.
            if !isDescriptionLock && holder.pid >= 0 {
                if table.wouldDeadlock(waiter: owner, holder: holder.owner) {
                    deadlock = true
                    return false
                }
                table.setWaiting(owner, for: holder.owner)
            }
            return true
        })
        if !isDescriptionLock { queue.lock.withLock { table.clearWaiting(owner) } }
        if deadlock { return .failure(.EDEADLK) }
        return got ? .success(0) : .failure(.ERESTARTSYS)
    }

    /// The current process closed descriptors: its POSIX locks on those files go, whichever
    /// descriptor took them (POSIX's rule, kept by Linux).
    static func closed(_ files: [OpenFile], by process: Process) {
        guard everUsed else { return }
        let owner = ObjectIdentifier(process)
        let released = queue.lock.withLock {
            var any = false
            for file in files where table.release(node: ObjectIdentifier(file.node), owner: owner) { any = true }
            return any
        }
        if released { queue.wakeAll() }
    }

    /// Every lock `owner` (a process that exited, a description that went) holds.
    static func releaseAll(owner: ObjectIdentifier) {
        guard everUsed else { return }
        let released = queue.lock.withLock { table.releaseAll(owner: owner) }
        if released { queue.wakeAll() }
    }
}
#endif
