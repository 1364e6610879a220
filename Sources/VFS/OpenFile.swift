import LinuxABI
import Synchronization

/// An open file description: what `open` creates and descriptors share after `dup` or `fork`.
/// It holds the node, the file position and the status flags.
///
/// Reads and writes of a seekable file hold the description's position lock across the node
/// call, so threads sharing one descriptor never read the same bytes twice or lose an update
/// of the position (Linux's `f_pos_lock`). It serializes only users of this description:
/// other descriptions of the same file, and readers through them, run in parallel under the
/// node's shared lock. Non-seekable files (pipes, sockets, devices) take no position lock, so
/// a blocked read never holds up a writer.
public final class OpenFile {
    /// The node the path named; what `fstat` reports and `*at` calls start from.
    public let node: VNode
    /// Where reads and writes go: `node` itself, or the driver or pipe a device node or FIFO
    /// stands for.
    public let handler: VNode
    /// The mount the node was reached through; nil for anonymous files (pipes, sockets).
    public let mount: Mount?
    let positionLock: any VFSLock
    /// The file position, or a directory's readdir cookie; under `positionLock`.
    private var offset: UInt64 = 0
    /// Access mode and status flags (F_GETFL); atomic so F_SETFL needs no lock.
    private let statusFlags: Atomic<Int>
    /// How many descriptors, in all tables, name this description. When it drops to 0 the
    /// kernel forgets the description's epoll registrations, as Linux does when a file is
    /// released (epoll holds the description without counting as a user of it).
    let descriptorReferences = Atomic<Int>(0)
    public var descriptorCount: Int { descriptorReferences.load(ordering: .relaxed) }
    func descriptorAdded() { descriptorReferences.wrappingAdd(1, ordering: .relaxed) }
    func descriptorRemoved() { descriptorReferences.wrappingSubtract(1, ordering: .relaxed) }
    /// The kernel's epoll items watching this description; the kernel owns and locks it.
    public var watchers: [AnyObject] = []
    /// The directory and name the file was opened through, for `/proc/self/fd` links; set by
    /// the VFS right after opening, before the description is shared.
    public internal(set) var origin: NameOrigin?

    /// A description on `node`. The caller has called `handler.opened(flags:)` (the VFS does
    /// for files it opens); `handler.released(flags:)` follows when the last reference goes.
    public init(node: VNode, handler: VNode? = nil, mount: Mount?, flags: OpenFlags, lock: any VFSLock) {
        self.node = node
        self.handler = handler ?? node
        self.mount = mount
        self.positionLock = lock
        var kept = flags.rawValue & ~OpenFlags.openTimeOnly
        if !flags.isPath { kept |= FileConstants.O_LARGEFILE }
        statusFlags = Atomic(kept)
        mount?.openFiles.wrappingAdd(1, ordering: .relaxed)
    }

    /// Whether `flock` or an OFD record lock ever locked through this description; set by the
    /// kernel. Only such descriptions call `releasedWithLocks` when they go.
    public var holdsFileLocks = false
    /// Drops the `flock` and OFD locks of a description whose last reference went (set by the
    /// kernel).
    nonisolated(unsafe) public static var releasedWithLocks: ((ObjectIdentifier) -> Void)? = nil

    deinit {
        let flags = self.flags
        if holdsFileLocks { Self.releasedWithLocks?(ObjectIdentifier(self)) }
        if !flags.isPath { handler.released(flags: flags) }
        mount?.openFiles.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Where the node is in the tree, for `*at` calls relative to this descriptor.
    public var location: Location? {
        guard let mount else { return nil }
        return Location(mount: mount, node: node)
    }

    /// The access mode and status flags (`F_GETFL`).
    public var flags: OpenFlags { OpenFlags(statusFlags.load(ordering: .relaxed)) }

    /// `F_SETFL`: changes O_APPEND, O_NONBLOCK, O_ASYNC, O_DIRECT and O_NOATIME, ignores the
    /// rest. EBADF on an O_PATH description.
    public func setStatusFlags(_ value: Int) throws(Errno) {
        let settable = OpenFlags.settableStatusFlags
        var current = statusFlags.load(ordering: .relaxed)
        guard current & FileConstants.O_PATH == 0 else { throw .EBADF }
        while true {
            let updated = (current & ~settable) | (value & settable)
            let (exchanged, original) = statusFlags.compareExchange(
                expected: current, desired: updated, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// The current position (or directory cookie).
    public var position: UInt64 {
        positionLock.lock()
        defer { positionLock.unlock() }
        return offset
    }

    // MARK: Reading and writing

    /// `read`: from the position, advancing it. EBADF unless opened for reading, EISDIR on
    /// a directory.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        let flags = self.flags
        guard flags.canRead else { throw .EBADF }
        let buffer = Self.clamped(buffer)
        guard handler.isSeekable else { return try handler.read(at: 0, into: buffer) }
        positionLock.lock()
        defer { positionLock.unlock() }
        try Self.checkRange(offset, buffer.count)
        let count = try handler.read(at: offset, into: buffer)
        handler.sharedPages?.overlay(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]))
        offset &+= UInt64(count)
        return count
    }

    /// `write`: at the position (or the end with O_APPEND), advancing it. EBADF unless opened
    /// for writing.
    public func write(from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        let flags = self.flags
        guard flags.canWrite else { throw .EBADF }
        let buffer = Self.clamped(buffer)
        guard handler.isSeekable else {
            return try handler.write(at: 0, from: buffer, appending: false).count
        }
        if buffer.isEmpty { return 0 }
        positionLock.lock()
        defer { positionLock.unlock() }
        try Self.checkRange(offset, buffer.count)
        let (count, end) = try handler.write(at: offset, from: buffer, appending: flags.append)
        handler.sharedPages?.wrote(at: end - UInt64(count), UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        offset = end
        return count
    }

    /// `pread64`: at `offset`, leaving the position alone. EINVAL for a negative offset,
    /// ESPIPE on a file without positions.
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard offset >= 0 else { throw .EINVAL }
        guard !flags.isPath else { throw .EBADF }
        guard handler.isSeekable else { throw .ESPIPE }
        guard flags.canRead else { throw .EBADF }
        let buffer = Self.clamped(buffer)
        try Self.checkRange(UInt64(offset), buffer.count)
        let count = try handler.read(at: UInt64(offset), into: buffer)
        handler.sharedPages?.overlay(at: UInt64(offset), into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]))
        return count
    }

    /// `pwrite64`: at `offset`, leaving the position alone — except that with O_APPEND it
    /// appends, as Linux does (a documented deviation from POSIX).
    public func write(at offset: Int64, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        guard offset >= 0 else { throw .EINVAL }
        let flags = self.flags
        guard !flags.isPath else { throw .EBADF }
        guard handler.isSeekable else { throw .ESPIPE }
        guard flags.canWrite else { throw .EBADF }
        let buffer = Self.clamped(buffer)
        try Self.checkRange(UInt64(offset), buffer.count)
        if buffer.isEmpty { return 0 }
        let (count, end) = try handler.write(at: UInt64(offset), from: buffer, appending: flags.append)
        handler.sharedPages?.wrote(at: end - UInt64(count), UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        return count
    }

    /// `lseek`. SEEK_SET/CUR/END move the position (EINVAL when the result would be negative
    /// or past the largest file size); SEEK_DATA/SEEK_HOLE ask the node (ENXIO at or past the
    /// end). A directory's position is a readdir cookie: only SEEK_SET and SEEK_CUR apply.
    public func seek(offset: Int64, whence: Int) throws(Errno) -> Int64 {
        guard !flags.isPath else { throw .EBADF }
        guard handler.isSeekable else { throw .ESPIPE }
        positionLock.lock()
        defer { positionLock.unlock() }
        let isDirectory = handler.type == .directory
        let target: Int64
        switch whence {
        case FileConstants.SEEK_SET:
            target = offset
        case FileConstants.SEEK_CUR:
            let (sum, overflow) = Int64(bitPattern: self.offset).addingReportingOverflow(offset)
            guard !overflow else { throw .EINVAL }
            target = sum
        case FileConstants.SEEK_END where !isDirectory:
            let size = Int64(clamping: try handler.attributes().size)
            let (sum, overflow) = size.addingReportingOverflow(offset)
            guard !overflow else { throw .EINVAL }
            target = sum
        case FileConstants.SEEK_DATA where !isDirectory:
            guard offset >= 0 else { throw .ENXIO }
            target = Int64(clamping: try handler.seekData(from: UInt64(offset)))
        case FileConstants.SEEK_HOLE where !isDirectory:
            guard offset >= 0 else { throw .ENXIO }
            target = Int64(clamping: try handler.seekHole(from: UInt64(offset)))
        default:
            throw .EINVAL
        }
        guard target >= 0 else { throw .EINVAL }
        self.offset = UInt64(target)
        return target
    }

    /// `getdents64`: fills `buffer` with `linux_dirent64` records from the position (a
    /// cookie) and advances it. ENOTDIR on anything but a directory; EINVAL when the buffer
    /// cannot hold the next entry; 0 at the end.
    public func readDirectory(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard !flags.isPath else { throw .EBADF }
        guard handler.type == .directory else { throw .ENOTDIR }
        positionLock.lock()
        defer { positionLock.unlock() }
        let (used, next) = try Dirent64.fill(from: handler, cookie: offset, into: buffer)
        offset = next
        return used
    }

    // MARK: Attributes and space

    /// `fstat` data (of `node`, not of a device handler). Works on O_PATH descriptions.
    public func attributes() throws(Errno) -> FileAttributes {
        try node.attributes()
    }

    /// `ftruncate`: EINVAL unless this is a regular file opened for writing or when `length`
    /// is negative.
    public func truncate(to length: Int64) throws(Errno) {
        let flags = self.flags
        guard !flags.isPath else { throw .EBADF }
        guard length >= 0, handler.type == .regular, flags.canWrite else { throw .EINVAL }
        try handler.resize(to: UInt64(length))
    }

    /// `fallocate`, with Linux's checks in Linux's order.
    public func allocate(mode: Int, offset: Int64, length: Int64) throws(Errno) {
        let flags = self.flags
        guard !flags.isPath else { throw .EBADF }
        guard offset >= 0, length > 0 else { throw .EINVAL }
        let allocation = try AllocationMode(flags: mode)
        guard flags.canWrite else { throw .EBADF }
        switch handler.type {
        case .fifo: throw .ESPIPE
        case .directory: throw .EISDIR
        case .regular, .blockDevice: break
        default: throw .ENODEV
        }
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow, UInt64(end) <= VFSLimits.maxFileSize else { throw .EFBIG }
        try handler.allocate(allocation, offset: UInt64(offset), length: UInt64(length))
        if allocation == .punchHole { handler.sharedPages?.zeroed(from: UInt64(offset), to: UInt64(end)) }
    }

    /// `fsync`/`fdatasync`. EINVAL for nodes that cannot sync (pipes, sockets, character
    /// devices).
    public func sync(dataOnly: Bool) throws(Errno) {
        guard !flags.isPath else { throw .EBADF }
        switch handler.type {
        case .regular, .directory, .blockDevice, .symlink:
            // What shared mappings stored is the file's data too (msync's work, done by fsync on Linux).
            try handler.sharedPages?.writeBack(to: handler)
            try handler.sync(dataOnly: dataOnly)
        default: throw .EINVAL
        }
    }

    /// `rw_verify_area`: EINVAL when `offset + count` would pass the largest file offset.
    private static func checkRange(_ offset: UInt64, _ count: Int) throws(Errno) {
        guard offset <= VFSLimits.maxFileSize, UInt64(count) <= VFSLimits.maxFileSize - offset else { throw .EINVAL }
    }

    /// At most MAX_RW_COUNT bytes move in one call, as on Linux.
    private static func clamped(_ buffer: UnsafeMutableRawBufferPointer) -> UnsafeMutableRawBufferPointer {
        buffer.count <= VFSLimits.maxTransfer
            ? buffer : UnsafeMutableRawBufferPointer(rebasing: buffer[0..<VFSLimits.maxTransfer])
    }

    private static func clamped(_ buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        buffer.count <= VFSLimits.maxTransfer
            ? buffer : UnsafeRawBufferPointer(rebasing: buffer[0..<VFSLimits.maxTransfer])
    }
}
