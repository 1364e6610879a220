import LinuxABI
import Testing

@testable import VFS

@Test func sparseFilesReadZerosAndAllocateOnlyWrittenPages() throws {
    let world = RamWorld()
    let file = try world.open("/sparse", O_RDWR_CREAT)
    let far: Int64 = 1 << 40
    #expect(try pwrite(file, bytes("end"), at: far) == 3)
    let attributes = try file.attributes()
    #expect(attributes.size == UInt64(far) + 3)
    #expect(attributes.blocks == 8)  // one 4 KiB page
    #expect(world.fileSystem.usedBytes == 4096)
    #expect(try pread(file, count: 8, at: far - 5) == [0, 0, 0, 0, 0] + bytes("end"))
    #expect(try pread(file, count: 100, at: 12345) == [UInt8](repeating: 0, count: 100))
    #expect(try pread(file, count: 10, at: far + 3).isEmpty)
    // Writes spanning page boundaries.
    let pattern = (0..<10000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    #expect(try pwrite(file, pattern, at: 4090) == pattern.count)
    #expect(try pread(file, count: pattern.count, at: 4090) == pattern)
    #expect(try file.attributes().blocks == 8 * 5)  // pages 0 through 3 and the far one
}

@Test func truncateShrinksGrowsAndFreesPages() throws {
    let world = RamWorld()
    let file = try world.open("/f", O_RDWR_CREAT)
    _ = try writeBytes(file, [UInt8](repeating: 0x55, count: 3 * 4096 + 100))
    #expect(world.fileSystem.usedBytes == 4 * 4096)
    try file.truncate(to: 5000)
    #expect(world.fileSystem.usedBytes == 2 * 4096)
    #expect(try file.attributes().size == 5000)
    try file.truncate(to: 9000)
    // The bytes between the old and new end read as zeros, not as stale data.
    #expect(try pread(file, count: 4000, at: 5000) == [UInt8](repeating: 0, count: 4000))
    #expect(try pread(file, count: 10, at: 4990) == [UInt8](repeating: 0x55, count: 10))
    try file.truncate(to: 0)
    #expect(world.fileSystem.usedBytes == 0)
    #expect(errno { try file.truncate(to: -1) } == .EINVAL)
    let readOnly = try world.open("/f", FileConstants.O_RDONLY)
    #expect(errno { try readOnly.truncate(to: 0) } == .EINVAL)
    try world.mkdir("/d")
    let directory = try world.open("/d", FileConstants.O_RDONLY)
    #expect(errno { try directory.truncate(to: 0) } == .EINVAL)
    // truncate(2) by path.
    try world.vfs.truncate(bytes("/f"), in: world.context, length: 10)
    #expect(try world.stat("/f").size == 10)
    #expect(errno { try world.vfs.truncate(bytes("/d"), in: world.context, length: 0) } == .EISDIR)
    #expect(errno { try world.vfs.truncate(bytes("/f"), in: world.context, length: -5) } == .EINVAL)
    try world.vfs.makeNode(bytes("/fifo"), in: world.context, mode: UInt32(FileConstants.S_IFIFO) | 0o644)
    #expect(errno { try world.vfs.truncate(bytes("/fifo"), in: world.context, length: 0) } == .EINVAL)
}

@Test func unlinkedOpenFileStaysReadableUntilClosed() throws {
    let world = RamWorld()
    try world.write("/victim", bytes("still here"))
    var file: OpenFile? = try world.open("/victim", FileConstants.O_RDWR)
    let nodesBefore = world.fileSystem.usedNodes
    try world.vfs.unlink(bytes("/victim"), in: world.context)
    #expect(errno { try world.stat("/victim") } == .ENOENT)
    #expect(try readAll(file!) == bytes("still here"))
    #expect(try file!.attributes().linkCount == 0)
    _ = try pwrite(file!, bytes("STILL"), at: 0)
    #expect(try pread(file!, count: 100, at: 0) == bytes("STILL here"))
    #expect(world.fileSystem.usedBytes == 4096)
    #expect(world.fileSystem.usedNodes == nodesBefore)
    file = nil
    #expect(world.fileSystem.usedBytes == 0)
    #expect(world.fileSystem.usedNodes == nodesBefore - 1)
}

@Test func sizeLimitIsENOSPCWithPartialWrites() throws {
    let world = RamWorld(options: RamFileSystemOptions(sizeLimit: 4 * 4096))
    let file = try world.open("/big", O_RDWR_CREAT)
    let chunk = [UInt8](repeating: 1, count: 3 * 4096)
    #expect(try writeBytes(file, chunk) == chunk.count)
    // Only one page is left: the write is short, then fails.
    #expect(try writeBytes(file, chunk) == 4096)
    #expect(errno { try writeBytes(file, chunk) } == .ENOSPC)
    // Overwriting allocated pages needs no space.
    #expect(try pwrite(file, chunk, at: 0) == chunk.count)
    let statistics = try world.vfs.statistics(of: world.lookup("/"))
    #expect(statistics.blocks == 4 && statistics.freeBlocks == 0 && statistics.type == FileSystemStatistics.TMPFS_MAGIC)
    // Freeing space makes room again.
    try file.truncate(to: 4096)
    #expect(try pwrite(file, chunk, at: 8192) == chunk.count)
    #expect(errno { try file.allocate(mode: 0, offset: 0, length: 10 * 4096) } == .ENOSPC)
    #expect(try file.attributes().size == 8192 + UInt64(chunk.count))
}

@Test func nodeLimitIsENOSPC() throws {
    let world = RamWorld(options: RamFileSystemOptions(nodeLimit: 3))
    try world.mkdir("/a")
    try world.write("/b", [])
    #expect(errno { try world.write("/c", []) } == .ENOSPC)
    #expect(errno { try world.mkdir("/d") } == .ENOSPC)
    #expect(errno { try world.symlink("/e", to: "x") } == .ENOSPC)
    let statistics = try world.fileSystem.statistics()
    #expect(statistics.files == 3 && statistics.freeFiles == 0)
    try world.vfs.unlink(bytes("/b"), in: world.context)
    try world.write("/c", [])
}

@Test func fallocateModes() throws {
    let world = RamWorld()
    let file = try world.open("/f", O_RDWR_CREAT)
    try file.allocate(mode: 0, offset: 100, length: 8000)
    #expect(try file.attributes().size == 8100)
    #expect(try file.attributes().blocks == 16)
    try file.allocate(mode: AllocationMode.keepSizeFlag, offset: 8100, length: 10000)
    #expect(try file.attributes().size == 8100)
    #expect(try file.attributes().blocks == 5 * 8)
    #expect(try pread(file, count: 8100, at: 0) == [UInt8](repeating: 0, count: 8100))
    // Punch a hole: whole pages go, partial pages are zeroed, the size stays.
    _ = try pwrite(file, [UInt8](repeating: 9, count: 8100), at: 0)
    try file.allocate(
        mode: AllocationMode.keepSizeFlag | AllocationMode.punchHoleFlag, offset: 1000, length: 5000)
    #expect(try file.attributes().size == 8100)
    #expect(try pread(file, count: 1000, at: 0) == [UInt8](repeating: 9, count: 1000))
    #expect(try pread(file, count: 5000, at: 1000) == [UInt8](repeating: 0, count: 5000))
    #expect(try pread(file, count: 2100, at: 6000) == [UInt8](repeating: 9, count: 2100))
    // Errors in Linux's order.
    #expect(errno { try file.allocate(mode: 0, offset: -1, length: 10) } == .EINVAL)
    #expect(errno { try file.allocate(mode: 0, offset: 0, length: 0) } == .EINVAL)
    #expect(errno { try file.allocate(mode: AllocationMode.punchHoleFlag, offset: 0, length: 10) } == .EOPNOTSUPP)
    #expect(errno { try file.allocate(mode: 0x10, offset: 0, length: 10) } == .EOPNOTSUPP)
    #expect(errno { try file.allocate(mode: 0, offset: Int64.max, length: 10) } == .EFBIG)
    let readOnly = try world.open("/f", FileConstants.O_RDONLY)
    #expect(errno { try readOnly.allocate(mode: 0, offset: 0, length: 10) } == .EBADF)
}

@Test func seekDataAndHole() throws {
    let world = RamWorld()
    let file = try world.open("/f", O_RDWR_CREAT)
    _ = try pwrite(file, bytes("x"), at: 3 * 4096 + 5)  // page 3 only
    _ = try pwrite(file, bytes("y"), at: 8 * 4096)  // page 8, size 8*4096+1
    #expect(try file.seek(offset: 0, whence: FileConstants.SEEK_DATA) == 3 * 4096)
    #expect(try file.seek(offset: 3 * 4096 + 10, whence: FileConstants.SEEK_DATA) == 3 * 4096 + 10)
    #expect(try file.seek(offset: 4 * 4096, whence: FileConstants.SEEK_DATA) == 8 * 4096)
    #expect(try file.seek(offset: 0, whence: FileConstants.SEEK_HOLE) == 0)
    #expect(try file.seek(offset: 3 * 4096, whence: FileConstants.SEEK_HOLE) == 4 * 4096)
    #expect(try file.seek(offset: 8 * 4096, whence: FileConstants.SEEK_HOLE) == 8 * 4096 + 1)
    #expect(errno { try file.seek(offset: 8 * 4096 + 1, whence: FileConstants.SEEK_DATA) } == .ENXIO)
    #expect(errno { try file.seek(offset: 8 * 4096 + 1, whence: FileConstants.SEEK_HOLE) } == .ENXIO)
    #expect(errno { try file.seek(offset: -1, whence: FileConstants.SEEK_DATA) } == .ENXIO)
    // Plain seeks.
    #expect(try file.seek(offset: 10, whence: FileConstants.SEEK_SET) == 10)
    #expect(try file.seek(offset: -3, whence: FileConstants.SEEK_CUR) == 7)
    #expect(try file.seek(offset: -1, whence: FileConstants.SEEK_END) == 8 * 4096)
    #expect(errno { try file.seek(offset: -100, whence: FileConstants.SEEK_SET) } == .EINVAL)
    #expect(errno { try file.seek(offset: Int64.max, whence: FileConstants.SEEK_END) } == .EINVAL)
    #expect(errno { try file.seek(offset: 0, whence: 7) } == .EINVAL)
    #expect(try file.position == 8 * 4096)
    // Seeking past the end is allowed; reading there gives nothing.
    #expect(try file.seek(offset: 1 << 50, whence: FileConstants.SEEK_SET) == 1 << 50)
    #expect(try readBytes(file, count: 10).isEmpty)
}

@Test func positionAndAppend() throws {
    let world = RamWorld()
    try world.write("/f", bytes("0123456789"))
    let file = try world.open("/f", FileConstants.O_RDWR)
    #expect(try readBytes(file, count: 4) == bytes("0123"))
    #expect(try readBytes(file, count: 4) == bytes("4567"))
    #expect(try writeBytes(file, bytes("ab")) == 2)
    #expect(try world.read("/f") == bytes("01234567ab"))
    // pread/pwrite leave the position alone.
    #expect(try pread(file, count: 3, at: 1) == bytes("123"))
    #expect(file.position == 10)
    let appender = try world.open("/f", FileConstants.O_WRONLY | FileConstants.O_APPEND)
    #expect(try writeBytes(appender, bytes("XY")) == 2)
    #expect(appender.position == 12)
    // pwrite on an O_APPEND description appends, as Linux does.
    #expect(try pwrite(appender, bytes("Z"), at: 0) == 1)
    #expect(try world.read("/f") == bytes("01234567abXYZ"))
    // F_SETFL can switch O_APPEND off, and ignores access mode bits.
    try appender.setStatusFlags(FileConstants.O_RDWR)
    #expect(!appender.flags.append && appender.flags.accessMode == FileConstants.O_WRONLY)
    #expect(appender.flags.contains(FileConstants.O_LARGEFILE))
    _ = try appender.seek(offset: 0, whence: FileConstants.SEEK_SET)
    _ = try writeBytes(appender, bytes("!"))
    #expect(try world.read("/f") == bytes("!1234567abXYZ"))
    // Range checks.
    #expect(errno { try pread(file, count: 1, at: -1) } == .EINVAL)
    #expect(errno { try pread(file, count: 10, at: Int64.max - 5) } == .EINVAL)
    #expect(errno { try readBytes(appender, count: 1) } == .EBADF)
    let readOnly = try world.open("/f", FileConstants.O_RDONLY)
    #expect(errno { try writeBytes(readOnly, bytes("x")) } == .EBADF)
    #expect(errno { try pwrite(readOnly, bytes("x"), at: 0) } == .EBADF)
}

@Test func timestampsFollowLinuxRules() throws {
    let world = RamWorld()
    let created = world.clock.peek
    try world.write("/f", [])
    var attributes = try world.stat("/f")
    #expect(attributes.birthTime == created)
    #expect(attributes.modificationTime == attributes.changeTime)
    let before = attributes.modificationTime
    let file = try world.open("/f", FileConstants.O_WRONLY)
    _ = try writeBytes(file, bytes("x"))
    attributes = try world.stat("/f")
    #expect(
        attributes.modificationTime.nanoseconds > before.nanoseconds
            || attributes.modificationTime.seconds > before.seconds)
    #expect(attributes.accessTime == created)  // reads and writes never touch atime here
    // Creating an entry changes the directory's mtime and ctime.
    let rootBefore = try world.stat("/").modificationTime
    try world.mkdir("/d")
    #expect(try world.stat("/").modificationTime != rootBefore)
    // utimensat with explicit times and with UTIME_OMIT.
    let location = try world.lookup("/f")
    let fixed = Timespec(seconds: 1234, nanoseconds: 5678)
    try world.vfs.setTimes(of: location, in: world.context, access: .set(fixed), modification: nil)
    attributes = try world.stat("/f")
    #expect(attributes.accessTime == fixed && attributes.modificationTime != fixed)
    let changeBefore = attributes.changeTime
    try world.vfs.setTimes(of: location, in: world.context, access: nil, modification: nil)
    #expect(try world.stat("/f").changeTime == changeBefore)
    #expect(
        errno {
            try world.vfs.setTimes(
                of: location, in: world.context, access: .set(Timespec(seconds: 1, nanoseconds: 1_000_000_000)),
                modification: nil)
        } == .EINVAL)
    // statx carries the nanoseconds and the birth time.
    let record = Statx.encode(try world.stat("/f"), mountID: 7)
    #expect(record.count == 256)
    #expect(littleEndian(record[64..<72], as: Int64.self) == 1234)
    #expect(littleEndian(record[72..<76], as: UInt32.self) == 5678)
    #expect(littleEndian(record[0..<4], as: UInt32.self) & Statx.STATX_BTIME != 0)
    #expect(littleEndian(record[144..<152], as: UInt64.self) == 7)
}

@Test func directoryAndSymlinkSizes() throws {
    let world = RamWorld()
    #expect(try world.stat("/").size == 40)
    try world.write("/a", [])
    try world.write("/b", [])
    #expect(try world.stat("/").size == 80)
    let root = try world.open("/", FileConstants.O_RDONLY)
    #expect(errno { try readBytes(root, count: 10) } == .EISDIR)
    #expect(errno { try world.open("/", FileConstants.O_WRONLY) } == .EISDIR)
}

/// Hands out at most `budget` pages and counts the ones outstanding.
private final class CountingPageAllocator: PageAllocator, @unchecked Sendable {
    let inner = HeapPageAllocator()
    var budget: Int
    var outstanding = 0

    init(budget: Int) { self.budget = budget }

    func allocatePage() -> UnsafeMutableRawPointer? {
        guard outstanding < budget, let page = inner.allocatePage() else { return nil }
        outstanding += 1
        return page
    }

    func freePage(_ page: UnsafeMutableRawPointer) {
        outstanding -= 1
        inner.freePage(page)
    }
}

@Test func pagesComeFromTheKernelsAllocatorAndGoBack() throws {
    let allocator = CountingPageAllocator(budget: 3)
    let clock = TestClock()
    let fileSystem = RamFileSystem(clock: { clock.now() }, lockFactory: NoLockFactory(), pageAllocator: allocator)
    let vfs = VirtualFileSystem(root: fileSystem, lockFactory: NoLockFactory())
    let context = vfs.makeContext()
    var file: OpenFile? = try vfs.open(bytes("/f"), in: context, flags: O_RDWR_CREAT, mode: 0o644)
    let data = [UInt8](repeating: 5, count: 5 * 4096)
    // Out of memory (not out of tmpfs space): a short write, then ENOMEM; nothing is leaked.
    #expect(try writeBytes(file!, data) == 3 * 4096)
    #expect(errno { try writeBytes(file!, data) } == .ENOMEM)
    #expect(fileSystem.usedBytes == 3 * 4096)
    #expect(errno { try file!.allocate(mode: 0, offset: 3 * 4096, length: 4096) } == .ENOMEM)
    #expect(fileSystem.usedBytes == 3 * 4096 && allocator.outstanding == 3)
    #expect(try pread(file!, count: 3 * 4096, at: 0) == [UInt8](repeating: 5, count: 3 * 4096))
    try file!.truncate(to: 4096)
    #expect(allocator.outstanding == 1)
    try vfs.unlink(bytes("/f"), in: context)
    #expect(allocator.outstanding == 1)
    file = nil
    #expect(allocator.outstanding == 0 && fileSystem.usedBytes == 0)
}
