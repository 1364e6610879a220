import LinuxABI
import Testing

@testable import VFS

private func rename(
    _ world: RamWorld, _ old: String, _ new: String, _ flags: RenameFlags = []
) throws(Errno) {
    try world.vfs.rename(bytes(old), in: world.context, to: bytes(new), flags: flags)
}

@Test func renameFileOverExistingFile() throws {
    let world = RamWorld()
    try world.write("/a", bytes("A"))
    try world.write("/b", bytes("B"))
    let inodeA = try world.stat("/a").inode
    let keptOpen = try world.open("/b", FileConstants.O_RDONLY)
    try rename(world, "/a", "/b")
    #expect(errno { try world.stat("/a") } == .ENOENT)
    #expect(try world.stat("/b").inode == inodeA)
    #expect(try world.read("/b") == bytes("A"))
    // The replaced file lives on through its open description, with no links.
    #expect(try readAll(keptOpen) == bytes("B"))
    #expect(try keptOpen.attributes().linkCount == 0)
    #expect(try world.names("/") == ["b"])
}

@Test func renameDirectoryOverDirectories() throws {
    let world = RamWorld()
    try world.mkdir("/src")
    try world.write("/src/x", [])
    try world.mkdir("/empty")
    try world.mkdir("/full")
    try world.write("/full/y", [])
    #expect(errno { try rename(world, "/src", "/full") } == .ENOTEMPTY)
    try rename(world, "/src", "/empty")
    #expect(try world.names("/empty") == ["x"])
    #expect(try world.names("/") == ["empty", "full"])
    #expect(try world.stat("/").linkCount == 4)
    // Type mismatches.
    try world.write("/file", [])
    #expect(errno { try rename(world, "/full", "/file") } == .ENOTDIR)
    #expect(errno { try rename(world, "/file", "/full") } == .EISDIR)
    #expect(errno { try rename(world, "/file/", "/new") } == .ENOTDIR)
    #expect(errno { try rename(world, "/file", "/new/") } == .ENOTDIR)
    try rename(world, "/full/", "/moved/")
    #expect(try world.stat("/moved").type == .directory)
}

@Test func renameIntoOwnSubtreeIsEINVAL() throws {
    let world = RamWorld()
    try world.mkdir("/a")
    try world.mkdir("/a/b")
    try world.mkdir("/a/b/c")
    #expect(errno { try rename(world, "/a", "/a/b/c/d") } == .EINVAL)
    #expect(errno { try rename(world, "/a", "/a/x") } == .EINVAL)
    // Onto an ancestor of the source: the target is not empty (it holds the source).
    #expect(errno { try rename(world, "/a/b/c", "/a") } == .ENOTEMPTY)
    #expect(errno { try rename(world, "/a/b/c", "/a", .exchange) } == .EINVAL)
    #expect(errno { try rename(world, "/a", "/a/b", .exchange) } == .EINVAL)
    // Moving a directory up and down the tree keeps link counts right.
    try rename(world, "/a/b/c", "/c")
    #expect(try world.stat("/").linkCount == 4)
    #expect(try world.stat("/a/b").linkCount == 2)
    #expect(try world.lookup("/c/..").node === world.vfs.rootLocation.node)
    try rename(world, "/c", "/a/b/c2")
    #expect(try world.lookup("/a/b/c2/..").node === world.lookup("/a/b").node)
    #expect(try world.stat("/a/b").linkCount == 3)
}

@Test func renameDotsRootAndMissing() throws {
    let world = RamWorld()
    try world.mkdir("/d")
    #expect(errno { try rename(world, "/d/.", "/e") } == .EBUSY)
    #expect(errno { try rename(world, "/d/..", "/e") } == .EBUSY)
    #expect(errno { try rename(world, "/", "/e") } == .EBUSY)
    #expect(errno { try rename(world, "/d", "/d/..") } == .EBUSY)
    #expect(errno { try rename(world, "/d", "/.", .noReplace) } == .EEXIST)
    #expect(errno { try rename(world, "/missing", "/e") } == .ENOENT)
    #expect(errno { try rename(world, "/d", "/missing/e") } == .ENOENT)
    #expect(errno { try rename(world, "/d", "/e", [.noReplace, .exchange]) } == .EINVAL)
    #expect(errno { try rename(world, "/d", "/e", [.whiteout, .exchange]) } == .EINVAL)
    #expect(errno { try rename(world, "/d", "/e", RenameFlags(rawValue: 8)) } == .EINVAL)
    try rename(world, "/d", "/d")
    #expect(try world.stat("/d").type == .directory)
}

@Test func renameNoReplaceAndExchange() throws {
    let world = RamWorld()
    try world.write("/a", bytes("A"))
    try world.write("/b", bytes("B"))
    try world.mkdir("/d")
    try world.write("/d/inner", [])
    #expect(errno { try rename(world, "/a", "/b", .noReplace) } == .EEXIST)
    try rename(world, "/a", "/c", .noReplace)
    #expect(errno { try rename(world, "/c", "/missing", .exchange) } == .ENOENT)
    try rename(world, "/c", "/b", .exchange)
    #expect(try world.read("/b") == bytes("A"))
    #expect(try world.read("/c") == bytes("B"))
    // Exchange a file with a directory in another directory: both keep existing.
    try world.mkdir("/other")
    try rename(world, "/c", "/other/x")
    try rename(world, "/d", "/other/x", .exchange)
    #expect(try world.stat("/d").type == .regular)
    #expect(try world.names("/other/x") == ["inner"])
    #expect(try world.stat("/").linkCount == 3)  // ".", "..", /other
    #expect(try world.stat("/other").linkCount == 3)  // plus /other/x
    #expect(try world.lookup("/other/x/..").node === world.lookup("/other").node)
}

@Test func renameBetweenHardLinksOfOneInodeDoesNothing() throws {
    let world = RamWorld()
    try world.write("/a", [])
    try world.vfs.link(bytes("/a"), in: world.context, to: bytes("/b"))
    try rename(world, "/a", "/b")
    #expect(try world.names("/") == ["a", "b"])
    #expect(try world.stat("/a").linkCount == 2)
}

@Test func renameKeepsReaddirCookiesOfOtherEntriesValid() throws {
    let world = RamWorld()
    try world.mkdir("/d")
    for index in 0..<20 { try world.write("/d/f\(index)", []) }
    let directory = try world.open("/d", FileConstants.O_RDONLY)
    // Read the first few entries with a small buffer, then change the directory.
    var buffer = [UInt8](repeating: 0, count: 100)
    let used = try buffer.withUnsafeMutableBytes { raw throws(Errno) in try directory.readDirectory(into: raw) }
    var seen = parseDirents(buffer, used: used).map { text($0.name) }
    try world.vfs.unlink(bytes("/d/f0"), in: world.context)
    try world.vfs.unlink(bytes("/d/f15"), in: world.context)
    try rename(world, "/d/f16", "/d/renamed")
    seen += try listDirents(directory).map { text($0.name) }
    // Entries neither added nor removed appear exactly once.
    for index in 1..<20 where index != 15 && index != 16 {
        #expect(seen.filter { $0 == "f\(index)" }.count == 1, "f\(index)")
    }
    #expect(seen.filter { $0 == "." }.count == 1)
}

@Test func renameTrapsComeBeforeTypeChecks() throws {
    let world = RamWorld()
    try world.mkdir("/a")
    try world.mkdir("/a/b")
    try world.write("/a/b/file", [])
    // Linux reports EINVAL here, not the ENOTDIR a directory-over-file rename would give.
    #expect(errno { try rename(world, "/a", "/a/b/file") } == .EINVAL)
    #expect(errno { try rename(world, "/a/b/file", "/a") } == .ENOTEMPTY)
}

@Test func renameWhiteoutLeavesACharacterDevice00() throws {
    var world = RamWorld()
    try world.mkdir("/upper")
    // Setgid: the whiteout takes the directory's group, as any node created there would.
    try world.vfs.changeOwner(of: world.lookup("/upper"), in: world.context, uid: nil, gid: 50)
    try world.vfs.changeMode(of: world.lookup("/upper"), in: world.context, mode: 0o2777)
    try world.write("/upper/a", bytes("A"))
    let inodeA = try world.stat("/upper/a").inode
    world.context.credentials = Credentials(uid: 1000, gid: 100)
    try rename(world, "/upper/a", "/upper/b", [.whiteout, .noReplace])
    #expect(try world.read("/upper/b") == bytes("A"))
    #expect(try world.stat("/upper/b").inode == inodeA)
    let whiteout = try world.stat("/upper/a")
    #expect(whiteout.type == .characterDevice)
    #expect(whiteout.mode == UInt32(FileConstants.S_IFCHR))
    #expect(whiteout.specialDevice == .none)
    #expect(whiteout.inode != inodeA)
    #expect((whiteout.uid, whiteout.gid, whiteout.linkCount) == (1000, 50, 1))
    #expect(try world.names("/upper") == ["a", "b"])

    // Across directories, replacing a file, moving a directory.
    try world.mkdir("/other")
    try world.write("/other/b", bytes("old"))
    try rename(world, "/upper/b", "/other/b", .whiteout)
    #expect(try world.stat("/upper/b").type == .characterDevice)
    #expect(try world.read("/other/b") == bytes("A"))
    try world.mkdir("/upper/dir")
    try rename(world, "/upper/dir", "/other/dir", .whiteout)
    #expect(try world.stat("/upper/dir").type == .characterDevice)
    #expect(try world.stat("/upper").linkCount == 2)
    #expect(try world.stat("/other").linkCount == 3)
    // Two links to one inode: nothing happens, no whiteout.
    try world.vfs.link(bytes("/other/b"), in: world.context, to: bytes("/other/c"))
    try rename(world, "/other/b", "/other/c", .whiteout)
    #expect(try world.stat("/other/b").type == .regular)
}

@Test func renameWhiteoutWithoutAnInodeLeftChangesNothing() throws {
    let world = RamWorld(options: RamFileSystemOptions(nodeLimit: 2))  // the root and /a
    try world.write("/a", bytes("A"))
    #expect(errno { try rename(world, "/a", "/b", .whiteout) } == .ENOSPC)
    #expect(try world.names("/") == ["a"])
    try rename(world, "/a", "/b")
    #expect(try world.names("/") == ["b"])
}
