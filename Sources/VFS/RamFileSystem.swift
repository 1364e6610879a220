import LinuxABI
import Synchronization

/// tmpfs/ramfs: files, directories, symlinks, hard links and device/FIFO/socket nodes kept in
/// memory.
///
/// File data lives in 4 KiB pages in a sparse tree, so holes cost nothing, large files need
/// no large contiguous buffer (OSv's ramfs keeps one malloc'd buffer per file,
/// cloudius-systems/osv#884), and truncate or unlink gives pages back at once. The size and
/// node limits fail writes and creates with ENOSPC (ENOMEM when the page allocator runs
/// dry). Times come from the kernel's clock.
///
/// Locking: one reader-writer lock per node (see `VFSLock` for the order). Reads of a file
/// share its lock; a write locks one file; creating or removing a name locks its directory
/// (and the child whose link count changes); renames also take the file system's rename lock.
/// Usage counters are atomics. No lock covers the whole file system on any path but rename.
///
/// Directories are their own name index, so the VFS's dentry cache is not used here.
/// Access times are set at creation and by `utimensat` only (as with `noatime`), so reads
/// never write metadata and never need the lock exclusively.
public final class RamFileSystem: FileSystem {
    let context: RamContext
    let rootDirectory: RamDirectory

    /// A file system with `options`, timestamps from `clock`, locks from `lockFactory` and
    /// data pages from `pageAllocator`. The node limit is at least 1, for the root.
    public init(
        options: RamFileSystemOptions = RamFileSystemOptions(), clock: @escaping () -> Timespec,
        lockFactory: any VFSLockFactory, pageAllocator: any PageAllocator = HeapPageAllocator()
    ) {
        context = RamContext(
            options: options, clock: clock, lockFactory: lockFactory, pageAllocator: pageAllocator)
        let inode = (try? context.reserveNode()) ?? 1
        rootDirectory = RamDirectory(
            context: context, inode: inode, permissions: options.rootPermissions, owner: options.rootOwner,
            parent: nil, now: clock())
    }

    public var root: VNode { rootDirectory }

    public var isReadOnly: Bool { false }

    /// Bytes of file data allocated (whole pages).
    public var usedBytes: UInt64 { UInt64(context.pagesUsed.load(ordering: .relaxed)) << UInt64(DataPage.shift) }

    /// Nodes in existence, the root and unlinked-but-open files included.
    public var usedNodes: Int { context.nodesUsed.load(ordering: .relaxed) }

    public func statistics() throws(Errno) -> FileSystemStatistics {
        let pageSize = UInt64(DataPage.size)
        let pagesUsed = UInt64(max(context.pagesUsed.load(ordering: .relaxed), 0))
        let nodesUsed = UInt64(max(context.nodesUsed.load(ordering: .relaxed), 0))
        let pageLimit = UInt64(context.pageLimit)
        let nodeLimit = UInt64(context.nodeLimit)
        let freePages = pageLimit > pagesUsed ? pageLimit - pagesUsed : 0
        let freeNodes = nodeLimit > nodesUsed ? nodeLimit - nodesUsed : 0
        return FileSystemStatistics(
            type: context.options.magic, blockSize: Int64(pageSize), blocks: pageLimit, freeBlocks: freePages,
            availableBlocks: freePages, files: nodeLimit, freeFiles: freeNodes,
            fileSystemID: UInt64(context.options.device.encoded))
    }

    public func sync() throws(Errno) {}

    /// Breaks the parent links of every directory so the tree is freed once the last open
    /// file and working directory in it let go.
    public func unmounted() {
        rootDirectory.detachTree()
    }
}
