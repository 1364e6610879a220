import Testing

@testable import ImageFS

private func resolutionError(_ reader: ArrayReader, _ path: String, from start: InodeNumber = .root) -> ImageError.Kind?
{
    do throws(ImageError) {
        _ = try reader.resolve(bytes(path), from: start)
        return nil
    } catch {
        return error.kind
    }
}

@Test func absoluteAndRelativePathsResolve() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    let hosts = try inode(reader, "/etc/hosts")
    let etc = try inode(reader, "/etc")
    #expect(try reader.resolve(bytes("/etc/hosts")) == .found(hosts))
    #expect(try reader.resolve(bytes("etc/hosts")) == .found(hosts))
    #expect(try reader.resolve(bytes("hosts"), from: etc) == .found(hosts))
    #expect(try reader.resolve(bytes("/etc/hosts"), from: etc) == .found(hosts))
    #expect(try reader.resolve(bytes("//etc///hosts")) == .found(hosts))
    #expect(try reader.resolve(bytes("/")) == .found(.root))
    #expect(try reader.resolve(bytes("///")) == .found(.root))
    #expect(try reader.resolve(bytes("/etc/")) == .found(etc))
}

@Test func dotAndDotDotAreResolvedStructurally() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    let hosts = try inode(reader, "/etc/hosts")
    let deep = try inode(reader, "/deep/a/b/c")
    #expect(try reader.resolve(bytes("/./etc/./hosts")) == .found(hosts))
    #expect(try reader.resolve(bytes("/deep/a/b/c/d/../../c")) == .found(deep))
    #expect(try reader.resolve(bytes("/../../etc/hosts")) == .found(hosts))
    #expect(try reader.resolve(bytes("..")) == .found(.root))
    #expect(try reader.resolve(bytes("../../../../etc/hosts"), from: deep) == .found(hosts))
    #expect(try reader.resolve(bytes("."), from: deep) == .found(deep))
}

@Test func symlinksAreReportedNotFollowed() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    let links = try inode(reader, "/links")
    let dataLink = try inode(reader, "/links/data")
    #expect(
        try reader.resolve(bytes("/links/data/big"))
            == .symlink(link: dataLink, parent: links, remainder: bytes("/big")))
    #expect(try reader.resolve(bytes("/links/data")) == .symlink(link: dataLink, parent: links, remainder: []))
    #expect(try reader.resolve(bytes("/links/data/")) == .symlink(link: dataLink, parent: links, remainder: bytes("/")))
    #expect(
        try reader.resolve(bytes("/links/data//x/../y"))
            == .symlink(link: dataLink, parent: links, remainder: bytes("//x/../y")))
    #expect(try reader.readlink(dataLink) == bytes("../data"))

    // The VFS's job, done by hand: target + remainder, relative to the link's directory.
    guard case .symlink(let link, let parent, let remainder) = try reader.resolve(bytes("/links/data/big")) else {
        Issue.record("expected a symlink")
        return
    }
    let followed = try reader.resolve(try reader.readlink(link) + remainder, from: parent)
    #expect(followed == .found(try inode(reader, "/data/big")))
}

@Test func resolutionErrors() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    #expect(resolutionError(reader, "") == .notFound)
    #expect(resolutionError(reader, "/missing") == .notFound)
    #expect(resolutionError(reader, "/etc/missing/deeper") == .notFound)
    #expect(resolutionError(reader, "/etc/hosts/") == .notDirectory)
    #expect(resolutionError(reader, "/etc/hosts/x") == .notDirectory)
    #expect(resolutionError(reader, "/etc/hosts/.") == .notDirectory)
    #expect(resolutionError(reader, "/" + String(repeating: "a", count: 256)) == .nameTooLong)
    #expect(resolutionError(reader, String(repeating: "a/", count: 2048)) == .nameTooLong)
    #expect(resolutionError(reader, "x", from: try inode(reader, "/etc/hosts")) == .notDirectory)
    #expect(resolutionError(reader, "x", from: InodeNumber(0)) == .invalidArgument)
}
