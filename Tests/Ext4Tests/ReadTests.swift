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
