import ImageFS
import LinuxABI
import Synchronization

/// A file system object: a file, directory, symlink, device node, FIFO or socket.
///
/// File systems subclass it and override the operations that apply to their nodes; the
/// defaults fail with the errno Linux gives when an inode lacks the operation. The VFS calls
/// these only after its own checks (permissions, read-only mounts, name validity, `.`/`..`),
/// so a node sees names that are never empty, `.`, `..`, longer than 255 bytes or holding `/`.
///
/// ## Locking
///
/// Each file system locks its own nodes, inside these methods: the VFS holds no node lock
/// across a call. A node's data operations must let readers run concurrently (see
/// `VFSLock`). Directory operations name their children by `[UInt8]` name; the VFS keeps a
/// node's `dentryCache` in step with the changes it makes through these methods.
///
/// ## Identity
///
/// A file system returns the same `VNode` object for the same inode while anything holds it
/// (open files, the mount table and directory caches compare nodes with `===`).
open class VNode {
    /// What the node is; fixed for its life.
    public let type: VNodeType
    /// The VFS's name cache for this directory, or nil when the file system does not want one
    /// (`RamFileSystem`, whose directories are already in-memory name maps).
    public let dentryCache: DentryCache?
    /// How many mounts sit on this node; lets path resolution skip the mount table for the
    /// (almost all) nodes nothing is mounted on.
    let mountedCount = Atomic<Int>(0)
    /// The node's `SharedFilePages` (retained), made on its first shared mapping and kept for the
    /// node's life; atomic because `OpenFile` looks for it on every read and write.
    private let sharedPagesStorage = Atomic<UnsafeMutableRawPointer?>(nil)

    public init(type: VNodeType, dentryCache: DentryCache? = nil) {
        self.type = type
        self.dentryCache = type == .directory ? dentryCache : nil
    }

    deinit {
        if let raw = sharedPagesStorage.load(ordering: .acquiring) {
            Unmanaged<SharedFilePages>.fromOpaque(raw).release()
        }
    }

    // MARK: Attributes

    /// `stat` data.
    open func attributes() throws(Errno) -> FileAttributes { throw .ENOSYS }

    /// Applies `changes` (chmod, chown, utimensat, truncate). The VFS has checked permissions;
    /// the node validates values (a size on a directory is EISDIR, on other non-files EINVAL).
    open func setAttributes(_ changes: AttributeChanges) throws(Errno) { throw .EPERM }

    // MARK: Directories

    /// The child called `name`; ENOENT when there is none.
    open func lookup(_ name: [UInt8]) throws(Errno) -> VNode {
        throw type == .directory ? .ENOENT : .ENOTDIR
    }

    /// The directory's parent (`..`); the file system's root answers itself. Mount crossings
    /// are the VFS's business. The default suits a file system with a single directory.
    open func parent() throws(Errno) -> VNode {
        guard type == .directory else { throw .ENOTDIR }
        return self
    }

    /// Creates regular file `name` with `permissions`; EEXIST when the name is taken.
    open func create(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        throw type == .directory ? .EACCES : .ENOTDIR
    }

    /// Creates directory `name`.
    open func makeDirectory(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        throw type == .directory ? .EPERM : .ENOTDIR
    }

    /// Creates a device node, FIFO or socket `name` (`mknod`).
    open func makeSpecial(
        _ name: [UInt8], type: VNodeType, permissions: UInt32, device: DeviceNumber, owner: NodeOwner
    ) throws(Errno) -> VNode {
        throw self.type == .directory ? .EPERM : .ENOTDIR
    }

    /// Creates symlink `name` pointing at `target` (1 to 4095 bytes, checked by the VFS).
    open func makeSymlink(_ name: [UInt8], target: [UInt8], owner: NodeOwner) throws(Errno) -> VNode {
        throw type == .directory ? .EPERM : .ENOTDIR
    }

    /// Adds `name` as another link to `node`, a non-directory of the same file system.
    /// ENOENT when `node` has no links left (it was unlinked) and is not a linkable O_TMPFILE.
    open func link(_ node: VNode, as name: [UInt8]) throws(Errno) {
        throw type == .directory ? .EPERM : .ENOTDIR
    }

    /// Removes non-directory `name`; EISDIR when it is a directory.
    open func unlink(_ name: [UInt8]) throws(Errno) {
        throw type == .directory ? .EPERM : .ENOTDIR
    }

    /// Removes empty directory `name`; ENOTDIR when it is not a directory, ENOTEMPTY when it
    /// has entries.
    open func removeDirectory(_ name: [UInt8]) throws(Errno) {
        throw type == .directory ? .EPERM : .ENOTDIR
    }

    /// Renames `name` in this directory to `newName` in `newDirectory` (same file system),
    /// with `renameat2` semantics: replacing a target of a compatible type (EISDIR, ENOTDIR,
    /// ENOTEMPTY otherwise), EEXIST with `.noReplace`, a swap with `.exchange` (ENOENT when the
    /// target is missing), EINVAL when a directory would move into its own subtree, and no
    /// change at all when both names are links to one inode. With `.whiteout`, `name` is left
    /// pointing at a new whiteout owned by `whiteoutOwner` (EINVAL where the file system has no
    /// whiteouts; ENOSPC when no inode is left for it, before anything changes).
    open func rename(
        _ name: [UInt8], to newDirectory: VNode, as newName: [UInt8], flags: RenameFlags,
        whiteoutOwner: NodeOwner
    ) throws(Errno) {
        throw type == .directory ? .EPERM : .ENOTDIR
    }

    /// Calls `visit` with the entries from `cookie` on (0 is the start, and `.`/`..` come
    /// first) until it returns false or the entries end. ENOENT for a removed directory.
    open func readDirectory(from cookie: UInt64, _ visit: (DirectoryItem) -> Bool) throws(Errno) {
        throw .ENOTDIR
    }

    /// An unnamed regular file in this directory's file system (O_TMPFILE), with no links;
    /// `linkable` says whether `link` may give it a name later.
    open func makeTemporaryFile(permissions: UInt32, owner: NodeOwner, linkable: Bool) throws(Errno) -> VNode {
        throw type == .directory ? .EOPNOTSUPP : .ENOTDIR
    }

    // MARK: Symlinks

    /// The target of a symlink; EINVAL for anything else.
    open func readLink() throws(Errno) -> [UInt8] { throw .EINVAL }

    /// Where following this symlink leads when it is a "magic link" (procfs `fd/N`, `exe`,
    /// `cwd`, `root`): straight to an object, whatever its name says or whether it has one
    /// (a deleted file, a pipe). Nil for ordinary symlinks, which are followed through the
    /// text `readLink()` returns.
    open func linkJump() throws(Errno) -> LinkJump? { nil }

    // MARK: Data

    /// Whether the file has a position: `lseek`, `pread` and `pwrite` are ESPIPE otherwise.
    open var isSeekable: Bool {
        switch type {
        case .regular, .directory, .blockDevice: true
        default: false
        }
    }

    /// Copies bytes at `offset` into `buffer`; returns how many (0 at or past the end).
    open func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        throw type == .directory ? .EISDIR : .EINVAL
    }

    /// Writes `buffer` at `offset`, or at the end of the file when `appending` (then `offset`
    /// is ignored and the end is found under the node's lock, so concurrent appends never
    /// overlap). Returns the bytes written and the offset just past them. A short count means
    /// the file system filled up after writing some bytes; with nothing written it throws
    /// (ENOSPC, EFBIG).
    open func write(
        at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool
    ) throws(Errno) -> (count: Int, end: UInt64) {
        throw type == .directory ? .EISDIR : .EINVAL
    }

    /// Sets the size of a regular file, freeing or zero-filling as needed.
    open func truncate(to size: UInt64) throws(Errno) {
        throw type == .directory ? .EISDIR : .EINVAL
    }

    /// `fallocate` on a regular file; the VFS has checked the range against the size limit.
    open func allocate(_ mode: AllocationMode, offset: UInt64, length: UInt64) throws(Errno) {
        switch type {
        case .directory: throw .EISDIR
        case .fifo: throw .ESPIPE
        case .regular: throw .EOPNOTSUPP
        default: throw .ENODEV
        }
    }

    /// `fsync`/`fdatasync`: nothing to do for memory-backed nodes.
    open func sync(dataOnly: Bool) throws(Errno) {}

    /// `lseek(SEEK_DATA)`: the first offset at or after `offset` that holds data; ENXIO when
    /// `offset` is at or past the end. The default treats the whole file as data.
    open func seekData(from offset: UInt64) throws(Errno) -> UInt64 {
        guard offset < (try attributes().size) else { throw .ENXIO }
        return offset
    }

    /// `lseek(SEEK_HOLE)`: the first offset at or after `offset` in a hole, where the end of
    /// the file counts as one; ENXIO when `offset` is at or past the end.
    open func seekHole(from offset: UInt64) throws(Errno) -> UInt64 {
        let size = try attributes().size
        guard offset < size else { throw .ENXIO }
        return size
    }

    // MARK: Open file lifecycle

    /// The node that serves the I/O of a new open file description of this node (not for
    /// O_PATH, device nodes or FIFOs, which the `DeviceOpener` serves). Nodes serve themselves;
    /// a synthetic file (procfs, sysfs) returns a snapshot of its contents taken now, so reads
    /// in small pieces and seeks see one consistent text. Called after the permission checks
    /// and before `opened(flags:)`, which the result receives.
    open func openHandler(flags: OpenFlags) throws(Errno) -> VNode { self }

    /// Called when an open file description is created on this node (not for O_PATH).
    /// Devices and FIFOs use it to count readers and writers or refuse the open.
    open func opened(flags: OpenFlags) throws(Errno) {}

    /// Called when the last reference to an open file description on this node goes away.
    open func released(flags: OpenFlags) {}

    // MARK: Mapping

    /// The file's bytes in memory when they can be mapped without copying (an image in RAM).
    open func mappedContents() -> UnsafeRawBufferPointer? { nil }

    /// Where the file's bytes lie in its application image, for block-backed images.
    open func imageExtent() -> FileExtent? { nil }

    /// Whether the file system keeps the file's data in page frames of its own, which shared
    /// mappings can map directly (`lentPage(at:)`) instead of copying.
    open var lendsPages: Bool { false }

    /// The file's own page `index`, allocated now when it is a hole inside the file; nil when
    /// it lies wholly past the end. Only for nodes that `lendsPages`.
    func lentPage(at index: UInt64) throws(Errno) -> DataPage? { nil }

    /// The pages shared mappings of this file use, if it was ever mapped shared.
    public final var sharedPages: SharedFilePages? {
        guard let raw = sharedPagesStorage.load(ordering: .acquiring) else { return nil }
        return Unmanaged<SharedFilePages>.fromOpaque(raw).takeUnretainedValue()
    }

    /// The pages shared mappings of this file use, made by `make` on the first shared mapping.
    public final func sharedPages(orMake make: () -> SharedFilePages) -> SharedFilePages {
        if let existing = sharedPages { return existing }
        let fresh = Unmanaged.passRetained(make())
        let (stored, current) = sharedPagesStorage.compareExchange(
            expected: nil, desired: fresh.toOpaque(), ordering: .acquiringAndReleasing)
        if stored { return fresh.takeUnretainedValue() }
        fresh.release()
        return Unmanaged<SharedFilePages>.fromOpaque(current!).takeUnretainedValue()
    }

    /// Whether some address space maps this file shared now.
    final var isMappedShared: Bool { sharedPages?.isMapped ?? false }

    /// Reads from `offset` until `buffer` is full or the file ends (a page for a mapping);
    /// returns how many bytes were read.
    public final func read(filling buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(Errno) -> Int {
        var done = 0
        while done < buffer.count {
            let n = try read(at: offset &+ UInt64(done), into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            if n <= 0 { break }
            done += n
        }
        return done
    }

    /// Truncates or extends the file to `size` (ftruncate, truncate, O_TRUNC): the one place
    /// the VFS changes a size, so the copies shared mappings hold past the new end read as
    /// zeros too.
    final func resize(to size: UInt64) throws(Errno) {
        try setAttributes(AttributeChanges(size: size, modificationTime: .now))
        sharedPages?.zeroed(from: size)
    }

    // MARK: Helpers for the VFS

    final var isMountPoint: Bool { mountedCount.load(ordering: .acquiring) > 0 }
}
