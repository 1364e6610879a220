import Foundation
import LinuxABI
import Testing

@testable import Ext4

/// Reading volumes mke2fs populated: every file, directory and symlink must read back as the
/// host wrote it, on every volume variant.
@Suite struct ReadTests {
    @Test(arguments: VolumeSpec.variants)
    func treeReadsBackAsWritten(_ spec: VolumeSpec) throws {
        let scratch = Scratch()
        let tree = try SourceTree(in: scratch)
        var large = spec
        large.sizeKiB = 32 * 1024
        let image = try TestImage(large, source: tree.root, scratch: scratch)
        let fs = try image.mount(readOnly: true)
        let expected = try snapshot(of: tree.root)
        let actual = try snapshot(of: fs)
        #expect(differences(expected, actual) == [])
    }

    @Test(arguments: [VolumeSpec(blockSize: 1024), VolumeSpec(blockSize: 4096, metadataChecksum: false, bit64: false)])
    func listingsAndAttributesMatchDebugfs(_ spec: VolumeSpec) throws {
        let scratch = Scratch()
        let tree = try SourceTree(in: scratch, manyFiles: 40)
        var large = spec
        large.sizeKiB = 32 * 1024
        let image = try TestImage(large, source: tree.root, scratch: scratch)
        let fs = try image.mount(readOnly: true)
        for path in ["/", "/dir", "/dir/sub", "/many", "/empty-dir"] {
            let directory = path == "/" ? Ext4FileSystem.rootInode : try fs.resolve(path)
            // debugfs `ls -p`: /inode/mode/uid/gid/name/size/ per entry.
            var expected: [String] = []
            for line in try image.debugfs("ls -p \(path)").split(separator: "\n") where line.hasPrefix("/") {
                let fields = line.split(separator: "/", omittingEmptySubsequences: false)
                guard fields.count >= 7 else { continue }
                let mode = String(Int(fields[2], radix: 8) ?? -1, radix: 8)
                expected.append("\(fields[1]) \(mode) \(fields[5]) \(fields[6])")
            }
            var actual: [String] = []
            for entry in try fs.entries(directory) {
                let attributes = try fs.attributes(entry.inode)
                let size = attributes.type == .directory ? "" : "\(attributes.size)"
                actual.append("\(entry.inode) \(String(attributes.mode, radix: 8)) \(String(decoding: entry.name, as: UTF8.self)) \(size)")
            }
            #expect(expected.count >= 2, "debugfs ls -p \(path) gave no entries")
            #expect(actual.sorted() == expected.sorted(), "\(path)")
        }
        let largeFile = try fs.resolve("dir/sub/large.bin")
        let attributes = try fs.attributes(largeFile)
        let stat = try image.debugfs("stat /dir/sub/large.bin")
        #expect(stat.contains("Links: \(attributes.linkCount)"), "\(stat)")
        #expect(stat.contains("Blockcount: \(attributes.blocks)"), "\(stat)")
        #expect(stat.contains("Size: \(attributes.size)"), "\(stat)")
        #expect(stat.contains("Inode: \(largeFile) "), "\(stat)")
    }

    @Test func blockMappedVolumeReads() throws {
        let scratch = Scratch()
        let tree = try SourceTree(in: scratch, manyFiles: 50)
        let spec = VolumeSpec(
            sizeKiB: 32 * 1024, blockSize: 1024, metadataChecksum: false, bit64: false, features: ["^extent", "^flex_bg"])
        let image = try TestImage(spec, source: tree.root, scratch: scratch)
        let fs = try image.mount(readOnly: true)
        #expect(differences(try snapshot(of: tree.root), try snapshot(of: fs)) == [])
        // The large file needs double-indirect blocks at 1 KiB.
        let large = try fs.resolve("dir/sub/large.bin")
        #expect(try fs.attributes(large).flags & 0x80000 == 0)
    }
}
