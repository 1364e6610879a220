/// The ext4 superblock: 1024 bytes at byte 1024 of the volume.
///
/// Kept as its raw bytes with typed accessors, so fields this module does not interpret
/// (volume name, mount options, error records, quota inodes …) survive every rewrite unchanged.
/// `validate` runs once at mount and establishes every bound the rest of the module relies on.
struct Superblock {
    static let offset = 1024
    static let size = 1024
    static let magic: UInt16 = 0xEF53
    /// `s_state`: unmounted cleanly / errors detected.
    static let stateValid: UInt16 = 1
    static let stateErrors: UInt16 = 2

    var raw: [UInt8]

    init(raw: [UInt8]) { self.raw = raw }

    var inodesCount: UInt32 { raw.le32(0x0) }
    var blocksCount: UInt64 { UInt64(raw.le32(0x4)) | (is64Bit ? UInt64(raw.le32(0x150)) << 32 : 0) }
    var reservedBlocksCount: UInt64 { UInt64(raw.le32(0x8)) | (is64Bit ? UInt64(raw.le32(0x154)) << 32 : 0) }
    var freeBlocksCount: UInt64 {
        get { UInt64(raw.le32(0xC)) | (is64Bit ? UInt64(raw.le32(0x158)) << 32 : 0) }
        set {
            raw.setLE32(0xC, UInt32(truncatingIfNeeded: newValue))
            if is64Bit { raw.setLE32(0x158, UInt32(truncatingIfNeeded: newValue >> 32)) }
        }
    }
    var freeInodesCount: UInt32 {
        get { raw.le32(0x10) }
        set { raw.setLE32(0x10, newValue) }
    }
    var firstDataBlock: UInt32 { raw.le32(0x14) }
    var logBlockSize: UInt32 { raw.le32(0x18) }
    var logClusterSize: UInt32 { raw.le32(0x1C) }
    var blocksPerGroup: UInt32 { raw.le32(0x20) }
    var clustersPerGroup: UInt32 { raw.le32(0x24) }
    var inodesPerGroup: UInt32 { raw.le32(0x28) }
    var mountTime: UInt32 {
        get { raw.le32(0x2C) }
        set { raw.setLE32(0x2C, newValue) }
    }
    var writeTime: UInt32 {
        get { raw.le32(0x30) }
        set { raw.setLE32(0x30, newValue) }
    }
    var mountCount: UInt16 {
        get { raw.le16(0x34) }
        set { raw.setLE16(0x34, newValue) }
    }
    var magicNumber: UInt16 { raw.le16(0x38) }
    var state: UInt16 {
        get { raw.le16(0x3A) }
        set { raw.setLE16(0x3A, newValue) }
    }
    var revisionLevel: UInt32 { raw.le32(0x4C) }
    /// The first inode ordinary files may use (11 on revision-0 volumes).
    var firstInode: UInt32 { revisionLevel == 0 ? 11 : raw.le32(0x54) }
    var inodeSize: Int { revisionLevel == 0 ? 128 : Int(raw.le16(0x58)) }
    var compatible: UInt32 { raw.le32(0x5C) }
    var incompatible: UInt32 {
        get { raw.le32(0x60) }
        set { raw.setLE32(0x60, newValue) }
    }
    var readOnlyCompatible: UInt32 { raw.le32(0x64) }
    var uuid: [UInt8] { Array(raw[0x68..<0x78]) }
    var reservedGDTBlocks: UInt16 { raw.le16(0xCE) }
    var journalInode: UInt32 { raw.le32(0xE0) }
    var journalDevice: UInt32 { raw.le32(0xE4) }
    /// Head of the orphan list: inodes to finish deleting or truncating after a crash.
    var lastOrphan: UInt32 {
        get { raw.le32(0xE8) }
        set { raw.setLE32(0xE8, newValue) }
    }
    var hashSeed: [UInt32] { [raw.le32(0xEC), raw.le32(0xF0), raw.le32(0xF4), raw.le32(0xF8)] }
    var defaultHashVersion: UInt8 { raw[0xFC] }
    var descriptorSizeField: UInt16 { raw.le16(0xFE) }
    var firstMetaBlockGroup: UInt32 { raw.le32(0x104) }
    var minimumExtraInodeSize: UInt16 { raw.le16(0x15C) }
    var wantedExtraInodeSize: UInt16 { raw.le16(0x15E) }
    /// `s_flags`: bit 1 signed directory hash, bit 2 unsigned.
    var flags: UInt32 { raw.le32(0x160) }
    var logGroupsPerFlex: UInt8 { raw[0x174] }
    var checksumType: UInt8 { raw[0x175] }
    var kilobytesWritten: UInt64 {
        get { raw.le64(0x178) }
        set { raw.setLE64(0x178, newValue) }
    }
    var checksumSeedField: UInt32 { raw.le32(0x270) }
    var checksum: UInt32 {
        get { raw.le32(0x3FC) }
        set { raw.setLE32(0x3FC, newValue) }
    }

    var is64Bit: Bool { incompatible & Features.bit64 != 0 }
    var hasMetadataChecksum: Bool { readOnlyCompatible & Features.metadataChecksum != 0 }
    var hasJournal: Bool { compatible & Features.hasJournal != 0 }
    var needsRecovery: Bool { incompatible & Features.recover != 0 }

    /// Bytes per group descriptor: 32, or `s_desc_size` on 64-bit volumes.
    var descriptorSize: Int { is64Bit ? Int(descriptorSizeField) : 32 }

    /// The superblock checksum: CRC-32C of everything before the checksum field.
    func computedChecksum() -> UInt32 { CRC32C.update(~0, raw, from: 0, count: 0x3FC) }

    mutating func updateChecksum() {
        if hasMetadataChecksum { checksum = computedChecksum() }
    }

    /// Checks the fields every later bound derives from. Returns the reason for refusing, or
    /// nil when the superblock is usable.
    func validate(deviceBytes: UInt64) -> Ext4Error? {
        guard raw.count == Self.size, magicNumber == Self.magic else {
            return .corrupt("ext4: bad superblock magic 0x\(String(magicNumber, radix: 16))")
        }
        if hasMetadataChecksum {
            guard checksumType == 1 else { return .corrupt("ext4: unknown checksum type \(checksumType)") }
            let computed = computedChecksum()
            guard computed == checksum else {
                return .badChecksum("ext4: superblock checksum 0x\(String(checksum, radix: 16)) != 0x\(String(computed, radix: 16))")
            }
        }
        guard logBlockSize <= 6 else { return .corrupt("ext4: block size 2^(10+\(logBlockSize)) unsupported") }
        let blockSize = UInt64(1024) << logBlockSize
        guard logClusterSize == logBlockSize else {
            return .corrupt("ext4: cluster size differs from block size (bigalloc) is not supported")
        }
        guard firstDataBlock == (blockSize == 1024 ? 1 : 0) else {
            return .corrupt("ext4: first data block \(firstDataBlock) for block size \(blockSize)")
        }
        let bitsPerBlock = UInt32(blockSize &* 8)
        guard blocksPerGroup >= 8, blocksPerGroup <= bitsPerBlock, blocksPerGroup % 8 == 0 else {
            return .corrupt("ext4: \(blocksPerGroup) blocks per group")
        }
        guard inodesPerGroup >= 8, inodesPerGroup <= bitsPerBlock, inodesPerGroup % 8 == 0 else {
            return .corrupt("ext4: \(inodesPerGroup) inodes per group")
        }
        let size = inodeSize
        guard size >= 128, size <= Int(blockSize), size & (size &- 1) == 0 else {
            return .corrupt("ext4: inode size \(size)")
        }
        guard revisionLevel <= 1 else { return .corrupt("ext4: revision \(revisionLevel)") }
        if is64Bit {
            let desc = descriptorSize
            guard desc >= 64, desc <= 1024, desc & (desc &- 1) == 0 else {
                return .corrupt("ext4: group descriptor size \(desc)")
            }
        }
        let blocks = blocksCount
        guard blocks > UInt64(firstDataBlock), blocks <= deviceBytes / blockSize else {
            return .corrupt("ext4: \(blocks) blocks do not fit the \(deviceBytes)-byte device")
        }
        let groups = (blocks &- UInt64(firstDataBlock) &+ UInt64(blocksPerGroup) &- 1) / UInt64(blocksPerGroup)
        guard groups <= UInt64(UInt32.max) / UInt64(inodesPerGroup),
            UInt64(inodesCount) == groups &* UInt64(inodesPerGroup)
        else {
            return .corrupt("ext4: \(inodesCount) inodes for \(groups) groups of \(inodesPerGroup)")
        }
        guard firstInode >= 11, firstInode < inodesCount else { return .corrupt("ext4: first inode \(firstInode)") }
        if size > 128 {
            guard Int(minimumExtraInodeSize) <= size &- 128, Int(wantedExtraInodeSize) <= size &- 128 else {
                return .corrupt("ext4: extra inode size beyond the inode")
            }
        }
        guard freeInodesCount <= inodesCount, freeBlocksCount <= blocks else {
            return .corrupt("ext4: free counts exceed totals")
        }
        return nil
    }
}
