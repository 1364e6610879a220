import Testing

@testable import ImageFS

/// A tree small enough to damage thousands of times, with every kind of node in it.
private func fuzzImage() throws -> [UInt8] {
    var builder = ImageBuilder()
    var random = SplitMix64(seed: 1234)
    try builder.addFile(at: "/bin/app", contents: random.bytes(9000))
    try builder.addFile(at: "/bin/tool", contents: random.bytes(4096))
    try builder.addSymlink(at: "/bin/sh", target: "app")
    try builder.addFile(at: "/etc/a", contents: random.bytes(10))
    try builder.addFile(at: "/etc/b", contents: random.bytes(300))
    try builder.addFile(at: "/etc/empty", contents: [])
    try builder.addHardLink(at: "/etc/a2", to: "/etc/a")
    try builder.addDirectory(at: "/var/empty")
    try builder.addFile(at: "/x/y/z/deep", contents: random.bytes(5))
    try builder.addSymlink(at: "/x/up", target: "../etc")
    try builder.addFile(at: "/copy", contents: Array(repeating: 1, count: 5000))
    try builder.addFile(at: "/copy2", contents: Array(repeating: 1, count: 5000))
    return try builder.build()
}

/// Uses every read operation on every inode of an image that opened. Anything the validator let
/// through must be safe to use: this must neither crash nor loop.
private func exercise(_ reader: ArrayReader) {
    var buffer = [UInt8](repeating: 0, count: 4096)
    for raw in 0...UInt32(reader.inodeCount + 1) {
        let inode = InodeNumber(raw)
        guard let attributes = try? reader.attributes(of: inode) else { continue }
        switch attributes.type {
        case .directory:
            var cursor: UInt64 = 0
            var steps = 0
            while let entry = try? reader.directoryEntry(in: inode, at: cursor) {
                _ = try? reader.lookup(entry.name, in: inode)
                cursor = entry.nextCursor
                steps += 1
                if steps > reader.inodeCount * 4 + 8 {
                    Issue.record("directory iteration does not end")
                    break
                }
            }
            _ = try? reader.parent(of: inode)
        case .regular:
            _ = try? reader.extent(of: inode)
            var offset: UInt64 = 0
            while let count = try? withMutableBytes(
                &buffer,
                { bytes throws(ImageError) in
                    try reader.read(inode, at: offset, into: bytes)
                }), count > 0
            {
                offset += UInt64(count)
            }
        case .symlink:
            _ = try? reader.readlink(inode)
        }
    }
    for path in ["/bin/app", "/bin/sh/x", "/etc/../x/y/z/deep", "/x/up/a", "/var/empty/.."] {
        _ = try? reader.resolve(bytes(path))
    }
    _ = try? reader.verifyDataChecksum()
}

@Test func resignedRandomDamageIsRejectedOrHarmless() throws {
    let clean = try fuzzImage()
    let layout = Layout(image: clean)
    #expect(openError(clean) == nil)
    var random = SplitMix64(seed: 0xBAD_1A6E)
    let interesting: [UInt64] = [
        0, 1, 2, 3, 7, 8, 255, 256, 4095, 4096, 4097, UInt64(layout.inodeCount), UInt64(layout.inodeCount + 1),
        UInt64(layout.entryCount), UInt64(layout.dataOffset), UInt64(clean.count), UInt64(clean.count - 1),
        UInt64(UInt32.max), UInt64.max, UInt64.max - 4095,
    ]
    var opened = 0
    var rejected = 0
    for _ in 0..<4000 {
        var image = clean
        let value = random.below(3) == 0 ? random.next() : interesting[random.below(interesting.count)]
        switch random.below(5) {
        case 0:
            for _ in 0..<(1 + random.below(4)) {
                image[128 + random.below(layout.metadataEnd - 128)] ^= UInt8(1) << UInt8(random.below(8))
            }
        case 1:
            let record = layout.inodeTable + random.below(layout.inodeCount) * 48
            let fields = [(0, 2), (4, 4), (24, 4), (28, 4), (32, 8), (40, 8)]
            let (offset, width) = fields[random.below(fields.count)]
            put(value, width: width, at: record + offset, in: &image)
        case 2:
            let record = layout.entryTable + random.below(layout.entryCount) * 16
            let fields = [(0, 4), (4, 4), (8, 2), (10, 1)]
            let (offset, width) = fields[random.below(fields.count)]
            put(value, width: width, at: record + offset, in: &image)
        case 3:
            image[layout.nameTable + random.below(layout.metadataEnd - layout.nameTable)] =
                UInt8(truncatingIfNeeded: value)
        default:
            let fields = [(18, 2), (28, 4), (32, 4), (40, 8), (48, 8), (56, 8), (64, 8), (72, 8), (80, 8), (88, 8)]
            let (offset, width) = fields[random.below(fields.count)]
            put(value, width: width, at: offset, in: &image)
        }
        resign(&image)
        if let reader = try? open(image) {
            opened += 1
            exercise(reader)
        } else {
            rejected += 1
        }
    }
    // Both outcomes occur: some damage (a uid, a free byte) is harmless, most is caught.
    #expect(opened > 0)
    #expect(rejected > opened)
}

private func put(_ value: UInt64, width: Int, at offset: Int, in image: inout [UInt8]) {
    for index in 0..<width {
        image[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index))
    }
}
