import LinuxABI
import Testing

@testable import VFS

/// /a/b/c (dir), /a/file, /a/b/link-up -> .., /abs -> /a/b, /rel -> a/file, /dangling -> nowhere
private func sampleWorld() throws -> RamWorld {
    let world = RamWorld()
    try world.mkdir("/a")
    try world.mkdir("/a/b")
    try world.mkdir("/a/b/c")
    try world.write("/a/file", bytes("data"))
    try world.symlink("/a/b/link-up", to: "..")
    try world.symlink("/abs", to: "/a/b")
    try world.symlink("/rel", to: "a/file")
    try world.symlink("/dangling", to: "nowhere")
    return world
}

@Test func absoluteAndRelativePaths() throws {
    var world = try sampleWorld()
    let b = try world.lookup("/a/b")
    #expect(try world.lookup("/a//b/").node === b.node)
    #expect(try world.lookup("/a/./b/c/..").node === b.node)
    #expect(try world.lookup("/../../a/b").node === b.node)
    world.context.workingDirectory = try world.lookup("/a")
    #expect(try world.lookup("b").node === b.node)
    #expect(try world.lookup("./b/c/../").node === b.node)
    #expect(try world.lookup("..").node === world.vfs.rootLocation.node)
    // An *at() directory beats the working directory for relative paths, not for absolute ones.
    let c = try world.lookup("/a/b/c")
    #expect(try world.vfs.lookup(bytes(".."), in: world.context, at: c).node === b.node)
    #expect(try world.vfs.lookup(bytes("/a"), in: world.context, at: c).node === world.lookup("/a").node)
}

@Test func symlinksAreFollowedExceptWhenAskedNotTo() throws {
    let world = try sampleWorld()
    #expect(try world.lookup("/abs").node === world.lookup("/a/b").node)
    #expect(try world.lookup("/abs/c/..").node === world.lookup("/a/b").node)
    #expect(try world.lookup("/a/b/link-up/file").node === world.lookup("/a/file").node)
    #expect(try world.lookup("/rel").node.type == .regular)
    #expect(try world.lookup("/rel", .noFollow).node.type == .symlink)
    #expect(try world.stat("/rel").size == 4)
    #expect(try world.stat("/rel", follow: false).size == 6)
    #expect(errno { try world.lookup("/dangling") } == .ENOENT)
    #expect(try world.lookup("/dangling", .noFollow).node.type == .symlink)
    // A relative target resolves from the link's directory, not the working directory.
    try world.symlink("/a/b/to-file", to: "../file")
    #expect(try world.read("/a/b/to-file") == bytes("data"))
}

@Test func trailingSlashDemandsADirectoryAndFollowsFinalSymlink() throws {
    let world = try sampleWorld()
    #expect(errno { try world.lookup("/a/file/") } == .ENOTDIR)
    #expect(errno { try world.lookup("/a/file/.") } == .ENOTDIR)
    #expect(errno { try world.lookup("/a/file/x") } == .ENOTDIR)
    #expect(errno { try world.lookup("/rel/") } == .ENOTDIR)
    // Even with no-follow, a trailing slash follows the link.
    #expect(try world.lookup("/abs/", .noFollow).node === world.lookup("/a/b").node)
    #expect(try world.lookup("/abs", .noFollow).node.type == .symlink)
    // A symlink whose target ends in a slash must lead to a directory.
    try world.symlink("/slashy", to: "a/file/")
    #expect(errno { try world.lookup("/slashy") } == .ENOTDIR)
}

@Test func symlinkLoopsAndTheFortyLinkLimit() throws {
    let world = RamWorld()
    try world.symlink("/loop1", to: "loop2")
    try world.symlink("/loop2", to: "loop1")
    #expect(errno { try world.lookup("/loop1") } == .ELOOP)
    #expect(errno { try world.lookup("/loop1/x") } == .ELOOP)
    try world.symlink("/self", to: "self")
    #expect(errno { try world.lookup("/self") } == .ELOOP)
    #expect(try world.lookup("/self", .noFollow).node.type == .symlink)

    // A chain of exactly 40 links resolves; 41 is too many.
    try world.mkdir("/target")
    try world.symlink("/l0", to: "/target")
    for index in 1...40 { try world.symlink("/l\(index)", to: "l\(index - 1)") }
    #expect(try world.lookup("/l39").node === world.lookup("/target").node)
    #expect(errno { try world.lookup("/l40") } == .ELOOP)
    #expect(try world.lookup("/l40", .noFollow).node.type == .symlink)
}

@Test func emptyPathsAndLengthLimits() throws {
    let world = try sampleWorld()
    #expect(errno { try world.vfs.lookup([], in: world.context) } == .ENOENT)
    let file = try world.lookup("/a/file")
    #expect(try world.vfs.lookup([], in: world.context, at: file, options: .allowEmptyPath).node === file.node)
    #expect(try world.vfs.lookup([], in: world.context, options: .allowEmptyPath).node === world.vfs.rootLocation.node)

    let longName = String(repeating: "n", count: 256)
    #expect(errno { try world.lookup("/a/\(longName)") } == .ENAMETOOLONG)
    #expect(errno { try world.mkdir("/\(longName)") } == .ENAMETOOLONG)
    let maxName = String(repeating: "m", count: 255)
    try world.mkdir("/\(maxName)")
    #expect(try world.lookup("/\(maxName)").node.type == .directory)
    // A long name after a missing component: ENOENT comes first, as Linux walks in order.
    #expect(errno { try world.lookup("/missing/\(longName)") } == .ENOENT)

    // 4095 bytes is a valid path length; 4096 is not (PATH_MAX counts the NUL).
    let okay = String(repeating: "/", count: 4095)
    #expect(try world.lookup(okay).node === world.vfs.rootLocation.node)
    #expect(errno { try world.lookup(okay + "/") } == .ENAMETOOLONG)
}

@Test func intermediateNonDirectoryIsENOTDIR() throws {
    let world = try sampleWorld()
    #expect(errno { try world.lookup("/a/file/b") } == .ENOTDIR)
    #expect(errno { try world.mkdir("/a/file/new") } == .ENOTDIR)
    #expect(errno { try world.open("/a/file/new", O_RDWR_CREAT) } == .ENOTDIR)
    // An *at() directory that is not a directory.
    let file = try world.lookup("/a/file")
    #expect(errno { try world.vfs.lookup(bytes("x"), in: world.context, at: file) } == .ENOTDIR)
    #expect(errno { try world.vfs.lookup(bytes("."), in: world.context, at: file) } == .ENOTDIR)
}

@Test func lookupOptionDirectory() throws {
    let world = try sampleWorld()
    #expect(errno { try world.lookup("/a/file", .directory) } == .ENOTDIR)
    #expect(try world.lookup("/abs", .directory).node.type == .directory)
}

@Test func dotDotNeverClimbsAboveTheContextRoot() throws {
    var world = try sampleWorld()
    let b = try world.lookup("/a/b")
    world.context.root = b
    #expect(try world.lookup("/").node === b.node)
    #expect(try world.lookup("/../../..").node === b.node)
    #expect(try world.lookup("/c").node === world.vfs.lookup(bytes("/a/b/c"), in: world.vfs.makeContext()).node)
    // Absolute symlinks resolve inside the new root: /abs is outside it now.
    #expect(errno { try world.lookup("/abs") } == .ENOENT)
}
