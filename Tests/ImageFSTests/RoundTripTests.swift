import Testing

@testable import ImageFS

@Test func emptyImageHasOnlyTheRoot() throws {
    let image = try ImageBuilder().build()
    #expect(image.count == 4096)
    let reader = try open(image)
    #expect(reader.inodeCount == 1)
    let root = try reader.attributes(of: reader.root)
    #expect(root.type == .directory)
    #expect(root.mode == 0o040755)
    #expect(root.linkCount == 2)
    #expect(root.size == 0)
    #expect(try reader.parent(of: .root) == .root)
    #expect(try listDirectory(reader, .root).map(\.name) == [bytes("."), bytes("..")])
    #expect(try reader.verifyDataChecksum())
}

@Test func everyPathRoundTrips() throws {
    let tree = try SampleTree.make()
    let image = try tree.builder.build()
    let reader = try open(image)
    #expect(try reader.verifyDataChecksum())
    for (path, node) in tree.expected {
        guard case .found(let inode) = try reader.resolve(path) else {
            // Only the symlinks themselves stop resolution.
            #expect(node.type == .symlink, "\(printable(path))")
            continue
        }
        let attributes = try reader.attributes(of: inode)
        #expect(attributes.type == node.type, "\(printable(path))")
        #expect(attributes.permissions == node.attributes.permissions, "\(printable(path))")
        #expect(attributes.uid == node.attributes.uid)
        #expect(attributes.gid == node.attributes.gid)
        #expect(attributes.modificationTime == node.attributes.modificationTime)
        #expect(attributes.mode == node.type.modeBits | UInt32(node.attributes.permissions))
        if node.type == .regular {
            #expect(attributes.size == UInt64(node.contents.count))
            #expect(try readAll(reader, inode) == node.contents, "\(printable(path))")
            #expect(try readAll(reader, inode, chunk: 4096) == node.contents)
            #expect(try readAll(reader, inode, chunk: 7) == node.contents)
        }
    }
}

@Test func symlinksReportTheirTargets() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    for (path, node) in tree.expected where node.type == .symlink {
        guard case .symlink(let link, _, let remainder) = try reader.resolve(path) else {
            Issue.record("\(printable(path)) did not stop at a symlink")
            continue
        }
        #expect(remainder.isEmpty)
        #expect(try reader.readlink(link) == node.target)
        let attributes = try reader.attributes(of: link)
        #expect(attributes.type == .symlink)
        #expect(attributes.size == UInt64(node.target.count))
        #expect(attributes.mode == 0o120777)
    }
}

@Test func hardLinksShareAnInode() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    let hosts = try inode(reader, "/etc/hosts")
    #expect(try inode(reader, "/links/hosts") == hosts)
    #expect(try inode(reader, "/links/deep/hosts-again") == hosts)
    #expect(try reader.attributes(of: hosts).linkCount == 3)
    let sh = try inode(reader, "/bin/sh")
    #expect(try inode(reader, "/links/sh-link") == sh)
    #expect(try reader.attributes(of: sh).linkCount == 2)
    #expect(try reader.attributes(of: try inode(reader, "/bin/app")).linkCount == 1)
}

@Test func directoryLinkCountsFollowLinux() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    // /, /bin, /etc, /data, /links(+deep), /empty-dir, /deep, /names, /many: 8 subdirectories.
    #expect(try reader.attributes(of: .root).linkCount == 2 + 8)
    #expect(try reader.attributes(of: try inode(reader, "/links")).linkCount == 3)
    #expect(try reader.attributes(of: try inode(reader, "/empty-dir")).linkCount == 2)
    #expect(try reader.attributes(of: try inode(reader, "/many")).size == 200)
}

@Test func implicitDirectoriesGetDefaultAttributes() throws {
    var builder = ImageBuilder()
    builder.implicitDirectoryAttributes = NodeAttributes(
        permissions: 0o700, uid: 9, gid: 8, modificationTime: Timestamp(seconds: 5))
    try builder.addFile(at: "a/b/c", contents: bytes("x"))
    try builder.addDirectory(at: "a", attributes: NodeAttributes(permissions: 0o711))
    let reader = try open(try builder.build())
    let root = try reader.attributes(of: .root)
    #expect(root.permissions == 0o700 && root.uid == 9 && root.gid == 8)
    #expect(try reader.attributes(of: try inode(reader, "/a")).permissions == 0o711)
    let b = try reader.attributes(of: try inode(reader, "/a/b"))
    #expect(b.permissions == 0o700 && b.modificationTime == Timestamp(seconds: 5))
}

@Test func rootAttributesCanBeSet() throws {
    var builder = ImageBuilder()
    try builder.addDirectory(at: "/", attributes: NodeAttributes(permissions: 0o555, uid: 1))
    let reader = try open(try builder.build())
    #expect(try reader.attributes(of: .root).permissions == 0o555)
    #expect(try reader.attributes(of: .root).uid == 1)
}

@Test func partialReadsAtEveryBoundary() throws {
    var builder = ImageBuilder()
    var random = SplitMix64(seed: 99)
    let contents = random.bytes(3 * 4096 + 100)
    try builder.addFile(at: "f", contents: contents)
    let reader = try open(try builder.build())
    let file = try inode(reader, "/f")
    var buffer = [UInt8](repeating: 0, count: 300)
    for offset in [0, 1, 4095, 4096, 4097, 8191, 12_287, 12_288, 12_300, 12_388, 12_395, 12_396, 12_397, 100_000] {
        let count = try withMutableBytes(&buffer) { bytes throws(ImageError) in
            try reader.read(file, at: UInt64(offset), into: bytes)
        }
        let expected = offset < contents.count ? Array(contents[offset..<min(contents.count, offset + 300)]) : []
        #expect(Array(buffer[0..<count]) == expected, "offset \(offset)")
    }
    var empty: [UInt8] = []
    #expect(try withMutableBytes(&empty) { bytes throws(ImageError) in try reader.read(file, at: 0, into: bytes) } == 0)
}

@Test func readRejectsNonFilesAndBadInodes() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    var buffer = [UInt8](repeating: 0, count: 8)
    func readError(_ inode: InodeNumber) -> ImageError.Kind? {
        do throws(ImageError) {
            _ = try withMutableBytes(&buffer) { bytes throws(ImageError) in try reader.read(inode, at: 0, into: bytes) }
            return nil
        } catch { return error.kind }
    }
    #expect(readError(.root) == .isDirectory)
    #expect(readError(try inode(reader, "/bin/sh")) == .invalidArgument)
    #expect(readError(InodeNumber(0)) == .invalidArgument)
    #expect(readError(InodeNumber(UInt32(reader.inodeCount + 1))) == .invalidArgument)
    #expect(throws: ImageError.self) { try reader.readlink(.root) }
    #expect(throws: ImageError.self) { try reader.extent(of: .root) }
    #expect(throws: ImageError.self) { try reader.attributes(of: InodeNumber(UInt32.max)) }
}

@Test func inMemoryStorageServesZeroCopyContents() throws {
    let tree = try SampleTree.make()
    let image = try tree.builder.build()
    try image.withUnsafeBytes { raw in
        let reader = try ImageReader(storage: MemoryImageStorage(raw))
        for (path, node) in tree.expected where node.type == .regular {
            guard case .found(let file) = try reader.resolve(path) else { continue }
            let contents = try reader.contents(of: file)
            #expect(Array(contents) == node.contents)
            if !node.contents.isEmpty {
                // The slice really is inside the image, not a copy.
                #expect(
                    contents.baseAddress! >= raw.baseAddress! && contents.baseAddress! < raw.baseAddress! + raw.count)
            }
        }
    }
}
