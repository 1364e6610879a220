import LinuxABI
import Testing

@testable import VFS

private let alice = Credentials(uid: 1000, gid: 100)
private let bob = Credentials(uid: 1001, gid: 101, groups: [100])
private let carol = Credentials(uid: 1002, gid: 102)

/// A tree made by root: /home/alice (0700 alice), /shared (0775 root:100), /tmp (1777),
/// /tmp/alice-file (0644 alice), /readable (0444), /script (0644, no x bits).
private func permissionWorld() throws -> RamWorld {
    let world = RamWorld()
    let vfs = world.vfs
    let context = world.context
    try world.mkdir("/home")
    try world.mkdir("/home/alice", 0o700)
    try vfs.changeOwner(of: world.lookup("/home/alice"), in: context, uid: 1000, gid: 100)
    try world.mkdir("/shared", 0o775)
    try vfs.changeOwner(of: world.lookup("/shared"), in: context, uid: 0, gid: 100)
    try world.mkdir("/tmp", 0o1777)
    try world.write("/tmp/alice-file", bytes("a"))
    try vfs.changeOwner(of: world.lookup("/tmp/alice-file"), in: context, uid: 1000, gid: 100)
    try world.write("/readable", bytes("r"), mode: 0o444)
    try world.write("/script", bytes("#!"), mode: 0o644)
    return world
}

private func as_(_ world: RamWorld, _ credentials: Credentials) -> RamWorld {
    var copy = world
    copy.context.credentials = credentials
    return copy
}

@Test func rootBypassesReadWriteButNotExecute() throws {
    let world = try permissionWorld()
    _ = try world.open("/readable", FileConstants.O_RDWR)
    _ = try world.open("/home/alice", FileConstants.O_RDONLY)
    try world.vfs.checkAccess(bytes("/readable"), in: world.context, mode: 6)
    #expect(errno { try world.vfs.checkAccess(bytes("/script"), in: world.context, mode: 1) } == .EACCES)
    try world.vfs.checkAccess(bytes("/home"), in: world.context, mode: 1)
    try world.vfs.checkAccess(bytes("/script"), in: world.context, mode: 0)
    #expect(errno { try world.vfs.checkAccess(bytes("/script"), in: world.context, mode: 8) } == .EINVAL)
}

@Test func ownerGroupAndOtherBits() throws {
    let world = try permissionWorld()
    let asAlice = as_(world, alice)
    let asBob = as_(world, bob)
    let asCarol = as_(world, carol)
    // Search permission on the way.
    try asAlice.write("/home/alice/notes", bytes("n"))
    #expect(errno { try asBob.stat("/home/alice/notes") } == .EACCES)
    #expect(errno { try asBob.open("/home/alice/new", O_RDWR_CREAT) } == .EACCES)
    #expect(errno { try asBob.names("/home/alice") } == .EACCES)
    // Group write on /shared: bob is in group 100, carol is not.
    try asBob.write("/shared/by-bob", [])
    #expect(errno { try asCarol.write("/shared/by-carol", []) } == .EACCES)
    #expect(errno { try asCarol.mkdir("/shared/d") } == .EACCES)
    #expect(errno { try asCarol.vfs.unlink(bytes("/shared/by-bob"), in: asCarol.context) } == .EACCES)
    // Read-only file: nobody but root writes; everyone reads.
    #expect(errno { try asAlice.open("/readable", FileConstants.O_WRONLY) } == .EACCES)
    #expect(errno { try asAlice.open("/readable", FileConstants.O_RDONLY | FileConstants.O_TRUNC) } == .EACCES)
    #expect(try asAlice.read("/readable") == bytes("r"))
    #expect(errno { try asAlice.vfs.truncate(bytes("/readable"), in: asAlice.context, length: 0) } == .EACCES)
    #expect(errno { try asAlice.vfs.checkAccess(bytes("/readable"), in: asAlice.context, mode: 2) } == .EACCES)
    // The owner class applies even when "other" would allow more.
    try world.write("/odd", [], mode: 0o007)
    try world.vfs.changeOwner(of: world.lookup("/odd"), in: world.context, uid: 1000, gid: nil)
    #expect(errno { try asAlice.open("/odd", FileConstants.O_RDONLY) } == .EACCES)
    _ = try asCarol.open("/odd", FileConstants.O_RDONLY)
    // A new file is opened as asked whatever its mode.
    let created = try asAlice.open("/tmp/mine", O_RDWR_CREAT, mode: 0o000)
    _ = try writeBytes(created, bytes("ok"))
    #expect(try world.stat("/tmp/mine").uid == 1000)
}

@Test func stickyDirectoriesProtectOthersEntries() throws {
    let world = try permissionWorld()
    let asBob = as_(world, bob)
    let asAlice = as_(world, alice)
    #expect(errno { try asBob.vfs.unlink(bytes("/tmp/alice-file"), in: asBob.context) } == .EPERM)
    #expect(errno { try asBob.vfs.rename(bytes("/tmp/alice-file"), in: asBob.context, to: bytes("/tmp/x")) } == .EPERM)
    try asBob.write("/tmp/bob-file", [])
    #expect(
        errno { try asBob.vfs.rename(bytes("/tmp/bob-file"), in: asBob.context, to: bytes("/tmp/alice-file")) }
            == .EPERM)
    try asAlice.vfs.unlink(bytes("/tmp/alice-file"), in: asAlice.context)
    try world.vfs.unlink(bytes("/tmp/bob-file"), in: world.context)
}

@Test func chmodChownAndUtimesPermissions() throws {
    let world = try permissionWorld()
    let asAlice = as_(world, alice)
    let asBob = as_(world, bob)
    let file = try world.lookup("/tmp/alice-file")
    try asAlice.vfs.changeMode(of: file, in: asAlice.context, mode: 0o4755)
    #expect(try world.stat("/tmp/alice-file").permissions == 0o4755)
    #expect(errno { try asBob.vfs.changeMode(of: file, in: asBob.context, mode: 0o777) } == .EPERM)
    // Owner may change the group to one of its groups only; never the owner.
    #expect(errno { try asAlice.vfs.changeOwner(of: file, in: asAlice.context, uid: 1001, gid: nil) } == .EPERM)
    #expect(errno { try asAlice.vfs.changeOwner(of: file, in: asAlice.context, uid: nil, gid: 102) } == .EPERM)
    try asAlice.vfs.changeOwner(of: file, in: asAlice.context, uid: 1000, gid: 100)
    // chown clears setuid (and setgid with group execute), for root as well.
    #expect(try world.stat("/tmp/alice-file").permissions == 0o755)
    try world.vfs.changeMode(of: file, in: world.context, mode: 0o6755)
    try world.vfs.changeOwner(of: file, in: world.context, uid: 1000, gid: nil)
    #expect(try world.stat("/tmp/alice-file").permissions == 0o755)
    // chmod by a non-member drops setgid.
    try world.vfs.changeOwner(of: file, in: world.context, uid: nil, gid: 102)
    try asAlice.vfs.changeMode(of: file, in: asAlice.context, mode: 0o2755)
    #expect(try world.stat("/tmp/alice-file").permissions == 0o755)
    // utimes: explicit times need the owner; "now" also allows writers.
    let shared = try world.lookup("/shared")
    #expect(
        errno { try asBob.vfs.setTimes(of: shared, in: asBob.context, access: .set(Timespec()), modification: nil) }
            == .EPERM)
    try asBob.vfs.setTimes(of: shared, in: asBob.context, access: .now, modification: .now)
    let carolWorld = as_(world, carol)
    #expect(
        errno { try carolWorld.vfs.setTimes(of: shared, in: carolWorld.context, access: .now, modification: .now) }
            == .EACCES)
    // chmod of a symlink itself.
    try world.symlink("/s", to: "readable")
    #expect(
        errno { try world.vfs.changeMode(of: world.lookup("/s", .noFollow), in: world.context, mode: 0o600) }
            == .EOPNOTSUPP)
}

@Test func setgidDirectoriesPassTheirGroupOn() throws {
    let world = try permissionWorld()
    try world.vfs.changeMode(of: world.lookup("/shared"), in: world.context, mode: 0o2775)
    let asBob = as_(world, bob)
    try asBob.mkdir("/shared/sub", 0o755)
    let sub = try world.stat("/shared/sub")
    #expect(sub.gid == 100 && sub.permissions == 0o2755)
    try asBob.write("/shared/file", [], mode: 0o2775)
    let file = try world.stat("/shared/file")
    #expect(file.gid == 100 && file.permissions == 0o2775)  // bob is in group 100: setgid kept
    var dave = world
    dave.context.credentials = Credentials(uid: 1003, gid: 103)
    try world.vfs.changeMode(of: world.lookup("/shared"), in: world.context, mode: 0o2777)
    try dave.write("/shared/dave", [], mode: 0o2775)
    #expect(try world.stat("/shared/dave").permissions == 0o0775)  // not a member: setgid dropped
}

@Test func renamingADirectoryToAnotherParentNeedsWriteOnIt() throws {
    let world = try permissionWorld()
    let asBob = as_(world, bob)
    try world.mkdir("/shared/rootdir", 0o755)
    try world.mkdir("/shared/target", 0o777)
    #expect(
        errno { try asBob.vfs.rename(bytes("/shared/rootdir"), in: asBob.context, to: bytes("/shared/target/x")) }
            == .EACCES)
    try asBob.vfs.rename(bytes("/shared/rootdir"), in: asBob.context, to: bytes("/shared/renamed"))
}

@Test func changeDirectoryChecksTypeAndSearchPermission() throws {
    let world = try permissionWorld()
    let asBob = as_(world, bob)
    #expect(try world.vfs.directory(bytes("/home/alice"), in: world.context).node.type == .directory)
    #expect(errno { try asBob.vfs.directory(bytes("/home/alice"), in: asBob.context) } == .EACCES)
    #expect(errno { try world.vfs.directory(bytes("/readable"), in: world.context) } == .ENOTDIR)
    let shared = try world.lookup("/shared")
    #expect(try asBob.vfs.directory([], in: asBob.context, at: shared, options: .allowEmptyPath).node === shared.node)
}
