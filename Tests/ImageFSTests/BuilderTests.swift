import Testing

@testable import ImageFS

private func builderError(_ body: (inout ImageBuilder) throws(ImageError) -> Void) -> ImageError.Kind? {
    var builder = ImageBuilder()
    do throws(ImageError) {
        try body(&builder)
        _ = try builder.build()
        return nil
    } catch {
        return error.kind
    }
}

@Test func conflictingPathsAreRejected() {
    #expect(
        builderError { b throws(ImageError) in
            try b.addFile(at: "a", contents: [])
            try b.addFile(at: "a", contents: [1])
        } == .alreadyExists)
    #expect(
        builderError { b throws(ImageError) in
            try b.addFile(at: "a", contents: [])
            try b.addDirectory(at: "a")
        } == .alreadyExists)
    #expect(
        builderError { b throws(ImageError) in
            try b.addDirectory(at: "a")
            try b.addDirectory(at: "/a/")
        } == .alreadyExists)
    #expect(
        builderError { b throws(ImageError) in
            try b.addDirectory(at: "a")
            try b.addSymlink(at: "a", target: "x")
        } == .alreadyExists)
    #expect(
        builderError { b throws(ImageError) in
            try b.addFile(at: "a", contents: [])
            try b.addFile(at: "a/b", contents: [])
        } == .notDirectory)
    #expect(
        builderError { b throws(ImageError) in
            try b.addSymlink(at: "link", target: "dir")
            try b.addDirectory(at: "dir")
            try b.addFile(at: "link/file", contents: [])
        } == .notDirectory)
    #expect(
        builderError { b throws(ImageError) in
            try b.addDirectory(at: "/")
            try b.addDirectory(at: "")
        } == .alreadyExists)
    #expect(builderError { b throws(ImageError) in try b.addFile(at: "/", contents: []) } == .alreadyExists)
}

@Test func implicitDirectoriesMayBeAddedExplicitlyOnce() {
    #expect(
        builderError { b throws(ImageError) in
            try b.addFile(at: "a/b/c", contents: [])
            try b.addDirectory(at: "a/b", attributes: NodeAttributes(permissions: 0o700))
            try b.addDirectory(at: "a")
        } == nil)
}

@Test func invalidNamesAreRejected() {
    #expect(builderError { b throws(ImageError) in try b.addFile(at: "a/./b", contents: []) } == .invalidName)
    #expect(builderError { b throws(ImageError) in try b.addFile(at: "a/../b", contents: []) } == .invalidName)
    #expect(builderError { b throws(ImageError) in try b.addFile(at: "..", contents: []) } == .invalidName)
    #expect(builderError { b throws(ImageError) in try b.addFile(at: [0x61, 0, 0x62], contents: []) } == .invalidName)
    #expect(
        builderError { b throws(ImageError) in
            try b.addFile(at: String(repeating: "x", count: 256), contents: [])
        } == .nameTooLong)
    #expect(
        builderError { b throws(ImageError) in
            try b.addFile(at: String(repeating: "x", count: 255), contents: [])
        } == nil)
    #expect(
        builderError { b throws(ImageError) in
            try b.addFile(at: String(repeating: "x/", count: 2048), contents: [])
        } == .nameTooLong)
}

@Test func invalidSymlinksAndAttributesAreRejected() {
    #expect(builderError { b throws(ImageError) in try b.addSymlink(at: "l", target: "") } == .invalidName)
    #expect(
        builderError { b throws(ImageError) in try b.addSymlink(at: bytes("l"), target: [0x61, 0]) } == .invalidName)
    #expect(
        builderError { b throws(ImageError) in
            try b.addSymlink(at: "l", target: String(repeating: "t", count: 4096))
        } == .nameTooLong)
    #expect(
        builderError { b throws(ImageError) in
            try b.addFile(at: "f", contents: [], attributes: NodeAttributes(permissions: 0o10000))
        } == .invalidArgument)
    #expect(
        builderError { b throws(ImageError) in
            try b.addFile(
                at: "f", contents: [],
                attributes: NodeAttributes(
                    permissions: 0o644, modificationTime: Timestamp(seconds: 0, nanoseconds: 1_000_000_000)))
        } == .invalidArgument)
    #expect(builderError { b throws(ImageError) in b.pageShift = 11 } == .invalidArgument)
}

@Test func hardLinkRules() {
    #expect(builderError { b throws(ImageError) in try b.addHardLink(at: "x", to: "missing") } == .notFound)
    #expect(builderError { b throws(ImageError) in try b.addHardLink(at: "x", to: "missing/deeper") } == .notFound)
    #expect(
        builderError { b throws(ImageError) in
            try b.addDirectory(at: "d")
            try b.addHardLink(at: "x", to: "d")
        } == .isDirectory)
    #expect(builderError { b throws(ImageError) in try b.addHardLink(at: "x", to: "/") } == .isDirectory)
    #expect(
        builderError { b throws(ImageError) in
            try b.addFile(at: "f", contents: [])
            try b.addHardLink(at: "f", to: "f")
        } == .alreadyExists)
}

@Test func outputIsDeterministic() throws {
    let first = try SampleTree.make(seed: 5).builder.build()
    let second = try SampleTree.make(seed: 5).builder.build()
    #expect(first == second)
    #expect(try SampleTree.make(seed: 6).builder.build() != first)
}

@Test func outputDoesNotDependOnInsertionOrder() throws {
    var random = SplitMix64(seed: 11)
    var files: [(String, [UInt8])] = []
    for index in 0..<60 {
        files.append(("/d\(index % 7)/sub\(index % 3)/f\(index)", random.bytes(random.below(9000))))
    }
    func build(_ order: [(String, [UInt8])]) throws -> [UInt8] {
        var builder = ImageBuilder()
        for (path, contents) in order { try builder.addFile(at: path, contents: contents) }
        try builder.addSymlink(at: "/d1/link", target: "../d2")
        try builder.addHardLink(at: "/hard", to: order.map(\.0).min()!)
        return try builder.build()
    }
    let forward = try build(files)
    #expect(try build(files.reversed()) == forward)
    var shuffled = files
    for index in shuffled.indices.reversed() {
        shuffled.swapAt(index, random.below(index + 1))
    }
    #expect(try build(shuffled) == forward)
}

@Test func largeFilesArePageAlignedAndZeroPadded() throws {
    let tree = try SampleTree.make()
    let image = try tree.builder.build()
    let reader = try open(image)
    for (path, node) in tree.expected where node.type == .regular {
        guard case .found(let file) = try reader.resolve(path) else { continue }
        let extent = try reader.extent(of: file)
        #expect(extent.length == UInt64(node.contents.count))
        if node.contents.count >= 4096 {
            #expect(extent.isPageAligned)
            #expect(extent.offset % 4096 == 0)
            #expect(extent.mappedLength % 4096 == 0 && extent.mappedLength >= extent.length)
            #expect(extent.mappedLength - extent.length < 4096)
            let padding = image[Int(extent.offset + extent.length)..<Int(extent.offset + extent.mappedLength)]
            #expect(padding.allSatisfy { $0 == 0 }, "\(printable(path))")
        } else if node.contents.isEmpty {
            #expect(extent.offset == 0 && !extent.isPageAligned)
        } else {
            #expect(!extent.isPageAligned)
            #expect(extent.offset % 8 == 0)
            #expect(extent.offset / 4096 == (extent.offset + extent.length - 1) / 4096, "\(printable(path))")
        }
        #expect(Array(image[Int(extent.offset)..<Int(extent.offset + extent.length)]) == node.contents)
    }
    #expect(image.count % 4096 == 0)
}

@Test func identicalContentsShareData() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    let big = try reader.extent(of: try inode(reader, "/data/big"))
    #expect(try reader.extent(of: try inode(reader, "/data/big-copy")) == big)
    let small = try reader.extent(of: try inode(reader, "/data/small-copy-1"))
    #expect(try reader.extent(of: try inode(reader, "/data/small-copy-2")) == small)
    #expect(try inode(reader, "/data/big") != inode(reader, "/data/big-copy"))

    var without = tree.builder
    without.deduplicatesContents = false
    let larger = try without.build()
    let unshared = try open(larger)
    #expect(
        try unshared.extent(of: try inode(unshared, "/data/big-copy"))
            != unshared.extent(of: try inode(unshared, "/data/big")))
    #expect(larger.count > (try tree.builder.build()).count)
}

@Test func sixtyFourKilobytePages() throws {
    var builder = ImageBuilder()
    builder.pageShift = 16
    var random = SplitMix64(seed: 3)
    let large = random.bytes(70_000)
    try builder.addFile(at: "large", contents: large)
    try builder.addFile(at: "medium", contents: random.bytes(10_000))
    let image = try builder.build()
    #expect(image.count % 65_536 == 0)
    let reader = try open(image)
    #expect(reader.superblock.pageSize == 65_536)
    let extent = try reader.extent(of: try inode(reader, "/large"))
    #expect(extent.offset % 65_536 == 0 && extent.isPageAligned && extent.mappedLength == 131_072)
    #expect(try !reader.extent(of: try inode(reader, "/medium")).isPageAligned)
    #expect(try readAll(reader, try inode(reader, "/large")) == large)
}

@Test func imagesWithoutDataChecksumStillOpen() throws {
    var builder = try SampleTree.make().builder
    builder.includesDataChecksum = false
    let reader = try open(try builder.build())
    #expect(!reader.superblock.hasDataChecksum)
    #expect(try reader.verifyDataChecksum() == false)
}

@Test func superblockDescribesTheLayout() throws {
    let tree = try SampleTree.make()
    let image = try tree.builder.build()
    let sb = try open(image).superblock
    #expect(sb.majorVersion == 1 && sb.minorVersion == 0)
    #expect(sb.superblockSize == 128 && sb.inodeRecordSize == 48 && sb.entryRecordSize == 16)
    #expect(sb.inodeTableOffset == 128)
    #expect(sb.entryTableOffset == 128 + 48 * UInt64(sb.inodeCount))
    #expect(sb.nameTableOffset == sb.entryTableOffset + 16 * UInt64(sb.entryCount))
    #expect(sb.metadataEnd == sb.nameTableOffset + sb.nameTableSize)
    #expect(sb.dataOffset == (sb.metadataEnd + 4095) / 4096 * 4096)
    #expect(sb.imageSize == UInt64(image.count))
    #expect(Array(image[0..<8]) == bytes("SKIFFIMG"))
    // Re-encoding what was decoded gives the same bytes.
    #expect(sb.encoded() == Array(image[0..<128]))
}
