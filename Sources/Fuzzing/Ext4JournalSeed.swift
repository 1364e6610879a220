import Ext4
import LinuxABI
import Storage

/// The ext4 harness's seed with a journal that needs replay, so the fuzzer starts from inputs
/// that reach `JournalReplay` instead of waiting for mutations to set the flags.
///
/// mke2fs cannot make it: its smallest journal is 1024 blocks, more than the harness's whole
/// 128 KiB volume. So the volume is formatted here, byte by byte (1 KiB blocks, one group, 32
/// inodes, a 32-block journal, which Skiff accepts and Linux and e2fsck would call too small),
/// then filled and changed by Skiff's own ext4 code:
///
/// 1. mounted, given `hello.txt`, `dir/` and `link`, unmounted (clean);
/// 2. mounted again: transaction 2 makes `gone/`, transaction 3 removes it (a revoke record for
///    its block) and writes `journaled.txt`; both are committed, nothing is checkpointed.
///
/// What is left is a crash after the commits: the superblock says needs_recovery and the log
/// holds the only copy of the new root directory, so `journaled.txt` exists only after replay.
/// Everything is fixed (UUIDs, hash seed, clock), so the bytes are the same on every run.
enum Ext4JournalSeed {
    static let blockSize = 1024
    static let blockCount = 128
    static let inodeCount = 32
    static let inodeSize = 256
    static let inodeTable = 5
    static let inodeTableBlocks = inodeCount * inodeSize / blockSize
    static let rootBlock = inodeTable + inodeTableBlocks
    static let journalStart = rootBlock + 1
    static let journalBlocks = 32
    /// Blocks 1 to `usedBlocks` hold the metadata, the root directory and the journal.
    static let usedBlocks = journalStart + journalBlocks - 1
    static let time: UInt32 = 1_700_000_000
    static let uuid: [UInt8] = [
        0x5E, 0xED, 0x10, 0x6A, 0x4B, 0x1D, 0x4E, 0x0B, 0x9C, 0x8A, 0x2F, 0x6E, 0x3D, 0x71, 0xA4, 0x05,
    ]

    static let journaledName = Array("journaled.txt".utf8)
    static let journaledText = Array("this file exists only once the journal is replayed\n".utf8)

    /// The seed: the volume up to its last non-zero block (the harness pads with zeros).
    static func make() -> [UInt8] {
        let device = MemoryBlockDevice(sectorCount: UInt64(blockCount * blockSize / 512))
        let options = Ext4MountOptions(clock: { Timespec(seconds: Int64(time) + 60) })
        do {
            try format().withUnsafeBytes { try device.write(sector: 0, from: $0) }
            let root = Ext4FileSystem.rootInode
            let fs = try Ext4FileSystem.mount(device: device, options: options)
            let hello = try fs.create(Array("hello.txt".utf8), in: root, permissions: 0o644)
            try write(Array("hello from ext4\n".utf8), to: hello, in: fs)
            let dir = try fs.makeDirectory(Array("dir".utf8), in: root, permissions: 0o755)
            _ = try fs.create(Array("file".utf8), in: dir, permissions: 0o600)
            _ = try fs.makeSymlink(Array("link".utf8), in: root, target: Array("hello.txt".utf8))
            try fs.unmount()

            let crashed = try Ext4FileSystem.mount(device: device, options: options)
            _ = try crashed.makeDirectory(Array("gone".utf8), in: root, permissions: 0o755)
            try crashed.commit()
            try crashed.removeDirectory(Array("gone".utf8), in: root)
            let journaled = try crashed.create(journaledName, in: root, permissions: 0o644)
            try write(journaledText, to: journaled, in: crashed)
            try crashed.commit()
            // Dropped without unmount or sync: the power goes out here.
        } catch {
            preconditionFailure("ext4 journal seed: \(error)")
        }
        var bytes = device.bytes
        while bytes.count >= blockSize, bytes[(bytes.count - blockSize)...].allSatisfy({ $0 == 0 }) {
            bytes.removeLast(blockSize)
        }
        precondition(bytes.count <= Ext4Fuzzing.harness.maxLength, "ext4 journal seed: \(bytes.count) bytes")
        return bytes
    }

    private static func write(_ data: [UInt8], to inode: UInt32, in fs: Ext4FileSystem) throws {
        _ = try data.withUnsafeBytes { try fs.write(inode, at: 0, from: $0) }
    }

    // MARK: Formatting

    /// A clean, empty volume: superblock, one group descriptor, the two bitmaps, the inode
    /// table, the root directory and the journal (inode 8), with mke2fs's layout and fields.
    static func format() -> [UInt8] {
        var v = [UInt8](repeating: 0, count: blockCount * blockSize)
        let groupBlocks = blockCount - 1  // block 0 is before the first data block
        let freeBlocks = groupBlocks - usedBlocks
        let freeInodes = inodeCount - 10  // 1 to 10 are reserved

        // Superblock (block 1).
        let s = blockSize
        le32(&v, s + 0x00, UInt32(inodeCount))
        le32(&v, s + 0x04, UInt32(blockCount))
        le32(&v, s + 0x0C, UInt32(freeBlocks))
        le32(&v, s + 0x10, UInt32(freeInodes))
        le32(&v, s + 0x14, 1)  // first data block
        le32(&v, s + 0x20, 8192)  // blocks per group
        le32(&v, s + 0x24, 8192)  // clusters per group
        le32(&v, s + 0x28, UInt32(inodeCount))  // inodes per group
        le32(&v, s + 0x30, time)  // write time
        le16(&v, s + 0x36, 0xFFFF)  // no maximum mount count
        le16(&v, s + 0x38, 0xEF53)
        le16(&v, s + 0x3A, 1)  // clean
        le16(&v, s + 0x3C, 1)  // on errors: continue
        le32(&v, s + 0x40, time)  // last check
        le32(&v, s + 0x4C, 1)  // dynamic revision
        le32(&v, s + 0x54, 11)  // first inode
        le16(&v, s + 0x58, UInt16(inodeSize))
        le32(&v, s + 0x5C, Features.hasJournal)
        le32(&v, s + 0x60, Features.fileType | Features.extents)
        le32(&v, s + 0x64, Features.sparseSuper | Features.largeFile | Features.extraInodeSize)
        v.replaceSubrange((s + 0x68)..<(s + 0x78), with: uuid)
        v.replaceSubrange((s + 0x78)..<(s + 0x85), with: Array("journal-seed".utf8) + [0])
        le32(&v, s + 0xE0, 8)  // journal inode
        for (i, word) in [UInt32(0x1A2B_3C4D), 0x5E6F_7081, 0x92A3_B4C5, 0xD6E7_F809].enumerated() {
            le32(&v, s + 0xEC + 4 * i, word)  // directory hash seed
        }
        v[s + 0xFC] = 1  // half_md4
        v[s + 0xFD] = 1  // s_jnl_blocks holds a copy of the journal inode's block map
        le32(&v, s + 0x108, time)  // created
        le16(&v, s + 0x15C, 32)  // extra inode size: minimum
        le16(&v, s + 0x15E, 32)  // and wanted
        le32(&v, s + 0x160, 1)  // signed directory hash

        // Group descriptor (block 2).
        let g = 2 * blockSize
        le32(&v, g + 0x00, 3)  // block bitmap
        le32(&v, g + 0x04, 4)  // inode bitmap
        le32(&v, g + 0x08, UInt32(inodeTable))
        le16(&v, g + 0x0C, UInt16(freeBlocks))
        le16(&v, g + 0x0E, UInt16(freeInodes))
        le16(&v, g + 0x10, 1)  // directories

        // Bitmaps: the used blocks and reserved inodes, and the padding past the group's end.
        setBits(&v, block: 3, 0..<usedBlocks)
        setBits(&v, block: 3, groupBlocks..<(blockSize * 8))
        setBits(&v, block: 4, 0..<10)
        setBits(&v, block: 4, inodeCount..<(blockSize * 8))

        // The root directory and the journal inode, each one extent.
        writeInode(&v, 2, mode: 0o040755, links: 2, size: blockSize, start: rootBlock, length: 1)
        writeInode(&v, 8, mode: 0o100600, links: 1, size: journalBlocks * blockSize, start: journalStart, length: journalBlocks)
        let journalInode = inodeTable * blockSize + 7 * inodeSize
        v.replaceSubrange((s + 0x10C)..<(s + 0x148), with: v[(journalInode + 0x28)..<(journalInode + 0x64)])
        le32(&v, s + 0x10C + 16 * 4, UInt32(journalBlocks * blockSize))
        let r = rootBlock * blockSize
        directoryEntry(&v, r, inode: 2, length: 12, name: [0x2E])
        directoryEntry(&v, r + 12, inode: 2, length: blockSize - 12, name: [0x2E, 0x2E])

        // The journal superblock (v2, no features): empty, expecting transaction 1.
        let j = journalStart * blockSize
        be32(&v, j + 0x00, 0xC03B_3998)
        be32(&v, j + 0x04, 4)
        be32(&v, j + 0x0C, UInt32(blockSize))
        be32(&v, j + 0x10, UInt32(journalBlocks))
        be32(&v, j + 0x14, 1)  // first log block
        be32(&v, j + 0x18, 1)  // sequence
        v.replaceSubrange((j + 0x30)..<(j + 0x40), with: uuid)
        be32(&v, j + 0x40, 1)  // users
        return v
    }

    private static func writeInode(
        _ v: inout [UInt8], _ number: Int, mode: UInt16, links: UInt16, size: Int, start: Int, length: Int
    ) {
        let i = inodeTable * blockSize + (number - 1) * inodeSize
        le16(&v, i + 0x00, mode)
        le32(&v, i + 0x04, UInt32(size))
        for offset in [0x08, 0x0C, 0x10] { le32(&v, i + offset, time) }  // atime, ctime, mtime
        le16(&v, i + 0x1A, links)
        le32(&v, i + 0x1C, UInt32(length * blockSize / 512))
        le32(&v, i + 0x20, 0x8_0000)  // EXT4_EXTENTS_FL
        le16(&v, i + 0x28, 0xF30A)  // extent header: magic, 1 entry of 4, depth 0
        le16(&v, i + 0x2A, 1)
        le16(&v, i + 0x2C, 4)
        le16(&v, i + 0x38, UInt16(length))  // the extent: logical 0, `length` blocks at `start`
        le32(&v, i + 0x3C, UInt32(start))
        le16(&v, i + 0x80, 32)  // extra inode size
        le32(&v, i + 0x90, time)  // creation time
    }

    private static func directoryEntry(_ v: inout [UInt8], _ offset: Int, inode: UInt32, length: Int, name: [UInt8]) {
        le32(&v, offset, inode)
        le16(&v, offset + 4, UInt16(length))
        v[offset + 6] = UInt8(name.count)
        v[offset + 7] = 2  // directory
        v.replaceSubrange((offset + 8)..<(offset + 8 + name.count), with: name)
    }

    private static func setBits(_ v: inout [UInt8], block: Int, _ bits: Range<Int>) {
        for bit in bits { v[block * blockSize + bit / 8] |= 1 << UInt8(bit % 8) }
    }

    private static func le16(_ v: inout [UInt8], _ offset: Int, _ value: UInt16) {
        v[offset] = UInt8(truncatingIfNeeded: value)
        v[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    private static func le32(_ v: inout [UInt8], _ offset: Int, _ value: UInt32) {
        for k in 0..<4 { v[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
    }

    private static func be32(_ v: inout [UInt8], _ offset: Int, _ value: UInt32) {
        for k in 0..<4 { v[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(3 - k))) }
    }
}
