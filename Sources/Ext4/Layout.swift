/// The volume's geometry, fixed at mount: block and group sizes, where descriptors live, which
/// groups carry superblock backups, and the checksum parameters.
///
/// Everything here is derived from a superblock that passed `Superblock.validate`, so the
/// arithmetic below cannot overflow for any accepted volume.
struct Layout {
    let blockSize: Int
    let sectorsPerBlock: UInt64
    let blocksCount: UInt64
    let firstDataBlock: UInt64
    let blocksPerGroup: UInt32
    let inodesPerGroup: UInt32
    let groupCount: UInt32
    let inodesCount: UInt32
    let inodeSize: Int
    let inodeTableBlocks: UInt64
    let descriptorSize: Int
    let descriptorsPerBlock: Int
    /// Blocks of group descriptors in the classic (non-meta_bg) layout.
    let descriptorBlocks: UInt64
    let reservedDescriptorBlocks: UInt64
    let metaBlockGroups: Bool
    let firstMetaBlockGroup: UInt64
    let sparseSuper: Bool
    let sparseSuper2Groups: (UInt32, UInt32)?
    let metadataChecksum: Bool
    let groupDescriptorChecksum: Bool
    let checksumSeed: UInt32
    let uuid: [UInt8]
    let is64Bit: Bool
    let hasFileType: Bool
    let hasExtents: Bool
    let hugeFile: Bool
    let directoryLinkCount: Bool
    let largeDirectory: Bool
    let directoryIndex: Bool
    let hashSeed: [UInt32]
    let defaultHashVersion: UInt8
    let unsignedHash: Bool
    let firstInode: UInt32
    let extraInodeSize: UInt16
    let logGroupsPerFlex: UInt32

    init(_ sb: Superblock, sectorSize: Int) {
        blockSize = 1024 << Int(sb.logBlockSize)
        sectorsPerBlock = UInt64(blockSize / sectorSize)
        blocksCount = sb.blocksCount
        firstDataBlock = UInt64(sb.firstDataBlock)
        blocksPerGroup = sb.blocksPerGroup
        inodesPerGroup = sb.inodesPerGroup
        groupCount = UInt32((blocksCount &- firstDataBlock &+ UInt64(blocksPerGroup) &- 1) / UInt64(blocksPerGroup))
        inodesCount = sb.inodesCount
        inodeSize = sb.inodeSize
        inodeTableBlocks = (UInt64(inodesPerGroup) &* UInt64(inodeSize) &+ UInt64(blockSize) &- 1) / UInt64(blockSize)
        descriptorSize = sb.descriptorSize
        descriptorsPerBlock = blockSize / descriptorSize
        descriptorBlocks = (UInt64(groupCount) &+ UInt64(descriptorsPerBlock) &- 1) / UInt64(descriptorsPerBlock)
        reservedDescriptorBlocks = UInt64(sb.reservedGDTBlocks)
        metaBlockGroups = sb.incompatible & Features.metaBlockGroups != 0
        firstMetaBlockGroup = UInt64(sb.firstMetaBlockGroup)
        sparseSuper = sb.readOnlyCompatible & Features.sparseSuper != 0
        sparseSuper2Groups =
            sb.compatible & Features.sparseSuper2 != 0 ? (sb.raw.le32(0x24C), sb.raw.le32(0x250)) : nil
        metadataChecksum = sb.hasMetadataChecksum
        groupDescriptorChecksum = sb.readOnlyCompatible & Features.groupDescriptorChecksum != 0
        uuid = sb.uuid
        checksumSeed =
            sb.incompatible & Features.checksumSeed != 0 ? sb.checksumSeedField : CRC32C.update(~0, sb.uuid)
        is64Bit = sb.is64Bit
        hasFileType = sb.incompatible & Features.fileType != 0
        hasExtents = sb.incompatible & Features.extents != 0
        hugeFile = sb.readOnlyCompatible & Features.hugeFile != 0
        directoryLinkCount = sb.readOnlyCompatible & Features.directoryLinkCount != 0
        largeDirectory = sb.incompatible & Features.largeDirectory != 0
        directoryIndex = sb.compatible & Features.directoryIndex != 0
        hashSeed = sb.hashSeed
        defaultHashVersion = sb.defaultHashVersion
        unsignedHash = sb.flags & 0x2 != 0
        firstInode = sb.firstInode
        let wanted = max(sb.wantedExtraInodeSize, sb.minimumExtraInodeSize, 32)
        extraInodeSize = sb.inodeSize > 128 ? min(wanted, UInt16(sb.inodeSize &- 128)) : 0
        logGroupsPerFlex = sb.incompatible & Features.flexibleBlockGroups != 0 ? UInt32(min(sb.logGroupsPerFlex, 31)) : 0
    }

    /// Whether group descriptors carry checksums that must be kept up to date.
    var hasGroupChecksums: Bool { metadataChecksum || groupDescriptorChecksum }

    /// The block holding the primary superblock.
    var superblockBlock: UInt64 { blockSize == 1024 ? 1 : 0 }
    /// Byte offset of the superblock within that block.
    var superblockOffset: Int { blockSize == 1024 ? 0 : Superblock.offset }

    func groupStart(_ group: UInt32) -> UInt64 { firstDataBlock &+ UInt64(group) &* UInt64(blocksPerGroup) }

    /// Blocks in `group`: `blocksPerGroup`, fewer in the last group.
    func blocksInGroup(_ group: UInt32) -> UInt32 {
        let start = groupStart(group)
        return UInt32(min(UInt64(blocksPerGroup), blocksCount &- start))
    }

    func group(ofBlock block: UInt64) -> UInt32 { UInt32((block &- firstDataBlock) / UInt64(blocksPerGroup)) }

    /// Whether `inode` numbers an inode of this volume.
    func isValidInode(_ inode: UInt32) -> Bool { inode >= 1 && inode <= inodesCount }

    /// Whether the group holds a superblock backup (and, in the classic layout, descriptors).
    func hasSuperblock(_ group: UInt32) -> Bool {
        if group == 0 { return true }
        if let (first, second) = sparseSuper2Groups { return group == first || group == second }
        if !sparseSuper || group == 1 { return true }
        guard group & 1 == 1 else { return false }
        return isPower(group, of: 3) || isPower(group, of: 5) || isPower(group, of: 7)
    }

    private func isPower(_ value: UInt32, of base: UInt32) -> Bool {
        var n = value
        while n % base == 0 { n /= base }
        return n == 1
    }

    /// Where the descriptor of `group` is: the block and the byte offset in it.
    func descriptorLocation(_ group: UInt32) -> (block: UInt64, offset: Int) {
        let index = UInt64(group) / UInt64(descriptorsPerBlock)
        let offset = Int(UInt64(group) % UInt64(descriptorsPerBlock)) &* descriptorSize
        if !metaBlockGroups || index < firstMetaBlockGroup {
            return (superblockBlock &+ 1 &+ index, offset)
        }
        let first = UInt32(index &* UInt64(descriptorsPerBlock))
        return (groupStart(first) &+ (hasSuperblock(first) ? 1 : 0), offset)
    }

    /// The runs of blocks at the start of `group` that hold the superblock backup, descriptors
    /// and reserved descriptor blocks (what an uninitialised block bitmap implies beyond the
    /// bitmaps and inode tables).
    func superblockAndDescriptorBlocks(_ group: UInt32) -> [(start: UInt64, count: UInt64)] {
        var runs: [(start: UInt64, count: UInt64)] = []
        let start = groupStart(group)
        let hasSuper = hasSuperblock(group)
        if hasSuper {
            var count: UInt64 = 1
            if !metaBlockGroups {
                count &+= descriptorBlocks &+ reservedDescriptorBlocks
            } else {
                count &+= firstMetaBlockGroup
            }
            runs.append((start, count))
        }
        if metaBlockGroups {
            let perMeta = UInt32(descriptorsPerBlock)
            let metaIndex = group / perMeta
            if UInt64(metaIndex) >= firstMetaBlockGroup {
                let first = metaIndex &* perMeta
                let offsetInMeta = group &- first
                let lastInMeta = min(first &+ perMeta, groupCount) &- 1
                if offsetInMeta == 0 || offsetInMeta == 1 || group == lastInMeta {
                    runs.append((start &+ (hasSuper ? 1 : 0), 1))
                }
            }
        }
        return runs
    }

    /// The byte offset of `inode` in its group's inode table and the table's group.
    func inodeLocation(_ inode: UInt32) -> (group: UInt32, index: UInt32) {
        let zeroBased = inode &- 1
        return (zeroBased / inodesPerGroup, zeroBased % inodesPerGroup)
    }

    /// The flex group `group` belongs to (allocation spreads directories across flex groups).
    func flexGroup(_ group: UInt32) -> UInt32 { group >> logGroupsPerFlex }
}
