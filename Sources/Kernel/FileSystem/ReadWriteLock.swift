#if SKIFF_KERNEL
import VFS

/// The VFS's per-object lock: many readers or one writer, sleeping rather than spinning, so a
/// thread waiting for a file held across a long read or a disk write gives up its CPU.
final class ReadWriteLock: VFSLock {
    private let queue = WaitQueue()
    private var readers = 0
    private var writer = false
    private var waitingWriters = 0

    init() {}

    func lock() {
        while true {
            let acquired: Bool = queue.lock.withLock {
                if !writer && readers == 0 {
                    writer = true
                    return true
                }
                waitingWriters += 1
                return false
            }
            if acquired { return }
            queue.wait(while: { writer || readers > 0 })
            queue.lock.withLock { waitingWriters -= 1 }
        }
    }

    func unlock() {
        let waiters: Bool = queue.lock.withLock {
            writer = false
            return queue.hasWaitersLocked
        }
        if waiters { queue.wakeAll() }
    }

    /// Readers wait behind a waiting writer so a stream of readers cannot starve it.
    func lockShared() {
        while true {
            let acquired: Bool = queue.lock.withLock {
                if !writer && waitingWriters == 0 {
                    readers += 1
                    return true
                }
                return false
            }
            if acquired { return }
            queue.wait(while: { writer || waitingWriters > 0 })
        }
    }

    func unlockShared() {
        let wake: Bool = queue.lock.withLock {
            readers -= 1
            return readers == 0 && queue.hasWaitersLocked
        }
        if wake { queue.wakeAll() }
    }
}

/// Makes the locks the VFS and its file systems embed.
final class KernelLockFactory: VFSLockFactory {
    func makeLock() -> any VFSLock { ReadWriteLock() }
}

/// tmpfs data pages straight from the frame allocator (one frame per page).
final class FramePageAllocator: PageAllocator {
    func allocatePage() -> UnsafeMutableRawPointer? {
        guard let frame = PhysicalMemory.allocate() else { return nil }
        return DirectMap.pointer(frame)
    }

    func freePage(_ page: UnsafeMutableRawPointer) {
        PhysicalMemory.free(DirectMap.physical(page))
    }
}
#endif
