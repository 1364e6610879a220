/// Metadata blocks through the cache (verified on first read), and the group descriptors and
/// superblock as the running transaction changes them.
extension Ext4FileSystem {
    // MARK: Metadata blocks

    /// What a metadata block is, so its checksum can be checked when it is first read.
    enum BlockKind {
        case plain
        case extentNode(seed: UInt32)
        case blockBitmap(group: UInt32)
        case inodeBitmap(group: UInt32)
        /// A directory block: a leaf with a checksum tail, or an htree root or node with a
        /// dx tail, told apart by shape as Linux does.
        case directory(seed: UInt32)
    }

    /// A metadata block through the cache, verified on first read.
    func metadata(_ block: UInt64, kind: BlockKind = .plain) throws(Ext4Error) -> [UInt8] {
        if let cached = cache.lookup(block) {
            if cached.verified { return cached.data }
            try verify(cached.data, block: block, kind: kind)
            cache.markVerified(block)
            return cached.data
        }
        let data = try io.read(block)
        try verify(data, block: block, kind: kind)
        cache.insertClean(block, data)
        cache.markVerified(block)
        return data
    }

    private func verify(_ data: [UInt8], block: UInt64, kind: BlockKind) throws(Ext4Error) {
        guard layout.metadataChecksum else { return }
        switch kind {
        case .plain:
            return
        case .extentNode(let seed):
            try ExtentNode.verifyChecksum(data, seed: seed, block: block)
        case .directory(let seed):
            try verifyDirectoryChecksum(data, seed: seed, block: block)
        case .blockBitmap(let group):
            guard bitmapChecksumMatches(data, bits: layout.blocksPerGroup, stored: groups[Int(group)].blockBitmapChecksum) else {
                throw .badChecksum("ext4: group \(group) block bitmap checksum mismatch")
            }
        case .inodeBitmap(let group):
            guard bitmapChecksumMatches(data, bits: layout.inodesPerGroup, stored: groups[Int(group)].inodeBitmapChecksum) else {
                throw .badChecksum("ext4: group \(group) inode bitmap checksum mismatch")
            }
        }
    }

    /// A bitmap checksum covers the group's bits only; 32-byte descriptors keep its low half.
    private func bitmapChecksumMatches(_ data: [UInt8], bits: UInt32, stored: UInt32) -> Bool {
        let computed = CRC32C.update(layout.checksumSeed, data, from: 0, count: Int(bits / 8))
        let mask: UInt32 = layout.descriptorSize >= 0x3C ? 0xFFFF_FFFF : 0xFFFF
        return computed & mask == stored
    }

    /// Replaces a metadata block's contents in the running transaction.
    func setMetadata(_ block: UInt64, _ data: [UInt8]) {
        changedInOperation = true
        cache.update(block, data)
    }

    /// A metadata block freed by the running transaction: the space returns at commit, and a
    /// revoke record keeps replay from writing an old logged copy over the block's next use.
    func freeMetadataBlock(_ block: UInt64) {
        freeBlocks(block, count: 1)
    }

    // MARK: Group descriptors and superblock

    func markGroupChanged(_ group: UInt32, _ what: UInt8) {
        changedInOperation = true
        if groupChanged[Int(group)] == 0 { changedGroups.append(group) }
        groupChanged[Int(group)] |= what | Self.groupDescriptorChanged
    }

    func markSuperblockChanged() {
        changedInOperation = true
        superblockChanged = true
    }

    /// Writes changed descriptors (with fresh bitmap and descriptor checksums) into their
    /// descriptor blocks.
    func flushDescriptors() throws(Ext4Error) {
        for group in changedGroups {
            let what = groupChanged[Int(group)]
            var descriptor = groups[Int(group)]
            if layout.metadataChecksum {
                if what & Self.blockBitmapChanged != 0 && !descriptor.has(GroupDescriptor.blockUninitialized) {
                    let bitmap = try metadata(descriptor.blockBitmap)
                    descriptor.setBlockBitmapChecksum(
                        CRC32C.update(layout.checksumSeed, bitmap, from: 0, count: Int(layout.blocksPerGroup / 8)))
                }
                if what & Self.inodeBitmapChanged != 0 && !descriptor.has(GroupDescriptor.inodeUninitialized) {
                    let bitmap = try metadata(descriptor.inodeBitmap)
                    descriptor.setInodeBitmapChecksum(
                        CRC32C.update(layout.checksumSeed, bitmap, from: 0, count: Int(layout.inodesPerGroup / 8)))
                }
            }
            if layout.hasGroupChecksums {
                descriptor.checksum = descriptor.computedChecksum(group: group, layout: layout)
            }
            groups[Int(group)] = descriptor
            let location = layout.descriptorLocation(group)
            var block = try metadata(location.block)
            block.copy(from: descriptor.raw, at: 0, to: location.offset, count: layout.descriptorSize)
            cache.update(location.block, block)
            groupChanged[Int(group)] = 0
        }
        changedGroups.removeAll(keepingCapacity: true)
    }
}
