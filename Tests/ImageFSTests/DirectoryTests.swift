import Testing

@testable import ImageFS

/// The names the model expects directly inside `directory` (an absolute path without trailing /).
private func expectedChildren(_ tree: SampleTree, of directory: [UInt8]) -> [[UInt8]] {
    var names: Set<[UInt8]> = []
    let prefix = directory == bytes("/") ? directory : directory + bytes("/")
    for path in tree.expected.keys where path.starts(with: prefix) && path.count > prefix.count {
        let rest = path[prefix.count...]
        names.insert(Array(rest.split(separator: UInt8(ascii: "/"))[0]))
    }
    return names.sorted { $0.lexicographicallyPrecedes($1) }
}

@Test func iterationListsDotEntriesThenSortedNames() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    for directory in ["/", "/bin", "/etc", "/data", "/links", "/names", "/many", "/empty-dir", "/deep/a"] {
        let inode = try inode(reader, directory)
        let entries = try listDirectory(reader, inode)
        #expect(entries[0].name == bytes(".") && entries[0].inode == inode && entries[0].type == .directory)
        let parent = try reader.parent(of: inode)
        #expect(entries[1].name == bytes("..") && entries[1].inode == parent)
        let names = entries.dropFirst(2).map(\.name)
        #expect(names == expectedChildren(tree, of: bytes(directory)), "\(directory)")
        #expect(try UInt64(names.count) == reader.attributes(of: inode).size)
        for (position, entry) in entries.enumerated() {
            #expect(entry.nextCursor == UInt64(position + 1))
            #expect(try reader.type(of: entry.inode) == entry.type)
        }
    }
}

@Test func iterationResumesFromEveryCursor() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    for directory in ["/many", "/data", "/empty-dir"] {
        let inode = try inode(reader, directory)
        let all = try listDirectory(reader, inode)
        for cursor in 0...all.count {
            #expect(try listDirectory(reader, inode, from: UInt64(cursor)) == Array(all[cursor...]))
        }
        #expect(try reader.directoryEntry(in: inode, at: UInt64(all.count + 100)) == nil)
        #expect(try reader.directoryEntry(in: inode, at: UInt64.max) == nil)
    }
}

@Test func iterationOfANonDirectoryFails() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    let file = try inode(reader, "/etc/hosts")
    let error = #expect(throws: ImageError.self) { try reader.directoryEntry(in: file, at: 0) }
    #expect(error?.kind == .notDirectory)
}

@Test func lookupFindsEveryNameAndNothingElse() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    let many = try inode(reader, "/many")
    for entry in try listDirectory(reader, many).dropFirst(2) {
        #expect(try reader.lookup(entry.name, in: many) == entry.inode)
    }
    for missing in ["file", "file200", "file1000", "", "a", "zzzz", "file1/", "file0\0"] {
        #expect(try reader.lookup(bytes(missing), in: many) == nil, "\(missing)")
    }
    #expect(try reader.lookup(bytes("."), in: many) == many)
    #expect(try reader.lookup(bytes(".."), in: many) == .root)
    #expect(try reader.lookup(bytes(".."), in: .root) == .root)
    let empty = try inode(reader, "/empty-dir")
    #expect(try reader.lookup(bytes("anything"), in: empty) == nil)
    #expect(throws: ImageError.self) { try reader.lookup([UInt8](repeating: 65, count: 256), in: many) }
    #expect(throws: ImageError.self) { try reader.lookup(bytes("x"), in: try inode(reader, "/etc/hosts")) }
}

@Test func namesAreComparedAsBytes() throws {
    let tree = try SampleTree.make()
    let reader = try open(try tree.builder.build())
    let names = try inode(reader, "/names")
    let listed = try listDirectory(reader, names).dropFirst(2).map(\.name)
    // Byte order: control bytes, space-free ASCII, then UTF-8 lead bytes, then 0xFF.
    #expect(listed.first == [1, 2, 3, 0x7F])
    #expect(listed.last == [0xFF, 0xFE, 0x80])
    #expect(try reader.lookup(bytes("héllo"), in: names) != nil)
    // The decomposed spelling of é is different bytes, so a different (missing) name.
    #expect(try reader.lookup(bytes("he\u{301}llo"), in: names) == nil)
    #expect(try reader.lookup(bytes("日本語"), in: names) != nil)
    let longName = [UInt8](repeating: UInt8(ascii: "n"), count: 255)
    #expect(try reader.lookup(longName, in: .root) != nil)
}
