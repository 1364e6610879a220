import LinuxABI
import Synchronization

/// What every node of a `RamFileSystem` shares: limits, usage, the clock, the lock factory
/// and the rename lock.
///
/// Nodes hold it strongly; it holds no node, so no reference cycle runs through it (Embedded
/// Swift has no weak references). Usage is counted with atomics, so allocating a page never
/// takes a file-system-wide lock.
final class RamContext {
    let options: RamFileSystemOptions
    let clock: () -> Timespec
    let lockFactory: any VFSLockFactory
    let pageAllocator: any PageAllocator
    /// Serializes renames, so the ancestor checks a rename makes cannot be invalidated by
    /// another rename (Linux's `s_vfs_rename_mutex`). First in the node lock order.
    let renameLock: any VFSLock
    let pageLimit: Int
    let nodeLimit: Int
    let pagesUsed = Atomic<Int>(0)
    let nodesUsed = Atomic<Int>(0)
    private let nextInode = Atomic<UInt64>(1)

    init(
        options: RamFileSystemOptions, clock: @escaping () -> Timespec, lockFactory: any VFSLockFactory,
        pageAllocator: any PageAllocator
    ) {
        self.options = options
        self.clock = clock
        self.lockFactory = lockFactory
        self.pageAllocator = pageAllocator
        renameLock = lockFactory.makeLock()
        pageLimit = Int(clamping: options.sizeLimit >> UInt64(DataPage.shift))
        nodeLimit = max(Int(clamping: options.nodeLimit), 1)
    }

    func now() -> Timespec { clock() }

    /// Claims `count` pages of the size limit; false when they would exceed it.
    func reservePages(_ count: Int) -> Bool {
        reserve(count, from: pagesUsed, limit: pageLimit)
    }

    func releasePages(_ count: Int) {
        if count > 0 { pagesUsed.wrappingSubtract(count, ordering: .relaxed) }
    }

    /// Claims a node and its inode number; ENOSPC at the node limit.
    func reserveNode() throws(Errno) -> UInt64 {
        guard reserve(1, from: nodesUsed, limit: nodeLimit) else { throw .ENOSPC }
        return nextInode.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    func releaseNode() {
        nodesUsed.wrappingSubtract(1, ordering: .relaxed)
    }

    private func reserve(_ count: Int, from counter: borrowing Atomic<Int>, limit: Int) -> Bool {
        var current = counter.load(ordering: .relaxed)
        while true {
            guard count <= limit, current <= limit - count else { return false }
            let (exchanged, original) = counter.compareExchange(
                expected: current, desired: current + count, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }
}
