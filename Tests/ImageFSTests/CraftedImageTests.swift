import Testing

@testable import ImageFS

/// A small image whose records the tests below damage on purpose, then re-sign so that the
/// checksums are valid and only the structural validation stands between the reader and the lie.
private struct Crafted {
    var image: [UInt8]
    let layout: Layout
    let root = InodeNumber.root
    let a, b, c, f1, small, link, z: InodeNumber

    init() throws {
        var builder = ImageBuilder()
        try builder.addFile(at: "/a/b/c", contents: bytes("hello"))
        try builder.addFile(at: "/a/f1", contents: [UInt8](repeating: 7, count: 5000))
        try builder.addFile(at: "/a/small", contents: [UInt8](repeating: 9, count: 100))
        try builder.addSymlink(at: "/link", target: "a/b")
        try builder.addFile(at: "/z", contents: bytes("zed"))
        try builder.addHardLink(at: "/a/z", to: "/z")
        image = try builder.build()
        layout = Layout(image: image)
        let reader = try open(image)
        a = try inode(reader, "/a")
        b = try inode(reader, "/a/b")
        c = try inode(reader, "/a/b/c")
        f1 = try inode(reader, "/a/f1")
        small = try inode(reader, "/a/small")
        link = try inode(reader, "/link")
        z = try inode(reader, "/z")
    }

    func field(_ inode: InodeNumber, _ offset: Int) -> Int { layout.inode(inode) + offset }

    func entry(_ name: String, in directory: InodeNumber) -> Int {
        layout.entry(layout.entryIndex(named: name, in: directory)!)
    }

    func entryIndex(_ name: String, in directory: InodeNumber) -> Int {
        layout.entryIndex(named: name, in: directory)!
    }

    /// Offset of an entry's name bytes.
    func nameBytes(_ name: String, in directory: InodeNumber) -> Int {
        layout.nameTable + Int(image.le(entry(name, in: directory) + EntryField.nameOffset, as: UInt32.self))
    }
}

/// Applies `damage`, then checks the damaged image is caught by its checksum and, re-signed, by
/// the structural rule whose message contains `expected`. A bad superblock size is caught
/// before the checksum can be computed, so those cases skip the first check.
private func expectRejected(
    _ expected: String, kind: ImageError.Kind = .corrupt, caughtByChecksumFirst: Bool = true,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ damage: (inout [UInt8], Crafted) -> Void
) throws {
    let crafted = try Crafted()
    var image = crafted.image
    damage(&image, crafted)
    #expect(image != crafted.image, "the damage changed nothing", sourceLocation: sourceLocation)
    if caughtByChecksumFirst {
        #expect(openError(image)?.message.contains("checksum") == true, sourceLocation: sourceLocation)
    }
    resign(&image)
    let error = openError(image)
    #expect(error?.kind == kind, "\(String(describing: error))", sourceLocation: sourceLocation)
    #expect(error?.message.contains(expected) == true, "\(String(describing: error))", sourceLocation: sourceLocation)
}

@Test func craftedBaseImageIsValid() throws {
    var crafted = try Crafted()
    #expect(openError(crafted.image) == nil)
    resign(&crafted.image)
    #expect(openError(crafted.image) == nil)
}

// MARK: Directory graph

@Test func directoryCycleIsRejected() throws {
    // /a/b/c becomes /a/b/c -> /a: a cycle a -> b -> a.
    try expectRejected("reached twice") { image, x in
        image.put(x.a.rawValue, at: x.entry("c", in: x.b) + EntryField.inode)
        image[x.entry("c", in: x.b) + EntryField.type] = FileType.directory.rawValue
        // Make the rest of the lie consistent: b's parent check and link counts are not what fails.
        image.put(UInt32(3), at: x.field(x.b, InodeField.linkCount))
    }
}

@Test func directorySelfLoopIsRejected() throws {
    try expectRejected("reached twice") { image, x in
        image.put(x.b.rawValue, at: x.entry("c", in: x.b) + EntryField.inode)
        image[x.entry("c", in: x.b) + EntryField.type] = FileType.directory.rawValue
    }
}

@Test func entryNamingTheRootIsRejected() throws {
    try expectRejected("reached twice") { image, x in
        image.put(InodeNumber.root.rawValue, at: x.entry("c", in: x.b) + EntryField.inode)
        image[x.entry("c", in: x.b) + EntryField.type] = FileType.directory.rawValue
    }
}

@Test func wrongParentIsRejected() throws {
    try expectRejected("names parent") { image, x in
        image.put(InodeNumber.root.rawValue, at: x.field(x.b, InodeField.parent))
    }
}

@Test func rootMustBeItsOwnParent() throws {
    try expectRejected("not a root directory") { image, x in
        image.put(x.a.rawValue, at: x.field(x.root, InodeField.parent))
    }
}

@Test func unreachableInodeIsRejected() throws {
    // /a/small's entry is pointed at f1; f1's link count is raised to match, so the only thing
    // wrong is that `small` can no longer be reached.
    try expectRejected("not reachable") { image, x in
        image.put(x.f1.rawValue, at: x.entry("small", in: x.a) + EntryField.inode)
        image.put(UInt32(2), at: x.field(x.f1, InodeField.linkCount))
    }
}

@Test func entryClaimedByTwoDirectoriesIsRejected() throws {
    try expectRejected("belongs to two directories") { image, x in
        let firstOfA = image.le(x.field(x.a, InodeField.location), as: UInt64.self)
        image.put(firstOfA, at: x.field(x.b, InodeField.location))
    }
}

// MARK: Out-of-range references

@Test func entryInodeOutOfRangeIsRejected() throws {
    for bad in [UInt32(0), UInt32(9), UInt32.max] {
        try expectRejected("out of range") { image, x in
            image.put(bad, at: x.entry("c", in: x.b) + EntryField.inode)
        }
    }
}

@Test func directoryEntryRangeOutOfTableIsRejected() throws {
    try expectRejected("outside the entry table") { image, x in
        image.put(UInt64(1000), at: x.field(x.a, InodeField.size))
    }
    try expectRejected("outside the entry table") { image, x in
        image.put(UInt64.max, at: x.field(x.a, InodeField.location))
    }
    try expectRejected("outside the entry table") { image, x in
        image.put(UInt64.max, at: x.field(x.a, InodeField.size))
    }
}

@Test func entryCountsMustAddUp() throws {
    try expectRejected("claim") { image, x in
        let count = image.le(x.field(x.root, InodeField.size), as: UInt64.self)
        image.put(count - 1, at: x.field(x.root, InodeField.size))
    }
}

@Test func directoryParentOutOfRangeIsRejected() throws {
    try expectRejected("parent 99") { image, x in
        image.put(UInt32(99), at: x.field(x.b, InodeField.parent))
    }
}

@Test func fileDataOutsideTheDataRegionIsRejected() throws {
    for bad: UInt64 in [1 << 40, UInt64.max - 2, 128, 4096 * 100] {
        try expectRejected("outside the data region") { image, x in
            image.put(bad, at: x.field(x.c, InodeField.location))
        }
    }
    try expectRejected("outside the data region") { image, x in
        image.put(UInt64.max, at: x.field(x.f1, InodeField.size))
    }
}

@Test func emptyFileWithAnOffsetIsRejected() throws {
    try expectRejected("empty") { image, x in
        image.put(UInt64(0), at: x.field(x.c, InodeField.size))
    }
}

@Test func unalignedLargeFileIsRejected() throws {
    try expectRejected("not page aligned") { image, x in
        let location = image.le(x.field(x.f1, InodeField.location), as: UInt64.self)
        image.put(location + 8, at: x.field(x.f1, InodeField.location))
    }
}

@Test func smallFileCrossingAPageIsRejected() throws {
    try expectRejected("crosses a page boundary") { image, x in
        let f1 = image.le(x.field(x.f1, InodeField.location), as: UInt64.self)
        image.put(f1 + 4096 - 50, at: x.field(x.small, InodeField.location))
    }
}

@Test func overlappingFilesAreRejected() throws {
    // Into the zero padding of f1's last page.
    try expectRejected("overlaps") { image, x in
        let f1 = image.le(x.field(x.f1, InodeField.location), as: UInt64.self)
        image.put(f1 + 5000 + 8, at: x.field(x.small, InodeField.location))
    }
    // Same start, different size: not a deduplicated pair.
    try expectRejected("overlaps") { image, x in
        let small = image.le(x.field(x.small, InodeField.location), as: UInt64.self)
        image.put(small, at: x.field(x.c, InodeField.location))
    }
}

@Test func symlinkTargetsAreBounded() throws {
    try expectRejected("target of 0 bytes") { image, x in
        image.put(UInt64(0), at: x.field(x.link, InodeField.size))
    }
    try expectRejected("target of 4096 bytes") { image, x in
        image.put(UInt64(4096), at: x.field(x.link, InodeField.size))
    }
    try expectRejected("outside the name table") { image, x in
        image.put(UInt64(1 << 33), at: x.field(x.link, InodeField.location))
    }
    try expectRejected("outside the name table") { image, x in
        image.put(UInt64.max, at: x.field(x.link, InodeField.location))
    }
    try expectRejected("contains NUL") { image, x in
        let target = x.layout.nameTable + Int(image.le(x.field(x.link, InodeField.location), as: UInt64.self))
        image[target + 1] = 0
    }
}

// MARK: Names and order

@Test func invalidStoredNamesAreRejected() throws {
    try expectRejected("is empty") { image, x in
        image.put(UInt16(0), at: x.entry("c", in: x.b) + EntryField.nameLength)
    }
    try expectRejected("outside the name table") { image, x in
        image.put(UInt32.max, at: x.entry("c", in: x.b) + EntryField.nameOffset)
    }
    try expectRejected("outside the name table") { image, x in
        image.put(UInt16.max, at: x.entry("c", in: x.b) + EntryField.nameLength)
    }
    try expectRejected("longer than 255") { image, x in
        image.put(UInt32(0), at: x.entry("c", in: x.b) + EntryField.nameOffset)
        image.put(UInt16(256), at: x.entry("c", in: x.b) + EntryField.nameLength)
        // Stretch the name table over the zero padding so the claim is in bounds.
        image.put(UInt64(300), at: 72)
        image.put(UInt64(x.layout.nameTable + 300), at: 80)
    }
    try expectRejected("contains /") { image, x in image[x.nameBytes("c", in: x.b)] = UInt8(ascii: "/") }
    try expectRejected("contains NUL") { image, x in image[x.nameBytes("c", in: x.b)] = 0 }
    try expectRejected("is . or ..") { image, x in image[x.nameBytes("c", in: x.b)] = UInt8(ascii: ".") }
}

@Test func unsortedOrDuplicateEntriesAreRejected() throws {
    try expectRejected("not sorted") { image, x in
        // Swap the names of the root's entries "a" and "z"; keep the inodes, so only order breaks.
        let first = x.entry("a", in: x.root)
        let last = x.entry("z", in: x.root)
        let firstName = image.le(first + EntryField.nameOffset, as: UInt32.self)
        image.put(image.le(last + EntryField.nameOffset, as: UInt32.self), at: first + EntryField.nameOffset)
        image.put(firstName, at: last + EntryField.nameOffset)
    }
    try expectRejected("repeat a name") { image, x in
        let name = image.le(x.entry("a", in: x.root) + EntryField.nameOffset, as: UInt32.self)
        image.put(name, at: x.entry("z", in: x.root) + EntryField.nameOffset)
    }
}

// MARK: Inode fields

@Test func invalidModesAreRejected() throws {
    for mode: UInt16 in [0o020644, 0o060644, 0o010644, 0o140644, 0] {
        try expectRejected("invalid mode") { image, x in
            image.put(mode, at: x.field(x.c, InodeField.mode))
        }
    }
}

@Test func entryTypeMustMatchTheInode() throws {
    try expectRejected("has type") { image, x in
        image[x.entry("c", in: x.b) + EntryField.type] = FileType.symlink.rawValue
    }
}

@Test func nanosecondsAreBounded() throws {
    try expectRejected("nanoseconds") { image, x in
        image.put(UInt32(1_000_000_000), at: x.field(x.c, InodeField.nanoseconds))
    }
}

@Test func linkCountsMustMatch() throws {
    try expectRejected("link count") { image, x in
        image.put(UInt32(1), at: x.field(x.z, InodeField.linkCount))
    }
    try expectRejected("subdirectories") { image, x in
        image.put(UInt32(2), at: x.field(x.a, InodeField.linkCount))
    }
}

// MARK: Superblock layout

@Test func impossibleLayoutsAreRejected() throws {
    try expectRejected("no inodes") { image, _ in image.put(UInt32(0), at: 28) }
    try expectRejected("inode table") { image, _ in image.put(UInt32.max, at: 28) }
    try expectRejected("directory entry table") { image, _ in image.put(UInt32.max, at: 32) }
    try expectRejected("inode table") { image, _ in image.put(UInt64(64), at: 48) }
    try expectRejected("inode table") { image, _ in image.put(UInt64(132), at: 48) }
    try expectRejected("directory entry table") { image, x in
        image.put(UInt64(x.layout.entryTable + 4), at: 56)
    }
    try expectRejected("name table") { image, _ in image.put(UInt64.max, at: 72) }
    try expectRejected("out of order") { image, _ in image.put(UInt64(1 << 20), at: 80) }
    try expectRejected("not a multiple of the page size") { image, _ in
        image.put(UInt64(4096 + 17), at: 88)
    }
    try expectRejected("truncated") { image, _ in image.put(UInt64(1 << 30), at: 40) }
    try expectRejected("superblock size", caughtByChecksumFirst: false) { image, _ in image.put(UInt16(64), at: 12) }
    try expectRejected("superblock size", caughtByChecksumFirst: false) { image, _ in image.put(UInt16(8192), at: 12) }
    try expectRejected("superblock size", caughtByChecksumFirst: false) { image, _ in image.put(UInt16(132), at: 12) }
    try expectRejected("shorter than its", caughtByChecksumFirst: false) { image, _ in
        image = Array(image[0..<200])
        image.put(UInt16(1024), at: 12)
    }
    try expectRejected("record size") { image, _ in image.put(UInt16(40), at: 14) }
    try expectRejected("record size") { image, _ in image.put(UInt16(20), at: 16) }
}

@Test func metadataSizeLimitIsEnforced() throws {
    let crafted = try Crafted()
    #expect(throws: ImageError.self) {
        _ = try ImageReader(storage: ArrayImageStorage(crafted.image), maxMetadataSize: 100)
    }
}

// MARK: Forward compatibility

@Test func longerSuperblockAndRecordsFromALaterMinorVersionAreRead() throws {
    // Rewrite the image as a hypothetical 1.1 would: a 136-byte superblock and 56-byte inode
    // records, the new bytes holding values a 1.0 reader must ignore.
    let crafted = try Crafted()
    let old = crafted.image
    let layout = crafted.layout
    var metadata: [UInt8] = []
    for index in 0..<layout.inodeCount {
        let start = layout.inodeTable + index * 48
        metadata += old[start..<(start + 48)] + [UInt8](repeating: 0xEE, count: 8)
    }
    let entryTable = 136 + metadata.count
    metadata += old[layout.entryTable..<layout.metadataEnd]
    let nameTable = entryTable + (layout.nameTable - layout.entryTable)
    var image = Array(old[0..<128]) + [UInt8](repeating: 0xEE, count: 8) + metadata
    image += [UInt8](repeating: 0, count: layout.dataOffset - image.count) + old[layout.dataOffset...]
    image.put(UInt16(1), at: 10)
    image.put(UInt16(136), at: 12)
    image.put(UInt16(56), at: 14)
    image.put(UInt64(136), at: 48)
    image.put(UInt64(entryTable), at: 56)
    image.put(UInt64(nameTable), at: 64)
    image.put(UInt64(136 + metadata.count), at: 80)
    resign(&image)
    let reader = try open(image)
    #expect(reader.superblock.minorVersion == 1)
    #expect(try readAll(reader, try inode(reader, "/a/b/c")) == bytes("hello"))
    #expect(try reader.readlink(try inode(reader, "/link")) == bytes("a/b"))
    #expect(try listDirectory(reader, try inode(reader, "/a")).count == 2 + 4)
    // The superblock's extra bytes are covered by its checksum.
    image[130] ^= 1
    #expect(openError(image)?.message.contains("superblock checksum") == true)
}
