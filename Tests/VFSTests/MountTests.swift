import ImageFS
import LinuxABI
import Testing

@testable import VFS

private func makeInner(_ world: RamWorld, minor: UInt32 = 9) -> RamFileSystem {
    let clock = world.clock
    return RamFileSystem(
        options: RamFileSystemOptions(device: DeviceNumber(major: 0, minor: minor)), clock: { clock.now() },
        lockFactory: NoLockFactory())
}

@Test func mountCrossingAndDotDotAtMountRoots() throws {
    var world = RamWorld()
    try world.mkdir("/mnt")
    try world.write("/mnt/hidden", [])
    let inner = makeInner(world)
    let mount = try world.vfs.mount(inner, at: bytes("/mnt"), in: world.context)
    #expect(try world.lookup("/mnt").node === inner.root)
    #expect(try world.lookup("/mnt").mount === mount)
    #expect(errno { try world.lookup("/mnt/hidden") } == .ENOENT)
    try world.mkdir("/mnt/sub")
    #expect(try world.lookup("/mnt/sub/../..").node === world.vfs.rootLocation.node)
    #expect(try world.lookup("/mnt/..").mount === world.vfs.rootMount)
    #expect(try world.stat("/mnt/sub").device == DeviceNumber(major: 0, minor: 9))
    // Relative walks from inside the mount climb out of it.
    world.context.workingDirectory = try world.lookup("/mnt/sub")
    #expect(try world.lookup("../../mnt/sub").node === world.context.workingDirectory.node)
    #expect(try world.vfs.pathName(of: world.context.workingDirectory, in: world.context) == bytes("/mnt/sub"))
    #expect(try world.vfs.pathName(of: world.vfs.rootLocation, in: world.context) == bytes("/"))
    // The mount point cannot be removed or renamed while mounted.
    world.context.workingDirectory = world.vfs.rootLocation
    #expect(errno { try world.vfs.removeDirectory(bytes("/mnt"), in: world.context) } == .EBUSY)
    #expect(errno { try world.vfs.rename(bytes("/mnt"), in: world.context, to: bytes("/mnt2")) } == .EBUSY)
    try world.mkdir("/other")
    #expect(errno { try world.vfs.rename(bytes("/other"), in: world.context, to: bytes("/mnt")) } == .EBUSY)
    // Mounting on a file is ENOTDIR.
    try world.write("/file", [])
    #expect(errno { try world.vfs.mount(makeInner(world), at: bytes("/file"), in: world.context) } == .ENOTDIR)
}

@Test func crossMountOperationsAreEXDEV() throws {
    let world = RamWorld()
    try world.mkdir("/mnt")
    try world.vfs.mount(makeInner(world), at: bytes("/mnt"), in: world.context)
    try world.write("/a", bytes("x"))
    try world.mkdir("/mnt/d")
    #expect(errno { try world.vfs.rename(bytes("/a"), in: world.context, to: bytes("/mnt/a")) } == .EXDEV)
    #expect(errno { try world.vfs.rename(bytes("/mnt/d"), in: world.context, to: bytes("/d")) } == .EXDEV)
    #expect(errno { try world.vfs.link(bytes("/a"), in: world.context, to: bytes("/mnt/a")) } == .EXDEV)
    // A symlink may point across mounts.
    try world.symlink("/mnt/to-root-file", to: "/a")
    #expect(try world.read("/mnt/to-root-file") == bytes("x"))
    try world.symlink("/mnt/d/up", to: "../../a")
    #expect(try world.read("/mnt/d/up") == bytes("x"))
}

@Test func stackedMountsAndUnmount() throws {
    let world = RamWorld()
    try world.mkdir("/mnt")
    let first = makeInner(world, minor: 10)
    let second = makeInner(world, minor: 11)
    try world.vfs.mount(first, at: bytes("/mnt"), in: world.context)
    try world.write("/mnt/in-first", [])
    try world.vfs.mount(second, at: bytes("/mnt"), in: world.context, flags: .readOnly)
    #expect(try world.lookup("/mnt").node === second.root)
    #expect(errno { try world.write("/mnt/x", []) } == .EROFS)
    #expect(try world.vfs.statistics(of: bytes("/mnt"), in: world.context).flags & FileSystemStatistics.ST_RDONLY != 0)
    #expect(try world.lookup("/mnt/..").node === world.vfs.rootLocation.node)
    #expect(world.vfs.mounts.count == 3)
    // Unmounting the top reveals the one below.
    try world.vfs.unmount(bytes("/mnt"), in: world.context)
    #expect(try world.lookup("/mnt/in-first").node.type == .regular)
    // Busy: open files, or mounts below.
    let open = try world.open("/mnt/in-first", FileConstants.O_RDONLY)
    #expect(errno { try world.vfs.unmount(bytes("/mnt"), in: world.context) } == .EBUSY)
    #expect(errno { try world.vfs.unmount(bytes("/mnt/in-first"), in: world.context) } == .EINVAL)
    #expect(errno { try world.vfs.unmount(bytes("/"), in: world.context) } == .EBUSY)
    // A lazy unmount detaches at once; the open file keeps working.
    try world.vfs.unmount(bytes("/mnt"), in: world.context, flags: .detach)
    #expect(errno { try world.lookup("/mnt/in-first") } == .ENOENT)
    #expect(try open.attributes().type == .regular)
    #expect(world.vfs.mounts.count == 1)
    #expect(!open.mount!.isAttached)
}

@Test func unmountWithChildMountsIsBusyUnlessDetached() throws {
    let world = RamWorld()
    try world.mkdir("/a")
    try world.vfs.mount(makeInner(world), at: bytes("/a"), in: world.context)
    try world.mkdir("/a/b")
    try world.vfs.mount(makeInner(world), at: bytes("/a/b"), in: world.context)
    #expect(errno { try world.vfs.unmount(bytes("/a"), in: world.context) } == .EBUSY)
    try world.vfs.unmount(bytes("/a"), in: world.context, flags: .detach)
    #expect(world.vfs.mounts.count == 1)
}

@Test func nonRootCannotMount() throws {
    var world = RamWorld()
    try world.mkdir("/mnt")
    world.context.credentials = Credentials(uid: 1000, gid: 1000)
    #expect(errno { try world.vfs.mount(makeInner(world), at: bytes("/mnt"), in: world.context) } == .EPERM)
}

@Test func imageRootWithTmpfsMountedOnIt() throws {
    var builder = ImageBuilder()
    try builder.addFile(at: "/bin/tool", contents: Array("tool".utf8))
    try builder.addDirectory(at: "/tmp")
    let image = try builder.build()
    try image.withUnsafeBytes { raw in
        let locks = PthreadLockFactory()
        let imageFileSystem = try makeMemoryImageFileSystem(MemoryImageStorage(raw), lockFactory: locks)
        let vfs = VirtualFileSystem(root: imageFileSystem, lockFactory: locks)
        let context = vfs.makeContext()
        let tmp = RamFileSystem(clock: { Timespec(seconds: 5) }, lockFactory: locks)
        try vfs.mount(tmp, at: bytes("/tmp"), in: context)
        let file = try vfs.open(bytes("/tmp/scratch"), in: context, flags: O_RDWR_CREAT, mode: 0o600)
        _ = try writeBytes(file, bytes("scratch data"))
        #expect(
            try readAll(vfs.open(bytes("/tmp/../tmp/scratch"), in: context, flags: FileConstants.O_RDONLY))
                == bytes("scratch data"))
        #expect(errno { try vfs.open(bytes("/bin/new"), in: context, flags: O_RDWR_CREAT) } == .EROFS)
        #expect(errno { try vfs.rename(bytes("/tmp/scratch"), in: context, to: bytes("/bin/scratch")) } == .EXDEV)
        #expect(try vfs.pathName(of: vfs.lookup(bytes("/tmp"), in: context), in: context) == bytes("/tmp"))
        #expect(try vfs.pathName(of: vfs.lookup(bytes("/bin"), in: context), in: context) == bytes("/bin"))
    }
}

@Test func pathNamesOfOpenFiles() throws {
    let world = RamWorld()
    try world.mkdir("/mnt")
    try world.vfs.mount(makeInner(world), at: bytes("/mnt"), in: world.context)
    try world.mkdir("/mnt/sub")
    try world.write("/mnt/sub/file", [])
    try world.symlink("/link", to: "mnt/sub/file")
    let viaLink = try world.open("/link", FileConstants.O_RDONLY)
    #expect(try world.vfs.pathName(of: viaLink, in: world.context) == bytes("/mnt/sub/file"))
    let created = try world.open("/mnt/new", O_RDWR_CREAT)
    #expect(try world.vfs.pathName(of: created, in: world.context) == bytes("/mnt/new"))
    let directory = try world.open("/mnt/sub/..", FileConstants.O_RDONLY)
    #expect(try world.vfs.pathName(of: directory, in: world.context) == bytes("/mnt"))
    let top = try world.open("/link", FileConstants.O_PATH | FileConstants.O_NOFOLLOW)
    #expect(try world.vfs.pathName(of: top, in: world.context) == bytes("/link"))
    try world.vfs.unlink(bytes("/mnt/new"), in: world.context)
    #expect(try world.vfs.pathName(of: created, in: world.context) == bytes("/mnt/new (deleted)"))
    let anonymous = OpenFile(node: VNode(type: .fifo), mount: nil, flags: .readOnly, lock: NoLock())
    #expect(errno { try world.vfs.pathName(of: anonymous, in: world.context) } == .ENOENT)
}
