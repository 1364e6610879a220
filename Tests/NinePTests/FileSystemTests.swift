import LinuxABI
import Testing
import FileSystemTestSupport
import VFS

@testable import NineP

/// The file system driven through the VFS, as system calls drive it, against the in-memory
/// server: every operation, what the server holds afterwards, and the error paths.
@Suite struct FileSystemTests {
    struct World {
        let server: FakeNinePServer
        let client: NinePClient
        let fileSystem: NinePFileSystem
        let vfs: VirtualFileSystem
        let context: FileContext

        /// An 8 KiB msize, so anything beyond 8168 bytes takes several messages.
        init(messageSize: Int = 8192, populate: (FakeNinePServer) -> Void = { _ in }) throws {
            server = FakeNinePServer(maximumMessageSize: messageSize)
            populate(server)
            client = try NinePClient(transport: server, lock: NoLock())
            fileSystem = try NinePFileSystem(client: client, device: DeviceNumber(major: 0, minor: 40), lockFactory: NoLockFactory())
            vfs = VirtualFileSystem(root: fileSystem, lockFactory: NoLockFactory())
            context = vfs.makeContext(umask: 0)
        }

        func write(_ path: String, _ data: [UInt8], flags: Int = FileConstants.O_WRONLY | FileConstants.O_CREAT | FileConstants.O_TRUNC) throws {
            let file = try vfs.open(bytes(path), in: context, flags: flags, mode: 0o644)
            let n = try data.withUnsafeBytes { try file.write(from: $0) }
            #expect(n == data.count)
        }

        func read(_ path: String, chunk: Int = 100_000) throws -> [UInt8] {
            try readAll(try vfs.open(bytes(path), in: context, flags: FileConstants.O_RDONLY), chunk: chunk)
        }

        func readAll(_ file: OpenFile, chunk: Int = 100_000) throws -> [UInt8] { try file.readToEnd(chunk: chunk) }

        /// Names getdents64 returns, through a small buffer so listing takes several calls.
        func list(_ path: String) throws -> [String] {
            try vfs.open(bytes(path), in: context, flags: FileConstants.O_RDONLY | FileConstants.O_DIRECTORY)
                .directoryNames(bufferSize: 64)
        }

        func attributes(_ path: String) throws -> FileAttributes {
            try vfs.attributes(of: bytes(path), in: context, options: .noFollow)
        }
    }

    static func pattern(_ count: Int, seed: Int = 1) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ ($0 >> 9) &* 7 &+ seed &* 29) }
    }

    @Test func theHostsFilesReadBack() throws {
        let big = Self.pattern(50_000)
        let world = try World { server in
            server.add("seed", mode: 0o040755)
            server.add("seed/hello.txt", data: bytes("hello from the host\n"))
            server.add("seed/big", data: big)
            server.add("seed/link", mode: 0o120777, target: bytes("hello.txt"))
        }
        #expect(try world.read("/seed/hello.txt") == bytes("hello from the host\n"))
        #expect(try world.read("/seed/link") == bytes("hello from the host\n"))
        // One read of 50 000 bytes is split into messages of at most msize - 24.
        let before = world.server.requests.count
        #expect(try world.read("/seed/big") == big)
        let reads = world.server.requests[before...].compactMap { request -> UInt32? in
            if case .read(_, _, let count) = request { return count }
            return nil
        }
        #expect(reads.count >= 7)
        #expect(reads.allSatisfy { $0 <= 8192 - 24 })
        #expect(try world.list("/seed") == [".", "..", "big", "hello.txt", "link"])
        let a = try world.attributes("/seed/big")
        #expect(a.type == .regular && a.size == 50_000 && a.permissions == 0o644 && a.device == DeviceNumber(major: 0, minor: 40))
        #expect(try world.attributes("/seed").type == .directory)
        #expect(try world.attributes("/seed/link").type == .symlink)
        #expect(try world.vfs.readLink(bytes("/seed/link"), in: world.context) == bytes("hello.txt"))
        // The same file is the same node, by whichever name or path it is reached.
        let first = try world.vfs.lookup(bytes("/seed/big"), in: world.context).node
        let second = try world.vfs.lookup(bytes("/seed/../seed/./big"), in: world.context).node
        #expect(first === second)
    }

    @Test func aTreeIsWrittenToTheServer() throws {
        let world = try World()
        let vfs = world.vfs
        let context = world.context
        try vfs.makeDirectory(bytes("/out"), in: context, mode: 0o755)
        try vfs.makeDirectory(bytes("/out/a"), in: context, mode: 0o700)
        try vfs.makeDirectory(bytes("/out/a/b"), in: context, mode: 0o755)
        let large = Self.pattern(100_000, seed: 3)
        let before = world.server.requests.count
        try world.write("/out/large", large)
        let writes = world.server.requests[before...].compactMap { request -> UInt32? in
            if case .write(_, _, let count) = request { return count }
            return nil
        }
        #expect(writes.count == 13 && writes.allSatisfy { $0 <= 8168 })
        #expect(world.server.file("out/large")?.data == large)
        try world.write("/out/small", bytes("small"))
        try world.write("/out/log", bytes("one\n"))
        try world.write("/out/log", bytes("two\n"), flags: FileConstants.O_WRONLY | FileConstants.O_APPEND)
        #expect(world.server.file("out/log")?.data == bytes("one\ntwo\n"))
        try vfs.makeSymlink(bytes("/out/link"), target: bytes("a/b"), in: context)
        #expect(world.server.file("out/link")?.target == bytes("a/b"))
        try vfs.link(bytes("/out/small"), in: context, to: bytes("/out/a/hard"))
        #expect(world.server.file("out/a/hard") === world.server.file("out/small"))
        #expect(try world.attributes("/out/small").linkCount == 2)
        try vfs.rename(bytes("/out/small"), in: context, to: bytes("/out/a/b/moved"))
        #expect(world.server.file("out/small") == nil)
        #expect(try world.read("/out/a/b/moved") == bytes("small"))
        try vfs.rename(bytes("/out/a/b"), in: context, to: bytes("/out/c"))
        #expect(try world.read("/out/c/moved") == bytes("small"))
        try vfs.truncate(bytes("/out/large"), in: context, length: 5000)
        #expect(world.server.file("out/large")?.data == Array(large[0..<5000]))
        try vfs.truncate(bytes("/out/large"), in: context, length: 6000)
        #expect(world.server.file("out/large")?.data == Array(large[0..<5000]) + [UInt8](repeating: 0, count: 1000))
        try vfs.unlink(bytes("/out/log"), in: context)
        #expect(world.server.file("out/log") == nil)
        try vfs.makeDirectory(bytes("/out/empty"), in: context, mode: 0o755)
        try vfs.removeDirectory(bytes("/out/empty"), in: context)
        #expect(world.server.file("out/empty") == nil)
        #expect(try world.list("/out") == [".", "..", "a", "c", "large", "link"])
        #expect(world.server.file("out/a")!.mode == 0o040700)
        #expect(world.server.file("out/large")!.mode == 0o100644)
    }

    @Test func attributesChange() throws {
        let world = try World { $0.add("f", data: bytes("data")) }
        let location = try world.vfs.lookup(bytes("/f"), in: world.context)
        try world.vfs.changeMode(of: location, in: world.context, mode: 0o4711)
        #expect(world.server.file("f")!.mode == 0o104711)
        try world.vfs.changeOwner(of: location, in: world.context, uid: 1000, gid: 100)
        let server = world.server.file("f")!
        #expect(server.uid == 1000 && server.gid == 100)
        // Changing the owner drops setuid, as Linux does.
        #expect(server.mode == 0o100711)
        let time = Timespec(seconds: 1_600_000_000, nanoseconds: 42)
        try world.vfs.setTimes(of: location, in: world.context, access: .set(time), modification: .now)
        #expect(server.accessTime == time && server.modificationTime == Timespec(seconds: 2000))
        let a = try world.attributes("/f")
        #expect(a.accessTime == time && a.uid == 1000 && a.permissions == 0o711)
        // fsync reaches the server on the open fid.
        let file = try world.vfs.open(bytes("/f"), in: world.context, flags: FileConstants.O_RDWR)
        try file.sync(dataOnly: true)
        #expect(world.server.requests.contains { if case .sync(_, true) = $0 { return true } else { return false } })
        let statistics = try world.vfs.statistics(of: bytes("/"), in: world.context)
        #expect(statistics.type == NinePFileSystem.V9FS_MAGIC && statistics.blocks == 1000 && statistics.availableBlocks == 500)
        try world.vfs.makeNode(bytes("/fifo"), in: world.context, mode: UInt32(FileConstants.S_IFIFO) | 0o600)
        #expect(try world.attributes("/fifo").type == .fifo)
        #expect(world.server.file("fifo")!.mode == 0o010600)
    }

    @Test func errorsAreLinuxs() throws {
        let world = try World { server in
            server.add("dir", mode: 0o040755)
            server.add("dir/file", data: bytes("x"))
            server.add("file", data: bytes("y"))
        }
        let vfs = world.vfs
        let c = world.context
        #expect(throws: Errno.ENOENT) { try world.read("/missing") }
        #expect(throws: Errno.ENOENT) { try vfs.unlink(bytes("/missing"), in: c) }
        #expect(throws: Errno.EEXIST) { try vfs.makeDirectory(bytes("/dir"), in: c, mode: 0o755) }
        #expect(throws: Errno.EEXIST) {
            _ = try vfs.open(bytes("/file"), in: c, flags: FileConstants.O_CREAT | FileConstants.O_EXCL | FileConstants.O_WRONLY, mode: 0o644)
        }
        #expect(throws: Errno.EEXIST) { try vfs.makeSymlink(bytes("/file"), target: bytes("x"), in: c) }
        #expect(throws: Errno.ENOTEMPTY) { try vfs.removeDirectory(bytes("/dir"), in: c) }
        #expect(throws: Errno.ENOTDIR) { try vfs.removeDirectory(bytes("/file"), in: c) }
        #expect(throws: Errno.ENOTDIR) { try world.read("/file/x") }
        #expect(throws: Errno.EISDIR) { try vfs.unlink(bytes("/dir"), in: c) }
        #expect(throws: Errno.EISDIR) { _ = try vfs.open(bytes("/dir"), in: c, flags: FileConstants.O_WRONLY) }
        #expect(throws: Errno.EINVAL) { try vfs.rename(bytes("/dir"), in: c, to: bytes("/dir/sub")) }
        #expect(throws: Errno.EISDIR) { try vfs.rename(bytes("/file"), in: c, to: bytes("/dir")) }
        #expect(throws: Errno.EINVAL) { try vfs.rename(bytes("/file"), in: c, to: bytes("/dir/file"), flags: .exchange) }
        #expect(throws: Errno.EEXIST) { try vfs.rename(bytes("/file"), in: c, to: bytes("/dir/file"), flags: .noReplace) }
        try vfs.rename(bytes("/file"), in: c, to: bytes("/new"), flags: .noReplace)
        #expect(try world.read("/new") == bytes("y"))
        // A malformed reply in the middle of an operation is EIO; the next one works.
        world.server.corruptNextReply = { $0.removeLast() }
        #expect(throws: Errno.EIO) { try world.read("/dir/file") }
        #expect(try world.read("/dir/file") == bytes("x"))
    }

    /// A file removed while open keeps its data and attributes through the open fid; a new file
    /// the host gives the same inode number is a new node.
    @Test func removedFilesAndReusedInodeNumbers() throws {
        let world = try World { $0.add("old", data: bytes("old data")) }
        let file = try world.vfs.open(bytes("/old"), in: world.context, flags: FileConstants.O_RDONLY)
        let stalePath = world.server.file("old")!.path
        try world.vfs.unlink(bytes("/old"), in: world.context)
        #expect(try world.readAll(file) == bytes("old data"))
        #expect(try file.attributes().size == 8)
        world.server.addReusing(stalePath, "again", data: bytes("new data"))
        #expect(try world.read("/again") == bytes("new data"))
        #expect(try world.attributes("/again").inode == stalePath)
        // Removed on the host, and the number reused for a directory: a directory node.
        let fileNode = try world.vfs.lookup(bytes("/again"), in: world.context).node
        world.server.removeBehindTheClient("again")
        world.server.addReusing(stalePath, "dir", mode: 0o040755)
        let directory = try world.vfs.lookup(bytes("/dir"), in: world.context).node
        #expect(directory.type == .directory && directory !== fileNode)
        #expect(try world.list("/dir") == [".", ".."])
    }

    /// A file this client creates is a new node even when the host gave it the number of a file
    /// it removed behind the client's back while the client still held it.
    @Test func aCreatedFileIsNewWhateverItsNumber() throws {
        let world = try World { $0.add("held", data: bytes("old")) }
        let held = try world.vfs.open(bytes("/held"), in: world.context, flags: FileConstants.O_RDONLY)
        world.server.reusePathOnce = world.server.file("held")!.path
        world.server.removeBehindTheClient("held")
        try world.write("/new", bytes("new data"))
        #expect(world.server.file("new")?.data == bytes("new data"))
        #expect(try world.read("/new") == bytes("new data"))
        #expect(try world.readAll(held) == bytes("old"))
    }

    /// Nothing is cached: what the host changes shows at once.
    @Test func hostChangesShowAtOnce() throws {
        let world = try World()
        #expect(throws: Errno.ENOENT) { try world.read("/later") }
        world.server.add("later", data: bytes("1"))
        #expect(try world.read("/later") == bytes("1"))
        world.server.file("later")!.data = bytes("22")
        #expect(try world.read("/later") == bytes("22"))
        #expect(try world.attributes("/later").size == 2)
    }

    /// Nodes no one holds are dropped (their fids clunked) as the table grows; unmounting clunks
    /// the rest and fails later calls with EIO.
    @Test func fidsAreBoundedAndUnmountClunksThem() throws {
        let world = try World { server in
            for index in 0..<600 { server.add("f\(index)", data: bytes("\(index)")) }
        }
        let held = try world.vfs.lookup(bytes("/f0"), in: world.context).node
        for index in 0..<600 { #expect(try world.read("/f\(index)") == bytes("\(index)")) }
        #expect(world.server.openFidCount < 1000)
        #expect(try world.vfs.lookup(bytes("/f0"), in: world.context).node === held)
        world.fileSystem.unmounted()
        #expect(world.server.openFidCount == 0)
        #expect(throws: Errno.EIO) { try world.read("/f1") }
        #expect(throws: Errno.EIO) { try held.attributes() }
        // The session lives on: the share can be attached again.
        let again = try NinePFileSystem(client: world.client, device: .none, lockFactory: NoLockFactory())
        #expect(try again.root.lookup(bytes("f7")).attributes().size == 1)
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
