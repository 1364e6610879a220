import LinuxABI
import Testing

@testable import VFS

@Test func mkdirErrors() throws {
    let world = RamWorld()
    try world.mkdir("/d")
    try world.mkdir("/d/sub/")  // a trailing slash is fine for mkdir
    #expect(errno { try world.mkdir("/d") } == .EEXIST)
    #expect(errno { try world.mkdir("/d/.") } == .EEXIST)
    #expect(errno { try world.mkdir("/d/..") } == .EEXIST)
    #expect(errno { try world.mkdir("/") } == .EEXIST)
    #expect(errno { try world.mkdir("/missing/x") } == .ENOENT)
    try world.write("/f", [])
    #expect(errno { try world.mkdir("/f") } == .EEXIST)
    try world.symlink("/dangling", to: "nowhere")
    #expect(errno { try world.mkdir("/dangling") } == .EEXIST)
    #expect(try world.stat("/d").linkCount == 3)
    #expect(try world.stat("/d/sub").linkCount == 2)
    #expect(try world.stat("/").linkCount == 3)
}

@Test func mknodTypesAndErrors() throws {
    let world = RamWorld()
    let vfs = world.vfs
    let context = world.context
    try vfs.makeNode(bytes("/fifo"), in: context, mode: UInt32(FileConstants.S_IFIFO) | 0o600)
    try vfs.makeNode(
        bytes("/null"), in: context, mode: UInt32(FileConstants.S_IFCHR) | 0o666,
        device: DeviceNumber(major: 1, minor: 3))
    try vfs.makeNode(bytes("/plain"), in: context, mode: 0o644)
    try vfs.makeNode(bytes("/sock"), in: context, mode: UInt32(FileConstants.S_IFSOCK) | 0o755)
    #expect(try world.stat("/fifo").type == .fifo)
    #expect(try world.stat("/plain").type == .regular)
    #expect(try world.stat("/sock").type == .socket)
    let null = try world.stat("/null")
    #expect(null.type == .characterDevice && null.specialDevice == DeviceNumber(major: 1, minor: 3))
    #expect(null.linuxStat.specialDevice == 0x103)
    #expect(null.mode == UInt32(FileConstants.S_IFCHR) | 0o666)
    #expect(
        errno { try vfs.makeNode(bytes("/dir"), in: context, mode: UInt32(FileConstants.S_IFDIR) | 0o755) } == .EPERM)
    #expect(errno { try vfs.makeNode(bytes("/bad"), in: context, mode: 0o030000) } == .EINVAL)
    #expect(errno { try vfs.makeNode(bytes("/lnk"), in: context, mode: UInt32(FileConstants.S_IFLNK)) } == .EINVAL)
    #expect(errno { try vfs.makeNode(bytes("/fifo"), in: context, mode: UInt32(FileConstants.S_IFIFO)) } == .EEXIST)
    // Trailing slash: ENOENT when missing, EEXIST when present.
    #expect(errno { try vfs.makeNode(bytes("/new/"), in: context, mode: 0o644) } == .ENOENT)
    #expect(errno { try vfs.makeNode(bytes("/fifo/"), in: context, mode: 0o644) } == .EEXIST)
    // Opening a FIFO or device needs the kernel's opener; a socket file is never openable.
    #expect(errno { try world.open("/fifo", FileConstants.O_RDONLY) } == .ENXIO)
    #expect(errno { try world.open("/sock", FileConstants.O_RDONLY) } == .ENXIO)
    // O_PATH opens anything.
    #expect(try world.open("/sock", FileConstants.O_PATH).node.type == .socket)
}

@Test func symlinkAndReadlink() throws {
    let world = RamWorld()
    try world.symlink("/l", to: "some/where")
    #expect(try world.vfs.readLink(bytes("/l"), in: world.context) == bytes("some/where"))
    let attributes = try world.stat("/l", follow: false)
    #expect(attributes.type == .symlink && attributes.permissions == 0o777 && attributes.size == 10)
    #expect(errno { try world.symlink("/empty", to: "") } == .ENOENT)
    #expect(errno { try world.symlink("/long", to: String(repeating: "x", count: 4096)) } == .ENAMETOOLONG)
    try world.symlink("/longest", to: String(repeating: "x", count: 4095))
    #expect(errno { try world.symlink("/l", to: "x") } == .EEXIST)
    #expect(errno { try world.symlink("/new/", to: "x") } == .ENOENT)
    #expect(errno { try world.symlink("/.", to: "x") } == .EEXIST)
    try world.mkdir("/d")
    #expect(errno { try world.vfs.readLink(bytes("/d"), in: world.context) } == .EINVAL)
    // readlinkat with an empty path reads the link the descriptor refers to.
    let link = try world.lookup("/l", .noFollow)
    #expect(
        try world.vfs.readLink([], in: world.context, at: link, options: .allowEmptyPath) == bytes("some/where"))
    #expect(errno { try world.vfs.readLink([], in: world.context, at: link) } == .ENOENT)
}

@Test func hardLinksShareTheInodeAndCountLinks() throws {
    let world = RamWorld()
    let vfs = world.vfs
    let context = world.context
    try world.write("/a", bytes("shared"))
    try vfs.link(bytes("/a"), in: context, to: bytes("/b"))
    #expect(try world.stat("/a").linkCount == 2)
    #expect(try world.stat("/a").inode == world.stat("/b").inode)
    let file = try world.open("/b", FileConstants.O_WRONLY | FileConstants.O_APPEND)
    _ = try writeBytes(file, bytes("!"))
    #expect(try world.read("/a") == bytes("shared!"))
    try vfs.unlink(bytes("/a"), in: context)
    #expect(try world.stat("/b").linkCount == 1)
    #expect(try world.read("/b") == bytes("shared!"))

    #expect(errno { try vfs.link(bytes("/b"), in: context, to: bytes("/b")) } == .EEXIST)
    #expect(errno { try vfs.link(bytes("/missing"), in: context, to: bytes("/c")) } == .ENOENT)
    try world.mkdir("/d")
    #expect(errno { try vfs.link(bytes("/d"), in: context, to: bytes("/e")) } == .EPERM)
    #expect(errno { try vfs.link(bytes("/b"), in: context, to: bytes("/new/")) } == .ENOENT)
    #expect(errno { try vfs.link(bytes("/b/"), in: context, to: bytes("/c")) } == .ENOTDIR)
    #expect(errno { try vfs.link(bytes("/b"), in: context, to: bytes("/d/.")) } == .EEXIST)
    #expect(errno { try vfs.link(bytes("/b"), in: context, to: bytes("/c"), flags: 0x8000) } == .EINVAL)

    // Links to symlinks: the link itself unless AT_SYMLINK_FOLLOW.
    try world.symlink("/s", to: "b")
    try vfs.link(bytes("/s"), in: context, to: bytes("/s2"))
    #expect(try world.stat("/s2", follow: false).type == .symlink)
    try vfs.link(bytes("/s"), in: context, to: bytes("/b2"), flags: FileConstants.AT_SYMLINK_FOLLOW)
    #expect(try world.stat("/b2", follow: false).type == .regular)
    #expect(try world.stat("/b").linkCount == 2)

    // AT_EMPTY_PATH links the open file itself.
    let opened = try world.lookup("/b")
    try vfs.link([], in: context, at: opened, to: bytes("/b3"), flags: FileConstants.AT_EMPTY_PATH)
    #expect(try world.stat("/b").linkCount == 3)
}

@Test func linkLimitIsEMLINK() throws {
    let world = RamWorld(options: RamFileSystemOptions(maxLinks: 3))
    try world.write("/f", [])
    try world.vfs.link(bytes("/f"), in: world.context, to: bytes("/g"))
    try world.vfs.link(bytes("/f"), in: world.context, to: bytes("/h"))
    #expect(errno { try world.vfs.link(bytes("/f"), in: world.context, to: bytes("/i")) } == .EMLINK)
    // A directory's links are 2 + subdirectories: the limit caps subdirectories too.
    try world.mkdir("/d")
    try world.mkdir("/d/1")
    #expect(errno { try world.mkdir("/d/2") } == .EMLINK)
    try world.write("/d/file-is-fine", [])
}

@Test func unlinkErrors() throws {
    let world = RamWorld()
    let vfs = world.vfs
    let context = world.context
    try world.mkdir("/d")
    try world.write("/f", [])
    #expect(errno { try vfs.unlink(bytes("/d"), in: context) } == .EISDIR)
    #expect(errno { try vfs.unlink(bytes("/f/"), in: context) } == .ENOTDIR)
    #expect(errno { try vfs.unlink(bytes("/d/"), in: context) } == .EISDIR)
    #expect(errno { try vfs.unlink(bytes("/missing"), in: context) } == .ENOENT)
    #expect(errno { try vfs.unlink(bytes("/missing/"), in: context) } == .ENOENT)
    #expect(errno { try vfs.unlink(bytes("/d/."), in: context) } == .EISDIR)
    #expect(errno { try vfs.unlink(bytes("/"), in: context) } == .EISDIR)
    #expect(errno { try vfs.unlink(bytes("/f"), in: context, flags: 0x1) } == .EINVAL)
    try world.symlink("/s", to: "d")
    try vfs.unlink(bytes("/s"), in: context)  // removes the link, not the directory
    #expect(try world.stat("/d").type == .directory)
    try vfs.unlink(bytes("/f"), in: context)
    #expect(errno { try world.stat("/f") } == .ENOENT)
}

@Test func rmdirErrors() throws {
    let world = RamWorld()
    let vfs = world.vfs
    let context = world.context
    try world.mkdir("/d")
    try world.mkdir("/d/e")
    try world.write("/f", [])
    try world.symlink("/s", to: "d")
    #expect(errno { try vfs.removeDirectory(bytes("/d"), in: context) } == .ENOTEMPTY)
    #expect(errno { try vfs.removeDirectory(bytes("/f"), in: context) } == .ENOTDIR)
    #expect(errno { try vfs.removeDirectory(bytes("/s"), in: context) } == .ENOTDIR)
    #expect(errno { try vfs.removeDirectory(bytes("/d/e/."), in: context) } == .EINVAL)
    #expect(errno { try vfs.removeDirectory(bytes("/d/e/.."), in: context) } == .ENOTEMPTY)
    #expect(errno { try vfs.removeDirectory(bytes("/"), in: context) } == .EBUSY)
    #expect(errno { try vfs.removeDirectory(bytes("/missing"), in: context) } == .ENOENT)
    #expect(try world.stat("/d").linkCount == 3)
    try vfs.unlink(bytes("/d/e/"), in: context, flags: FileConstants.AT_REMOVEDIR)
    #expect(try world.stat("/d").linkCount == 2)
    try vfs.removeDirectory(bytes("/d"), in: context)
    #expect(try world.stat("/").linkCount == 2)
}

@Test func removedWorkingDirectoryRejectsNewEntries() throws {
    var world = RamWorld()
    try world.mkdir("/gone")
    world.context.workingDirectory = try world.lookup("/gone")
    try world.vfs.removeDirectory(bytes("/gone"), in: world.context)
    #expect(errno { try world.open("new", O_RDWR_CREAT) } == .ENOENT)
    #expect(errno { try world.mkdir("sub") } == .ENOENT)
    #expect(errno { try world.lookup("x") } == .ENOENT)
    #expect(try world.lookup(".").node.type == .directory)
    #expect(try world.stat(".").linkCount == 0)
    #expect(errno { try world.vfs.pathName(of: world.context.workingDirectory, in: world.context) } == .ENOENT)
    #expect(errno { try world.names(".") } == .ENOENT)
}
