import Foundation
import LinuxABI
import Testing

@testable import Ext4

/// Damage is reported, not followed: checksum mismatches are EBADMSG (Linux's EFSBADCRC),
/// structural damage EUCLEAN, unknown features refuse the mount; inline data reads, and
/// volumes with it mount read-only.
@Suite struct IntegrityTests {
    /// Flips one byte of the image file.
    func corrupt(_ image: TestImage, at offset: Int) throws {
        var data = try image.bytes
        data[offset] ^= 0x40
        try Data(data).write(to: URL(fileURLWithPath: image.path))
    }

    @Test func checksumMismatchesAreReported() throws {
        let scratch = Scratch()
        let tree = try SourceTree(in: scratch, manyFiles: 10)
        let image = try TestImage(VolumeSpec(blockSize: 1024), source: tree.root, scratch: scratch)
        let (inodeOffset, directoryOffset) = try {
            let fs = try image.mount(readOnly: true)
            let hello = try fs.resolve("hello.txt")
            let (group, index) = fs.layout.inodeLocation(hello)
            let table = fs.groups[Int(group)].inodeTable
            let inodeOffset = Int(table) * 1024 + Int(index) * fs.layout.inodeSize + 0x4  // i_size
            let dir = try fs.handle(try fs.resolve("dir"))
            let block = try fs.readDirectoryBlock(dir, 0).physical
            return (inodeOffset, Int(block) * 1024 + 30)
        }()
        try corrupt(image, at: inodeOffset)
        try corrupt(image, at: directoryOffset)
        let fs = try image.mount(readOnly: true)
        #expect(errno { _ = try fs.attributes(try fs.resolve("hello.txt")) } == .EBADMSG)
        #expect(errno { _ = try fs.resolve("dir/medium.bin") } == .EBADMSG)
        #expect(try fs.readAll(try fs.resolve("block")).count == 4096)
        // The superblock's own checksum guards the mount.
        try corrupt(image, at: 1024 + 0x30)
        #expect(errno { _ = try image.mount(readOnly: true) } == .EBADMSG)
    }

    @Test func damagedStructuresAreCorruption() throws {
        let image = try TestImage(VolumeSpec(blockSize: 1024, metadataChecksum: false))
        let extentOffset: Int = try {
            let fs = try image.mount()
            let file = try fs.makeFile("file", [UInt8](repeating: 7, count: 5000))
            try fs.unmount()
            let again = try image.mount(readOnly: true)
            let (group, index) = again.layout.inodeLocation(file)
            return Int(again.groups[Int(group)].inodeTable) * 1024 + Int(index) * again.layout.inodeSize + 0x28 + 12 + 8
        }()
        // Point the file's extent at block 1 (the superblock area): a system block.
        var data = try image.bytes
        data.replaceSubrange(extentOffset..<extentOffset + 4, with: [1, 0, 0, 0])
        try Data(data).write(to: URL(fileURLWithPath: image.path))
        let fs = try image.mount(readOnly: true)
        #expect(errno { _ = try fs.readAll(try fs.resolve("file")) } == .EUCLEAN)
    }

    @Test func unknownIncompatibleFeaturesRefuseTheMount() throws {
        let image = try TestImage(VolumeSpec(blockSize: 1024, metadataChecksum: false))
        var data = try image.bytes
        data[1024 + 0x60 + 2] |= 0x02  // casefold (0x20000)
        try Data(data).write(to: URL(fileURLWithPath: image.path))
        #expect(errno { _ = try image.mount(readOnly: true) } == .EINVAL)
    }

    @Test func inlineDataReadsAndMountsReadOnly() throws {
        let scratch = Scratch()
        let tree = try SourceTree(in: scratch, manyFiles: 3)
        try FileManager.default.createDirectory(atPath: tree.root + "/small-dir", withIntermediateDirectories: true)
        try tree.write("small-dir/a", bytes("inline a"))
        try tree.write("medium", SplitMix64(seed: 8).bytesCopy(100))
        let spec = VolumeSpec(blockSize: 1024, features: ["inline_data"])
        let image = try TestImage(spec, source: tree.root, scratch: scratch)
        let stat = try image.debugfs("stat /hello.txt")
        #expect(stat.contains("Flags: 0x10000000"), "\(stat)")
        #expect(errno { _ = try image.mount() } == .EROFS)
        let fs = try image.mount(readOnly: true)
        #expect(differences(try snapshot(of: tree.root), try snapshot(of: fs)) == [])
        let smallDir = try fs.resolve("small-dir")
        #expect(try fs.parent(of: smallDir) == Ext4FileSystem.rootInode)
        #expect(try fs.entries(smallDir).map { String(decoding: $0.name, as: UTF8.self) } == [".", "..", "a"])
    }
}
