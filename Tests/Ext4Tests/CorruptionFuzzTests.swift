import Foundation
import LinuxABI
import Storage
import Testing

@testable import Ext4

/// Damaged volumes must produce errors, never traps: in the kernel a trap is a panic. Random
/// bytes of a populated volume without checksums (so damage reaches the parsers instead of
/// being stopped by a checksum) are flipped, then the whole tree is read and changed; every
/// failure has to arrive as an `Ext4Error`.
@Suite struct CorruptionFuzzTests {
    /// Reads everything reachable, ignoring errors.
    func walk(_ fs: Ext4FileSystem, _ directory: UInt32, depth: Int = 0) {
        guard depth < 8 else { return }
        var entries: [Ext4DirectoryEntry] = []
        do {
            try fs.readDirectory(directory, from: 0) { entry in
                entries.append(entry)
                return entries.count < 2000
            }
        } catch {}
        for entry in entries where entry.name != bytes(".") && entry.name != bytes("..") {
            _ = try? fs.lookup(entry.name, in: directory)
            guard let attributes = try? fs.attributes(entry.inode) else { continue }
            switch attributes.type {
            case .directory: walk(fs, entry.inode, depth: depth + 1)
            case .symlink: _ = try? fs.readLink(entry.inode)
            default:
                var buffer = [UInt8](repeating: 0, count: 70_000)
                _ = try? buffer.withUnsafeMutableBytes { try fs.read(entry.inode, at: 0, into: $0) }
            }
        }
    }

    /// The blocks worth damaging: descriptors, bitmaps, the used part of the inode tables,
    /// and every directory block.
    func metadataBlocks(_ fs: Ext4FileSystem) throws -> [UInt64] {
        var blocks: [UInt64] = [fs.layout.descriptorLocation(0).block]
        for descriptor in fs.groups where descriptor.freeInodes < fs.layout.inodesPerGroup {
            blocks += [descriptor.blockBitmap, descriptor.inodeBitmap]
            let used = UInt64(fs.layout.inodesPerGroup - descriptor.unusedInodes) * UInt64(fs.layout.inodeSize)
            for index in 0..<((used + 1023) / 1024) { blocks.append(descriptor.inodeTable + index) }
        }
        var pending = [Ext4FileSystem.rootInode]
        while let directory = pending.popLast() {
            let handle = try fs.handle(directory)
            for logical in 0..<UInt32(handle.inode.size / 1024) {
                blocks.append(try fs.readDirectoryBlock(handle, logical).physical)
            }
            for entry in try fs.entries(directory) where entry.type == .directory && entry.name.first != 0x2E {
                pending.append(entry.inode)
            }
        }
        return blocks
    }

    @Test(arguments: [false, true])
    func damagedVolumesFailWithErrors(_ checksums: Bool) throws {
        let scratch = Scratch()
        let tree = try SourceTree(in: scratch, manyFiles: 120)
        let spec = VolumeSpec(sizeKiB: 16 * 1024, blockSize: 1024, metadataChecksum: checksums)
        let pristine = try TestImage(spec, source: tree.root, scratch: scratch)
        _ = try pristine.fsck(["-fyD"])
        let original = try pristine.bytes
        let targets = try metadataBlocks(try pristine.mount(readOnly: true))
        var random = SplitMix64(seed: checksums ? 100 : 200)
        for _ in 0..<60 {
            var damaged = original
            for _ in 0..<(1 + random.below(12)) {
                let block = targets[random.below(targets.count)]
                let offset = Int(block) * 1024 + random.below(1024)
                damaged[offset] ^= UInt8(truncatingIfNeeded: 1 << random.below(8))
            }
            let device = try MemoryBlockDevice.holding(damaged)
            guard let fs = try? mount(device, readOnly: true) else { continue }
            walk(fs, Ext4FileSystem.rootInode)
            let writable = try MemoryBlockDevice.holding(damaged)
            guard let rw = try? mount(writable) else { continue }
            let root = Ext4FileSystem.rootInode
            _ = try? rw.makeFile("new-file", random.bytes(5000))
            _ = try? rw.makeDirectory(bytes("new-dir"), in: root, permissions: 0o755)
            _ = try? rw.unlink(bytes("hello.txt"), in: root)
            if let many = try? rw.lookup(bytes("many"), in: root) {
                for index in 0..<20 { _ = try? rw.create(bytes("x\(index)"), in: many, permissions: 0o644) }
                _ = try? rw.unlink(bytes("file-with-a-longish-name-7"), in: many)
            }
            _ = try? rw.rename(bytes("dir"), in: root, to: bytes("dir2"), in: root)
            if let large = try? rw.resolve("dir/sub/large.bin") { _ = try? rw.truncate(large, to: 10_000) }
            _ = try? rw.unmount()
        }
    }
}
