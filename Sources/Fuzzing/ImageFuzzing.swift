import ImageFS

/// The application image (`skiff build`'s read-only file system): the kernel opens it at boot
/// and serves every path lookup, directory listing and read from it. The harness writes both
/// checksums into the input first, because whoever makes an image can compute them too: what
/// must hold is that the validator turns every inconsistent table into an `ImageError`.
enum ImageFuzzing {
    static let harness = FuzzHarness(
        name: "image", summary: "application image: ImageReader (validation, lookups, readdir, reads)",
        maxLength: 65536,
        run: { data in
            var bytes = Array(data)
            repairChecksums(&bytes)
            bytes.withUnsafeBytes { walk($0) }
        },
        seeds: {
            var seeds: [(name: String, bytes: [UInt8])] = []
            for variant in 0..<3 {
                var builder = ImageBuilder()
                builder.pageShift = 12
                builder.includesDataChecksum = variant != 1
                do throws(ImageError) {
                    try builder.addFile(at: "/bin/hello", contents: Array("#!/bin/sh\necho hello\n".utf8))
                    try builder.addDirectory(at: "/etc")
                    try builder.addFile(at: "/etc/hosts", contents: Array("127.0.0.1 localhost\n".utf8))
                    try builder.addSymlink(at: "/lib", target: "usr/lib")
                    try builder.addFile(at: "/usr/lib/libc.so", contents: [UInt8](repeating: 0x7F, count: variant == 2 ? 5000 : 40))
                    try builder.addHardLink(at: "/bin/hi", to: "/bin/hello")
                    for i in 0..<(variant * 6) {
                        try builder.addFile(at: "/many/file-\(i)", contents: Array("\(i)".utf8))
                    }
                    seeds.append(("image-\(variant)", try builder.build()))
                } catch {
                    continue
                }
            }
            return seeds
        })

    /// Writes the metadata and superblock CRC-32Cs an image with this header would need.
    static func repairChecksums(_ bytes: inout [UInt8]) {
        let headerSize = ImageFormat.superblockSize
        guard bytes.count >= headerSize else { return }
        let declared = Int(bytes[12]) | Int(bytes[13]) << 8
        let metadataEnd = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[80 + $1]) << (8 * UInt64($1)) }
        guard declared >= headerSize, declared <= bytes.count else { return }
        if metadataEnd >= UInt64(declared), metadataEnd <= UInt64(bytes.count) {
            var crc = CRC32C()
            crc.update(Array(bytes[declared..<Int(metadataEnd)]))
            store(crc.value, at: 96, in: &bytes)
        }
        store(0, at: ImageFormat.superblockChecksumOffset, in: &bytes)
        var crc = CRC32C()
        crc.update(Array(bytes[0..<declared]))
        store(crc.value, at: ImageFormat.superblockChecksumOffset, in: &bytes)
    }

    static func store(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    }

    /// Opens the image and visits every name, link and file the way the kernel would.
    static func walk(_ bytes: UnsafeRawBufferPointer) {
        let reader: ImageReader<MemoryImageStorage>
        do throws(ImageError) { reader = try ImageReader(storage: MemoryImageStorage(bytes)) } catch { return }
        _ = try? reader.verifyDataChecksum()
        for path in ["/bin/hello", "/lib/libc.so", "/etc/../etc/hosts/", "/many/file-3", "///"] {
            _ = try? reader.resolve(Array(path.utf8))
        }
        var pending: [InodeNumber] = [reader.root]
        var visited = 0
        var buffer = [UInt8](repeating: 0, count: 8192)
        while let directory = pending.popLast(), visited < 4096 {
            visited += 1
            _ = try? reader.parent(of: directory)
            var cursor: UInt64 = 0
            while visited < 4096, let entry = try? reader.directoryEntry(in: directory, at: cursor) {
                visited += 1
                cursor = entry.nextCursor
                _ = try? reader.lookup(entry.name, in: directory)
                _ = try? reader.attributes(of: entry.inode)
                switch entry.type {
                case .directory: pending.append(entry.inode)
                case .symlink:
                    _ = try? reader.readlink(entry.inode)
                    _ = try? reader.resolve(entry.name, from: directory)
                case .regular:
                    _ = try? reader.extent(of: entry.inode)
                    _ = try? reader.contents(of: entry.inode).count
                    _ = try? buffer.withUnsafeMutableBytes { try reader.read(entry.inode, at: 1, into: $0) }
                }
            }
        }
    }
}
