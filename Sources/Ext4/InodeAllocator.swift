/// Inode allocation and the inode table.
///
/// New directories go to the group with the most free inodes among those with at least
/// average free blocks (spreading the tree, roughly Linux's Orlov policy without its
/// heuristics); other inodes go to their directory's group, or the next group with room. A
/// group never used before (INODE_UNINIT) gets its bitmap written on first use, and
/// `bg_itable_unused` shrinks to cover the highest inode handed out, as e2fsck expects.
extension Ext4FileSystem {
    /// Reads inode `number` and checks its checksum and extra-field size.
    func readInode(_ number: UInt32) throws(Ext4Error) -> Inode {
        guard layout.isValidInode(number) else { throw .corrupt("ext4: inode number \(number) out of range") }
        let (block, offset) = inodeBlock(number)
        let data = try metadata(block)
        let inode = Inode(raw: Array(data[offset..<(offset &+ layout.inodeSize)]))
        if layout.inodeSize > 128 {
            let extra = Int(inode.extraSize)
            guard extra <= layout.inodeSize &- 128, extra & 3 == 0 else {
                throw .corrupt("ext4: inode \(number) extra size \(extra)")
            }
        }
        if layout.metadataChecksum && !inode.checksumMatches(layout: layout, number: number) {
            throw .badChecksum("ext4: inode \(number) checksum mismatch")
        }
        return inode
    }

    func handle(_ number: UInt32) throws(Ext4Error) -> InodeHandle {
        InodeHandle(number: number, inode: try readInode(number), layout: layout)
    }

    /// Writes an inode back (with a fresh checksum) into its inode table block.
    func writeInode(_ handle: InodeHandle) throws(Ext4Error) {
        var inode = handle.inode
        inode.updateChecksum(layout: layout, number: handle.number)
        let (block, offset) = inodeBlock(handle.number)
        var data = try metadata(block)
        data.copy(from: inode.raw, at: 0, to: offset, count: layout.inodeSize)
        setMetadata(block, data)
    }

    private func inodeBlock(_ number: UInt32) -> (block: UInt64, offset: Int) {
        let (group, index) = layout.inodeLocation(number)
        let byte = UInt64(index) &* UInt64(layout.inodeSize)
        let block = groups[Int(group)].inodeTable &+ byte / UInt64(layout.blockSize)
        return (block, Int(byte % UInt64(layout.blockSize)))
    }

    /// The inode bitmap of `group`, all clear (but the padding) for an uninitialised group.
    private func inodeBitmap(_ group: UInt32) throws(Ext4Error) -> [UInt8] {
        let descriptor = groups[Int(group)]
        if descriptor.has(GroupDescriptor.inodeUninitialized) {
            var bitmap = [UInt8](repeating: 0, count: layout.blockSize)
            Bitmap.setRange(&bitmap, from: Int(layout.inodesPerGroup), to: layout.blockSize &* 8)
            return bitmap
        }
        return try metadata(descriptor.inodeBitmap, kind: .inodeBitmap(group: group))
    }

    /// Picks a group and allocates an inode in it; the caller fills the inode.
    func allocateInode(directory: Bool, near parent: UInt32) throws(Ext4Error) -> UInt32 {
        guard superblock.freeInodesCount > 0 else { throw .noSpace }
        let count = layout.groupCount
        let parentGroup = layout.isValidInode(parent) ? layout.inodeLocation(parent).group : 0
        var order: [UInt32] = []
        if directory {
            let averageBlocks = availableBlocks / UInt64(count)
            var best: UInt32? = nil
            var step: UInt32 = 0
            while step < count {
                let group = (nextInodeGroup &+ step) % count
                let descriptor = groups[Int(group)]
                if descriptor.freeInodes > 0 && UInt64(descriptor.freeBlocks) >= averageBlocks {
                    if best == nil || descriptor.freeInodes > groups[Int(best!)].freeInodes { best = group }
                }
                step &+= 1
            }
            if let best {
                order.append(best)
                nextInodeGroup = (best &+ 1) % count
            }
        }
        var step: UInt32 = 0
        while step < count {
            order.append((parentGroup &+ step) % count)
            step &+= 1
        }
        for group in order where groups[Int(group)].freeInodes > 0 {
            if let number = try allocateInode(in: group, directory: directory) { return number }
        }
        throw .noSpace
    }

    private func allocateInode(in group: UInt32, directory: Bool) throws(Ext4Error) -> UInt32? {
        var bitmap = try inodeBitmap(group)
        let first = group == 0 ? Int(layout.firstInode) &- 1 : 0
        guard let bit = Bitmap.firstClear(bitmap, from: first, to: Int(layout.inodesPerGroup)) else { return nil }
        var descriptor = groups[Int(group)]
        if descriptor.has(GroupDescriptor.blockUninitialized) && layout.hasGroupChecksums {
            // Linux writes the block bitmap whenever a group gets its first inode.
            let blocks = impliedBlockBitmap(group)
            setMetadata(descriptor.blockBitmap, blocks)
            descriptor.flags &= ~GroupDescriptor.blockUninitialized
            markGroupChanged(group, Self.blockBitmapChanged)
        }
        Bitmap.set(&bitmap, bit)
        descriptor.flags &= ~GroupDescriptor.inodeUninitialized
        descriptor.freeInodes = descriptor.freeInodes > 0 ? descriptor.freeInodes &- 1 : 0
        if directory { descriptor.usedDirectories &+= 1 }
        if layout.hasGroupChecksums {
            let used = layout.inodesPerGroup &- descriptor.unusedInodes
            if UInt32(bit) >= used { descriptor.unusedInodes = layout.inodesPerGroup &- UInt32(bit) &- 1 }
        }
        groups[Int(group)] = descriptor
        setMetadata(descriptor.inodeBitmap, bitmap)
        markGroupChanged(group, Self.inodeBitmapChanged)
        superblock.freeInodesCount = superblock.freeInodesCount &- 1
        markSuperblockChanged()
        return group &* layout.inodesPerGroup &+ UInt32(bit) &+ 1
    }

    /// Returns inode `number` to its group (its blocks must already be freed).
    func freeInode(_ number: UInt32, directory: Bool) throws(Ext4Error) {
        let (group, index) = layout.inodeLocation(number)
        var descriptor = groups[Int(group)]
        guard !descriptor.has(GroupDescriptor.inodeUninitialized) else {
            throw .corrupt("ext4: freeing inode \(number) of an uninitialised group")
        }
        var bitmap = try metadata(descriptor.inodeBitmap, kind: .inodeBitmap(group: group))
        guard Bitmap.test(bitmap, Int(index)) else { throw .corrupt("ext4: freeing free inode \(number)") }
        Bitmap.clear(&bitmap, Int(index))
        descriptor.freeInodes &+= 1
        if directory && descriptor.usedDirectories > 0 { descriptor.usedDirectories &-= 1 }
        groups[Int(group)] = descriptor
        setMetadata(descriptor.inodeBitmap, bitmap)
        markGroupChanged(group, Self.inodeBitmapChanged)
        superblock.freeInodesCount = superblock.freeInodesCount &+ 1
        markSuperblockChanged()
    }
}
