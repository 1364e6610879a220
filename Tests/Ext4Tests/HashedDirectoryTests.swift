import Foundation
import LinuxABI
import Testing

@testable import Ext4

/// Hashed (htree) directories: e2fsck -D indexes a directory mke2fs filled; the module must
/// find every name through the index, insert into it (splitting leaves, index nodes, adding a
/// level) so that e2fsck still accepts it, and list it completely.
@Suite struct HashedDirectoryTests {
    /// A volume whose `/many` directory e2fsck -D turned into an htree.
    func indexedImage(_ spec: VolumeSpec, files: Int) throws -> TestImage {
        let scratch = Scratch()
        let tree = try SourceTree(in: scratch, manyFiles: files)
        let image = try TestImage(spec, source: tree.root, scratch: scratch)
        let result = try image.fsck(["-fyD"])
        #expect(result.status <= 1, "e2fsck -fyD: \(result.text)")
        let dump = try image.debugfs("htree_dump /many")
        #expect(dump.contains("Root node dump"), "not indexed: \(dump.prefix(300))")
        let version = ["legacy": 0, "half_md4": 1, "tea": 2][spec.hashAlgorithm]!
        #expect(dump.contains("Hash Version: \(version)"), "\(dump.prefix(300))")
        return image
    }

    @Test(arguments: [
        VolumeSpec(sizeKiB: 32 * 1024, blockSize: 1024),
        VolumeSpec(sizeKiB: 32 * 1024, blockSize: 4096, metadataChecksum: false, bit64: false),
        VolumeSpec(sizeKiB: 32 * 1024, blockSize: 1024, metadataChecksum: false, hashAlgorithm: "tea"),
        VolumeSpec(sizeKiB: 32 * 1024, blockSize: 4096, hashAlgorithm: "legacy"),
    ])
    func insertionsKeepTheIndexValid(_ spec: VolumeSpec) throws {
        let image = try indexedImage(spec, files: 300)
        var names = Set((0..<300).map { "file-with-a-longish-name-\($0)" })
        names.formUnion((0..<20).map { "\u{FC}nic\u{F6}de-\u{00E9}\u{00E8}-\($0)" })
        do {
            let fs = try image.mount()
            let many = try fs.resolve("many")
            for name in names { #expect(try fs.lookup(bytes(name), in: many) > 0, "\(name)") }
            // Enough inserts to split leaves many times; on 1 KiB blocks also the root fills
            // and the index gains a level.
            let count = spec.blockSize == 1024 ? 4000 : 1500
            for index in 0..<count {
                let name = "added-\(index)-" + String(repeating: "n", count: index % 40)
                _ = try fs.create(bytes(name), in: many, permissions: 0o644)
                names.insert(name)
                if index % 500 == 499 { try fs.commit() }
            }
            for name in names { #expect(try fs.lookup(bytes(name), in: many) > 0, "\(name)") }
            let listed = Set(try fs.entries(many).map { String(decoding: $0.name, as: UTF8.self) })
            #expect(listed == names.union([".", ".."]))
            try fs.unmount()
        }
        try image.expectClean("after inserts")
        if spec.blockSize == 1024 {
            let dump = try image.debugfs("htree_dump /many")
            #expect(dump.contains("Indirect levels: 1"), "\(dump.prefix(400))")
        }
        // Removing most names and renaming within the directory keeps it valid too.
        do {
            let fs = try image.mount()
            let many = try fs.resolve("many")
            for (position, name) in names.sorted().enumerated() where position % 3 != 0 {
                try fs.unlink(bytes(name), in: many)
                names.remove(name)
            }
            for name in names.sorted().prefix(50) {
                try fs.rename(bytes(name), in: many, to: bytes(name + "-r"), in: many)
                names.remove(name)
                names.insert(name + "-r")
            }
            let listed = Set(try fs.entries(many).map { String(decoding: $0.name, as: UTF8.self) })
            #expect(listed == names.union([".", ".."]))
            try fs.unmount()
        }
        try image.expectClean("after removals")
        let extracted = try FileManager.default.contentsOfDirectory(atPath: try image.extract() + "/many")
        #expect(Set(extracted) == names)
    }

    @Test(arguments: [false, true])
    func emptiedLeavesTakeNewNames(_ checksums: Bool) throws {
        // Without checksums an emptied leaf looks like an index node when read in linear
        // order; the index must still treat it as the leaf it is.
        let spec = VolumeSpec(sizeKiB: 16 * 1024, blockSize: 4096, metadataChecksum: checksums)
        let image = try indexedImage(spec, files: 400)
        do {
            let fs = try image.mount()
            let many = try fs.resolve("many")
            for entry in try fs.entries(many) where entry.name != bytes(".") && entry.name != bytes("..") {
                try fs.unlink(entry.name, in: many)
            }
            #expect(try fs.entries(many).count == 2)
            for index in 0..<400 { _ = try fs.create(bytes("again-\(index)"), in: many, permissions: 0o644) }
            for index in 0..<400 { #expect(try fs.lookup(bytes("again-\(index)"), in: many) > 0) }
            #expect(try fs.entries(many).count == 402)
            try fs.unmount()
        }
        try image.expectClean()
    }

    @Test func readdirCookiesResumeInHashedDirectories() throws {
        let image = try indexedImage(VolumeSpec(sizeKiB: 16 * 1024, blockSize: 1024), files: 500)
        let fs = try image.mount(readOnly: true)
        let many = try fs.resolve("many")
        var seen: [String] = []
        var cookie: UInt64 = 0
        var done = false
        while !done {
            var batch = 0
            done = true
            try fs.readDirectory(many, from: cookie) { entry in
                seen.append(String(decoding: entry.name, as: UTF8.self))
                cookie = entry.nextCookie
                batch += 1
                if batch == 7 {
                    done = false
                    return false
                }
                return true
            }
        }
        #expect(seen.count == 522)
        #expect(Set(seen).count == 522)
    }

    @Test func newDirectoriesGrowLinearly() throws {
        let image = try TestImage(VolumeSpec(sizeKiB: 16 * 1024, blockSize: 1024))
        do {
            let fs = try image.mount()
            let dir = try fs.makeDirectory(bytes("grow"), in: Ext4FileSystem.rootInode, permissions: 0o755)
            for index in 0..<600 { _ = try fs.create(bytes("entry-\(index)"), in: dir, permissions: 0o644) }
            #expect(try fs.entries(dir).count == 602)
            #expect(try fs.attributes(dir).size > 1024)
            try fs.unmount()
        }
        try image.expectClean()
    }
}
