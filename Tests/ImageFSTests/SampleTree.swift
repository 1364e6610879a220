@testable import ImageFS

/// What a test expects to find at a path.
struct ExpectedNode {
    var type: FileType
    var contents: [UInt8] = []
    var target: [UInt8] = []
    var attributes: NodeAttributes
}

/// A builder together with the model of what it should contain.
struct SampleTree {
    var builder = ImageBuilder()
    /// Absolute paths (no trailing slash) of everything added explicitly.
    var expected: [[UInt8]: ExpectedNode] = [:]
    /// (link, original) path pairs added as hard links.
    var hardLinks: [([UInt8], [UInt8])] = []

    mutating func file(_ path: [UInt8], _ contents: [UInt8], _ attributes: NodeAttributes = .file) throws(ImageError) {
        try builder.addFile(at: path, contents: contents, attributes: attributes)
        expected[path] = ExpectedNode(type: .regular, contents: contents, attributes: attributes)
    }

    mutating func directory(_ path: [UInt8], _ attributes: NodeAttributes = .directory) throws(ImageError) {
        try builder.addDirectory(at: path, attributes: attributes)
        expected[path] = ExpectedNode(type: .directory, attributes: attributes)
    }

    mutating func symlink(_ path: [UInt8], _ target: [UInt8], _ attributes: NodeAttributes = .symlink)
        throws(ImageError)
    {
        try builder.addSymlink(at: path, target: target, attributes: attributes)
        expected[path] = ExpectedNode(type: .symlink, target: target, attributes: attributes)
    }

    mutating func hardLink(_ path: [UInt8], to original: [UInt8]) throws(ImageError) {
        try builder.addHardLink(at: path, to: original)
        expected[path] = expected[original]
        hardLinks.append((path, original))
    }

    /// A tree exercising every feature: nested and empty directories, large files at and around
    /// page boundaries, a file with every byte value, empty files, duplicate contents, symlinks
    /// (absolute, relative, dangling), hard links, 255-byte and non-ASCII names, many siblings.
    static func make(seed: UInt64 = 1) throws(ImageError) -> SampleTree {
        var random = SplitMix64(seed: seed)
        var tree = SampleTree()
        let program = NodeAttributes(
            permissions: 0o4755, uid: 0, gid: 0,
            modificationTime: Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789))
        let user = NodeAttributes(
            permissions: 0o640, uid: 1000, gid: 100,
            modificationTime: Timestamp(seconds: -86_400, nanoseconds: 999_999_999))
        try tree.file(bytes("/bin/app"), random.bytes(10_000), program)
        try tree.symlink(bytes("/bin/sh"), bytes("app"))
        try tree.file(bytes("/etc/hosts"), bytes("127.0.0.1 localhost\n"), user)
        try tree.file(bytes("/etc/empty"), [])
        try tree.file(bytes("/etc/also-empty"), [])
        try tree.file(bytes("/data/all-bytes"), (0..<768).map { UInt8(truncatingIfNeeded: $0) })
        for size in [4095, 4096, 4097, 3 * 4096 + 123, 8192, 1, 4088, 20_000] {
            try tree.file(bytes("/data/size-\(size)"), random.bytes(size))
        }
        let big = random.bytes(3 * 4096 + 7)
        try tree.file(bytes("/data/big"), big)
        try tree.file(bytes("/data/big-copy"), big)
        try tree.file(bytes("/data/small-copy-1"), bytes("same small contents"))
        try tree.file(bytes("/data/small-copy-2"), bytes("same small contents"))
        try tree.hardLink(bytes("/links/hosts"), to: bytes("/etc/hosts"))
        try tree.hardLink(bytes("/links/deep/hosts-again"), to: bytes("/etc/hosts"))
        try tree.hardLink(bytes("/links/sh-link"), to: bytes("/bin/sh"))
        try tree.symlink(bytes("/links/absolute"), bytes("/etc/hosts"))
        try tree.symlink(bytes("/links/dangling"), bytes("nowhere/at/all"))
        try tree.symlink(bytes("/links/data"), bytes("../data"))
        try tree.symlink(bytes("/links/long-target"), [UInt8](repeating: UInt8(ascii: "x"), count: 4095))
        try tree.directory(
            bytes("/empty-dir"),
            NodeAttributes(
                permissions: 0o1777, uid: 5, gid: 6, modificationTime: Timestamp(seconds: 42, nanoseconds: 7)))
        try tree.file(bytes("/deep/a/b/c/d/e/f/g/file"), bytes("deep"))
        try tree.file(bytes("/") + [UInt8](repeating: UInt8(ascii: "n"), count: 255), bytes("long name"))
        try tree.file(bytes("/names/héllo"), bytes("e acute"))
        try tree.file(bytes("/names/日本語"), bytes("japanese"))
        try tree.file(bytes("/names/") + [0xFF, 0xFE, 0x80], bytes("not utf-8"))
        try tree.file(bytes("/names/with space"), bytes("space"))
        try tree.file(bytes("/names/new\nline"), bytes("newline"))
        try tree.file(bytes("/names/") + [1, 2, 3, 0x7F], bytes("control bytes"))
        for index in 0..<200 {
            let length = random.below(3000)
            try tree.file(bytes("/many/file\(index)"), random.bytes(length))
        }
        return tree
    }
}
