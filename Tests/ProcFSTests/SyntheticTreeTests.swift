import LinuxABI
import Testing
import VFS

@testable import ProcFS

/// A small /proc: a counter file whose text changes on every render, a writable name, a
/// directory of "processes" that come and go, an ordinary link and magic links.
final class Model {
    var renders = 0
    var name = bytes("init")
    var pids: [Int] = [1, 7]
    var pipe: VNode? = nil
    var target: Location? = nil
}

func makeWorld(_ model: Model) throws -> SyntheticWorld {
    try SyntheticWorld { _ in
        var entries: [SyntheticEntry] = [
            .file("counter") {
                model.renders += 1
                var t = ProcText()
                for i in 0..<100 {
                    t.append("line ")
                    t.decimal(i)
                    t.append(" of render ")
                    t.decimal(model.renders)
                    t.newline()
                }
                return t.bytes
            },
            .file("name", write: { model.name = $0 }) { model.name + [0x0A] },
            .link("self") { bytes("1") },
            .link("pipe", jump: { model.pipe.map { .node($0) } }) { bytes("pipe:[42]") },
            .link("target", jump: { model.target.map { .location($0, origin: nil) } }) { bytes("/nowhere") },
            .directory("sys") { _ in
                [.directory("kernel") { _ in [.file("ostype") { bytes("Linux\n") }] }]
            },
        ]
        for pid in model.pids {
            entries.append(
                .directory(bytes(String(pid)), order: 1_000 + UInt64(pid)) { _ in
                    [.file("status") { bytes("Pid:\t\(pid)\n") }]
                })
        }
        return entries
    }
}

@Test func filesAreSnapshotsTakenAtOpen() throws {
    let model = Model()
    let world = try makeWorld(model)
    let file = try world.open("/proc/counter", FileConstants.O_RDONLY)
    // Tiny reads see one render, however many calls they take.
    let whole = try readAll(file, chunk: 7)
    #expect(model.renders == 1)
    #expect(text(whole).hasPrefix("line 0 of render 1\n"))
    #expect(text(whole).hasSuffix("line 99 of render 1\n"))
    // lseek back and read again: still the same snapshot.
    #expect(try file.seek(offset: 5, whence: FileConstants.SEEK_SET) == 5)
    #expect(try text(readAll(file, chunk: 3)) == String(text(whole).dropFirst(5)))
    #expect(try file.seek(offset: 0, whence: FileConstants.SEEK_END) == Int64(whole.count))
    #expect(model.renders == 1)
    // pread at an offset.
    var buffer = [UInt8](repeating: 0, count: 4)
    let n = try buffer.withUnsafeMutableBytes { raw throws(Errno) in try file.read(at: 7, into: raw) }
    #expect(n == 4 && text(buffer) == "of r")
    // A new open renders again.
    #expect(try text(world.read("/proc/counter")).hasSuffix("render 2\n"))
}

@Test func attributesAndStatistics() throws {
    let world = try makeWorld(Model())
    let file = try world.vfs.attributes(of: bytes("/proc/counter"), in: world.context)
    #expect(file.type == .regular && file.permissions == 0o444 && file.size == 0)
    #expect(file.device == DeviceNumber(major: 0, minor: 21))
    let directory = try world.vfs.attributes(of: bytes("/proc/sys"), in: world.context)
    #expect(directory.type == .directory && directory.permissions == 0o555)
    let link = try world.vfs.attributes(of: bytes("/proc/self"), in: world.context, options: .noFollow)
    #expect(link.type == .symlink && link.permissions == 0o777)
    #expect(try world.vfs.attributes(of: bytes("/proc/name"), in: world.context).permissions == 0o644)
    // The same path has the same inode number every time; different paths differ.
    #expect(try world.vfs.attributes(of: bytes("/proc/sys/kernel/ostype"), in: world.context).inode
        == world.vfs.attributes(of: bytes("/proc/sys/kernel/ostype"), in: world.context).inode)
    #expect(file.inode != directory.inode)
    let statistics = try world.vfs.statistics(of: bytes("/proc/sys"), in: world.context)
    #expect(statistics.type == 0x9FA0)
    #expect(try world.vfs.lookup(bytes("/proc/sys/kernel/.."), in: world.context).node.attributes().inode == directory.inode)
    #expect(try text(world.vfs.pathName(of: world.vfs.lookup(bytes("/proc/sys/kernel"), in: world.context), in: world.context)) == "/proc/sys/kernel")
}

@Test func readOnlyFilesRefuseWritersAndWritableOnesTakeWrites() throws {
    let model = Model()
    let world = try makeWorld(model)
    #expect(throws: Errno.EACCES) { try world.open("/proc/counter", FileConstants.O_WRONLY) }
    #expect(throws: Errno.EACCES) { try world.open("/proc/counter", FileConstants.O_RDWR) }
    #expect(throws: Errno.self) { try world.open("/proc/new", FileConstants.O_WRONLY | FileConstants.O_CREAT) }
    #expect(throws: Errno.self) { try world.vfs.makeDirectory(bytes("/proc/d"), in: world.context, mode: 0o755) }
    #expect(throws: Errno.self) { try world.vfs.unlink(bytes("/proc/counter"), in: world.context) }
    // `echo hello > /proc/name` opens with O_CREAT|O_TRUNC.
    let file = try world.open("/proc/name", FileConstants.O_WRONLY | FileConstants.O_CREAT | FileConstants.O_TRUNC)
    #expect(try write(file, bytes("hello")) == 5)
    #expect(model.name == bytes("hello"))
    #expect(try text(world.read("/proc/name")) == "hello\n")
}

@Test func readdirListsEntriesAndResumesAcrossChanges() throws {
    let model = Model()
    let world = try makeWorld(model)
    #expect(try world.names("/proc") == [".", "..", "counter", "name", "self", "pipe", "target", "sys", "1", "7"])
    #expect(try world.names("/proc/sys/kernel") == [".", "..", "ostype"])
    // Small buffers: one entry per call, same result.
    #expect(try world.names("/proc", bufferSize: 32) == [".", "..", "counter", "name", "self", "pipe", "target", "sys", "1", "7"])
    // A listing resumed after a process went and another came sees each survivor once.
    let directory = try world.open("/proc", FileConstants.O_RDONLY | FileConstants.O_DIRECTORY)
    var buffer = [UInt8](repeating: 0, count: 24 * 9)
    _ = try buffer.withUnsafeMutableBytes { raw throws(Errno) in try directory.readDirectory(into: raw) }
    model.pids = [3, 7, 9]
    var rest: [String] = []
    while true {
        let used = try buffer.withUnsafeMutableBytes { raw throws(Errno) in try directory.readDirectory(into: raw) }
        if used == 0 { break }
        var offset = 0
        while offset < used {
            var end = offset + Dirent64.nameOffset
            while buffer[end] != 0 { end += 1 }
            rest.append(text(Array(buffer[(offset + Dirent64.nameOffset)..<end])))
            offset += Int(buffer[offset + 16])
        }
    }
    #expect(rest.contains("7") && rest.contains("9") && !rest.contains("1"))
    #expect(try text(world.read("/proc/9/status")) == "Pid:\t9\n")
    #expect(throws: Errno.ENOENT) { try world.read("/proc/1/status") }
    #expect(throws: Errno.ENOENT) { try world.read("/proc/99999") }
}

@Test func linksAndMagicLinks() throws {
    let model = Model()
    let world = try makeWorld(model)
    #expect(try text(world.vfs.readLink(bytes("/proc/self"), in: world.context)) == "1")
    #expect(try world.vfs.lookup(bytes("/proc/self"), in: world.context).node.attributes().type == .directory)
    // A magic link to a place in the tree leads there whatever its text says.
    try world.vfs.makeDirectory(bytes("/data"), in: world.context, mode: 0o755)
    let data = try world.vfs.lookup(bytes("/data"), in: world.context)
    model.target = data
    #expect(try text(world.vfs.readLink(bytes("/proc/target"), in: world.context)) == "/nowhere")
    #expect(try world.vfs.lookup(bytes("/proc/target"), in: world.context).node === data.node)
    #expect(try world.vfs.lookup(bytes("/proc/target/"), in: world.context).node === data.node)
    // … also for O_CREAT opens through it and for paths continuing below it.
    let created = try world.vfs.open(bytes("/proc/target/new"), in: world.context, flags: FileConstants.O_WRONLY | FileConstants.O_CREAT, mode: 0o644)
    #expect(try text(world.vfs.pathName(of: created, in: world.context)) == "/data/new")
    // A magic link to an object outside the tree: the object itself.
    let pipe = PipeLike()
    model.pipe = pipe
    #expect(try world.vfs.lookup(bytes("/proc/pipe"), in: world.context).node === pipe)
    let opened = try world.vfs.open(bytes("/proc/pipe"), in: world.context, flags: FileConstants.O_RDONLY | FileConstants.O_CREAT, mode: 0)
    #expect(opened.node === pipe)
    #expect(throws: Errno.ENOTDIR) { try world.vfs.lookup(bytes("/proc/pipe/"), in: world.context) }
    // O_NOFOLLOW refuses, O_PATH|O_NOFOLLOW opens the link itself.
    #expect(throws: Errno.ELOOP) { try world.open("/proc/pipe", FileConstants.O_RDONLY | FileConstants.O_NOFOLLOW) }
    #expect(try world.open("/proc/pipe", FileConstants.O_PATH | FileConstants.O_NOFOLLOW).node.type == .symlink)
}

/// A regular node outside every file system, standing in for an anonymous inode.
final class PipeLike: VNode {
    init() { super.init(type: .regular) }
    override func attributes() throws(Errno) -> FileAttributes { FileAttributes(type: .regular, permissions: 0o600, inode: 42) }
}

@Test func mountsAreListedWithTheirNames() throws {
    let world = try makeWorld(Model())
    var t = ProcText()
    for mount in world.vfs.mounts {
        let point = try world.vfs.pathName(of: Location(mount: mount, node: mount.root), in: world.context)
        MountEntry(
            id: mount.id, parentID: mount.parent?.id ?? mount.id, device: try mount.root.attributes().device,
            mountPoint: point, source: mount.source, typeName: mount.typeName, flags: mount.flags
        ).appendMountsLine(to: &t)
    }
    #expect(text(t.bytes) == "rootfs / tmpfs rw,relatime 0 0\nproc /proc proc rw,relatime 0 0\n")
}
