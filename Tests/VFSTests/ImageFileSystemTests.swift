import ImageFS
import LinuxABI
import Testing

@testable import VFS

/// An image with /bin/app (a large, page-aligned file), /etc/conf, a symlink, a hard link
/// and an empty directory.
private func makeImage() throws -> [UInt8] {
    var builder = ImageBuilder()
    let program = (0..<10000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
    try builder.addFile(
        at: "/bin/app", contents: program,
        attributes: NodeAttributes(
            permissions: 0o755, uid: 5, gid: 6, modificationTime: Timestamp(seconds: 99, nanoseconds: 7)))
    try builder.addFile(at: "/etc/conf", contents: Array("key=value\n".utf8))
    try builder.addSymlink(at: "/etc/link", target: "conf")
    try builder.addSymlink(at: "/lib", target: "/etc")
    try builder.addHardLink(at: "/etc/conf2", to: "/etc/conf")
    try builder.addDirectory(at: "/empty")
    return try builder.build()
}

/// Runs `body` with a tree whose root is the image (in memory, zero-copy).
private func withImage(_ body: (VirtualFileSystem, FileContext, MemoryImageFileSystem) throws -> Void) throws {
    let image = try makeImage()
    try image.withUnsafeBytes { raw in
        let fileSystem = try makeMemoryImageFileSystem(MemoryImageStorage(raw), lockFactory: PthreadLockFactory())
        let vfs = VirtualFileSystem(root: fileSystem, lockFactory: PthreadLockFactory())
        try body(vfs, vfs.makeContext(), fileSystem)
    }
}

@Test func imageLookupsReadsAndAttributes() throws {
    try withImage { vfs, context, _ in
        let app = try vfs.open(bytes("/bin/app"), in: context, flags: FileConstants.O_RDONLY)
        let contents = try readAll(app, chunk: 3000)
        #expect(contents == (0..<10000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let attributes = try app.attributes()
        #expect(attributes.type == .regular && attributes.permissions == 0o755)
        #expect(attributes.uid == 5 && attributes.gid == 6 && attributes.size == 10000)
        #expect(attributes.modificationTime == Timespec(seconds: 99, nanoseconds: 7))
        #expect(
            attributes.accessTime == attributes.modificationTime && attributes.changeTime == attributes.modificationTime
        )
        #expect(attributes.blocks == 20)
        #expect(try pread(app, count: 5, at: 9998).count == 2)
        #expect(try vfs.readLink(bytes("/etc/link"), in: context) == bytes("conf"))
        let conf = try vfs.attributes(of: bytes("/etc/link"), in: context)
        #expect(conf.linkCount == 2)
        #expect(try vfs.attributes(of: bytes("/etc/conf2"), in: context).inode == conf.inode)
        #expect(try vfs.attributes(of: bytes("/lib/conf"), in: context).inode == conf.inode)
        #expect(errno { try vfs.lookup(bytes("/etc/missing"), in: context) } == .ENOENT)
        #expect(errno { try vfs.lookup(bytes("/etc/conf/"), in: context) } == .ENOTDIR)
        #expect(
            errno { try vfs.lookup(bytes("/etc/" + String(repeating: "x", count: 256)), in: context) } == .ENAMETOOLONG)
        #expect(
            try vfs.lookup(bytes("/bin/../etc/./conf"), in: context).node
                === vfs.lookup(bytes("/etc/conf2"), in: context).node)
        let root = try vfs.open(bytes("/"), in: context, flags: FileConstants.O_RDONLY)
        #expect(try listNames(root) == ["bin", "empty", "etc", "lib"])
        let etc = try vfs.open(bytes("/etc"), in: context, flags: FileConstants.O_RDONLY)
        let records = try listDirents(etc)
        #expect(records.map { text($0.name) } == [".", "..", "conf", "conf2", "link"])
        #expect(records.map(\.type) == [4, 4, 8, 8, 10])
        #expect(records[1].inode == (try vfs.attributes(of: bytes("/"), in: context).inode))
        let statistics = try vfs.statistics(of: bytes("/"), in: context)
        #expect(statistics.type == FileSystemStatistics.SKIFF_IMAGE_MAGIC)
        #expect(statistics.flags & FileSystemStatistics.ST_RDONLY != 0)
    }
}

@Test func everyChangeToTheImageIsEROFS() throws {
    try withImage { vfs, context, fileSystem in
        let O_RDWR = FileConstants.O_RDWR
        #expect(errno { try vfs.open(bytes("/etc/conf"), in: context, flags: O_RDWR) } == .EROFS)
        #expect(errno { try vfs.open(bytes("/etc/conf"), in: context, flags: FileConstants.O_WRONLY) } == .EROFS)
        #expect(
            errno {
                try vfs.open(bytes("/etc/conf"), in: context, flags: FileConstants.O_RDONLY | FileConstants.O_TRUNC)
            } == .EROFS)
        #expect(errno { try vfs.open(bytes("/etc/new"), in: context, flags: O_RDWR | FileConstants.O_CREAT) } == .EROFS)
        // An existing file opened read-only with O_CREAT is fine; O_EXCL says EEXIST first.
        _ = try vfs.open(bytes("/etc/conf"), in: context, flags: FileConstants.O_RDONLY | FileConstants.O_CREAT)
        #expect(
            errno {
                try vfs.open(
                    bytes("/etc/conf"), in: context, flags: O_RDWR | FileConstants.O_CREAT | FileConstants.O_EXCL)
            }
                == .EEXIST)
        #expect(errno { try vfs.makeDirectory(bytes("/new"), in: context, mode: 0o755) } == .EROFS)
        #expect(errno { try vfs.makeDirectory(bytes("/etc"), in: context, mode: 0o755) } == .EEXIST)
        #expect(errno { try vfs.makeSymlink(bytes("/s"), target: bytes("x"), in: context) } == .EROFS)
        #expect(errno { try vfs.makeNode(bytes("/n"), in: context, mode: 0o644) } == .EROFS)
        #expect(errno { try vfs.link(bytes("/etc/conf"), in: context, to: bytes("/l")) } == .EROFS)
        #expect(errno { try vfs.unlink(bytes("/etc/conf"), in: context) } == .EROFS)
        #expect(errno { try vfs.unlink(bytes("/etc/missing"), in: context) } == .EROFS)  // EROFS before the lookup
        #expect(errno { try vfs.removeDirectory(bytes("/empty"), in: context) } == .EROFS)
        #expect(errno { try vfs.rename(bytes("/etc/conf"), in: context, to: bytes("/x")) } == .EROFS)
        #expect(errno { try vfs.truncate(bytes("/etc/conf"), in: context, length: 0) } == .EROFS)
        let conf = try vfs.lookup(bytes("/etc/conf"), in: context)
        #expect(errno { try vfs.changeMode(of: conf, in: context, mode: 0o600) } == .EROFS)
        #expect(errno { try vfs.changeOwner(of: conf, in: context, uid: 1, gid: nil) } == .EROFS)
        #expect(errno { try vfs.setTimes(of: conf, in: context, access: .now, modification: .now) } == .EROFS)
        #expect(errno { try vfs.checkAccess(bytes("/etc/conf"), in: context, mode: 2) } == .EROFS)
        try vfs.checkAccess(bytes("/etc/conf"), in: context, mode: 4)
        #expect(errno { try vfs.open(bytes("/etc"), in: context, flags: FileConstants.O_TMPFILE | O_RDWR) } == .EROFS)
        // The nodes themselves refuse too, for callers that bypass the VFS.
        let root = fileSystem.root
        #expect(errno { try root.create(bytes("x"), permissions: 0o644, owner: .root) } == .EROFS)
        #expect(errno { try conf.node.create(bytes("x"), permissions: 0o644, owner: .root) } == .ENOTDIR)
        #expect(errno { try conf.node.truncate(to: 0) } == .EROFS)
        #expect(errno { try conf.node.setAttributes(AttributeChanges(permissions: 0)) } == .EROFS)
        let one: [UInt8] = [0]
        #expect(
            errno { try one.withUnsafeBytes { raw in try conf.node.write(at: 0, from: raw, appending: false).count } }
                == .EROFS)
    }
}

@Test func imageFilesMapWithoutCopying() throws {
    let image = try makeImage()
    try image.withUnsafeBytes { raw in
        let fileSystem = try makeMemoryImageFileSystem(MemoryImageStorage(raw), lockFactory: NoLockFactory())
        let vfs = VirtualFileSystem(root: fileSystem, lockFactory: NoLockFactory())
        let node = try vfs.lookup(bytes("/bin/app"), in: vfs.makeContext()).node
        let mapped = try #require(node.mappedContents())
        let extent = try #require(node.imageExtent())
        #expect(mapped.count == 10000 && extent.length == 10000 && extent.isPageAligned)
        #expect(mapped.baseAddress == raw.baseAddress! + Int(extent.offset))
        #expect(Array(mapped) == (0..<10000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        #expect(try vfs.lookup(bytes("/etc"), in: vfs.makeContext()).node.mappedContents() == nil)
    }
}

/// A directory node that counts lookups reaching the file system.
private final class CountingDirectory: VNode {
    var lookups = 0
    let child = VNode(type: .regular)

    init(cache: DentryCache) { super.init(type: .directory, dentryCache: cache) }

    var created: [[UInt8]: VNode] = [:]

    override func lookup(_ name: [UInt8]) throws(Errno) -> VNode {
        lookups += 1
        if name == bytes("present") { return child }
        if let node = created[name] { return node }
        throw .ENOENT
    }

    override func create(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        let node = CountingFile()
        created[name] = node
        return node
    }

    override func attributes() throws(Errno) -> FileAttributes {
        FileAttributes(type: .directory, permissions: 0o755, inode: 1)
    }
}

private final class CountingFile: VNode {
    init() { super.init(type: .regular) }
    override func attributes() throws(Errno) -> FileAttributes {
        FileAttributes(type: .regular, permissions: 0o644, inode: 2)
    }
}

private final class CountingFileSystem: FileSystem {
    let directory = CountingDirectory(cache: DentryCache(lock: NoLock(), capacity: 4))
    var root: VNode { directory }
    var isReadOnly: Bool { false }
    func statistics() throws(Errno) -> FileSystemStatistics { FileSystemStatistics(type: 0) }
    func sync() throws(Errno) {}
    func unmounted() {}
}

@Test func dentryCacheAnswersRepeatedLookupsIncludingMisses() throws {
    let fileSystem = CountingFileSystem()
    let vfs = VirtualFileSystem(root: fileSystem, lockFactory: NoLockFactory())
    let context = vfs.makeContext()
    for _ in 0..<5 {
        #expect(try vfs.lookup(bytes("/present"), in: context).node === fileSystem.directory.child)
        #expect(errno { try vfs.lookup(bytes("/absent"), in: context) } == .ENOENT)
    }
    #expect(fileSystem.directory.lookups == 2)
    // Creating through the VFS replaces the negative entry: the next lookup finds the file.
    let created = try vfs.open(bytes("/absent"), in: context, flags: O_RDWR_CREAT)
    #expect(fileSystem.directory.lookups == 2)
    #expect(try vfs.lookup(bytes("/absent"), in: context).node === created.node)
    #expect(try vfs.lookup(bytes("/absent"), in: context).node === created.node)
    #expect(fileSystem.directory.lookups == 3)
    // Capacity: negative entries go first when the cache is full.
    let cache = fileSystem.directory.dentryCache!
    for index in 0..<10 { _ = errno { try vfs.lookup(bytes("/miss\(index)"), in: context) } }
    #expect(cache.count <= 4)
    let before = fileSystem.directory.lookups
    _ = try vfs.lookup(bytes("/present"), in: context)
    #expect(fileSystem.directory.lookups == before)
}

@Test func imageDirectoriesCacheLookups() throws {
    try withImage { vfs, context, fileSystem in
        _ = try vfs.lookup(bytes("/etc/conf"), in: context)
        _ = errno { try vfs.lookup(bytes("/etc/nope"), in: context) }
        let etc = try vfs.lookup(bytes("/etc"), in: context).node
        #expect(etc.dentryCache?.count == 2)
        #expect(
            try vfs.lookup(bytes("/etc/conf"), in: context).node
                === fileSystem.root.lookup(bytes("etc")).lookup(bytes("conf")))
        fileSystem.unmounted()
        #expect(etc.dentryCache?.count == 0)
    }
}
