#if SKIFF_KERNEL
import LinuxABI
import VFS

/// `flock(2)`: whole-file advisory locks between open file descriptions — across processes
/// since Skiff has fork. The bookkeeping is `VFS/FileLockTable.swift`, kept under the wait
/// queue's lock; a blocked locker retries after every release and gives up on a signal.
enum FileLocks {
    nonisolated(unsafe) static var table = FileLockTable()
    nonisolated(unsafe) static let queue = WaitQueue()

    static let LOCK_SH = 1
    static let LOCK_EX = 2
    static let LOCK_NB = 4
    static let LOCK_UN = 8

    /// Installs the hook that drops a description's locks (flock's and OFD record locks) when
    /// its last reference goes.
    static func initialize() {
        OpenFile.releasedWithLocks = { owner in
            let released = queue.lock.withLock { table.releaseAll(owner: owner) }
            if released { queue.wakeAll() }
            RecordLocks.releaseAll(owner: owner)
        }
    }

    /// flock(fd, operation) on the description `file`.
    static func flock(_ file: OpenFile, operation: Int) -> Result<Int, Errno> {
        let node = ObjectIdentifier(file.node)
        let owner = ObjectIdentifier(file)
        let kind: FileLockTable.Kind
        switch operation & ~LOCK_NB {
        case LOCK_UN:
            let released = queue.lock.withLock { table.release(node: node, owner: owner) }
            if released { queue.wakeAll() }
            return .success(0)
        case LOCK_SH: kind = .shared
        case LOCK_EX: kind = .exclusive
        default: return .failure(.EINVAL)
        }
        guard operation & ~(LOCK_NB | LOCK_SH | LOCK_EX) == 0 else { return .failure(.EINVAL) }
        var converted = false
        let take = { () -> Bool in
            file.holdsFileLocks = true
            let had = table.kind(node: node, owner: owner) != nil
            let got = table.acquire(node: node, owner: owner, kind: kind)
            // A conversion that must wait gave up the old lock: others may go first.
            if had && !got { converted = true }
            return got
        }
        if operation & LOCK_NB != 0 {
            let got = queue.lock.withLock { take() }
            if converted { queue.wakeAll() }
            return got ? .success(0) : .failure(.EAGAIN)
        }
        let got = queue.waitInterruptibly(while: { !take() })
        if converted { queue.wakeAll() }
        return got ? .success(0) : .failure(.EINTR)
    }
}
#endif
