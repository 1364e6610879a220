/// One block group's descriptor: where its bitmaps and inode table are, its free counts, its
/// lazy-initialisation flags and the checksums of its bitmaps.
///
/// Raw bytes (32, or 64+ on 64-bit volumes) with accessors that join the `_lo`/`_hi` halves,
/// so unknown fields survive rewrites.
struct GroupDescriptor {
    /// `bg_flags`: the inode bitmap and table were never initialised (all inodes free).
    static let inodeUninitialized: UInt16 = 0x1
    /// The block bitmap was never written; it is implied by the group's metadata layout.
    static let blockUninitialized: UInt16 = 0x2
    /// The inode table is known to be zeroed.
    static let inodeTableZeroed: UInt16 = 0x4

    var raw: [UInt8]

    private var wide: Bool { raw.count >= 64 }

    private func joined(_ low: Int, _ high: Int) -> UInt64 {
        UInt64(raw.le32(low)) | (wide ? UInt64(raw.le32(high)) << 32 : 0)
    }

    private func joined16(_ low: Int, _ high: Int) -> UInt32 {
        UInt32(raw.le16(low)) | (wide ? UInt32(raw.le16(high)) << 16 : 0)
    }

    private mutating func split16(_ low: Int, _ high: Int, _ value: UInt32) {
        raw.setLE16(low, UInt16(truncatingIfNeeded: value))
        if wide { raw.setLE16(high, UInt16(truncatingIfNeeded: value >> 16)) }
    }

    var blockBitmap: UInt64 { joined(0x0, 0x20) }
    var inodeBitmap: UInt64 { joined(0x4, 0x24) }
    var inodeTable: UInt64 { joined(0x8, 0x28) }
    var freeBlocks: UInt32 {
        get { joined16(0xC, 0x2C) }
        set { split16(0xC, 0x2C, newValue) }
    }
    var freeInodes: UInt32 {
        get { joined16(0xE, 0x2E) }
        set { split16(0xE, 0x2E, newValue) }
    }
    var usedDirectories: UInt32 {
        get { joined16(0x10, 0x30) }
        set { split16(0x10, 0x30, newValue) }
    }
    var flags: UInt16 {
        get { raw.le16(0x12) }
        set { raw.setLE16(0x12, newValue) }
    }
    /// Inodes at the end of the table that were never used (`bg_itable_unused`).
    var unusedInodes: UInt32 {
        get { joined16(0x1C, 0x32) }
        set { split16(0x1C, 0x32, newValue) }
    }
    var checksum: UInt16 {
        get { raw.le16(0x1E) }
        set { raw.setLE16(0x1E, newValue) }
    }

    func has(_ flag: UInt16) -> Bool { flags & flag != 0 }

    /// Stores the CRC-32C of the block bitmap (the high half only where the descriptor has room).
    mutating func setBlockBitmapChecksum(_ value: UInt32) {
        raw.setLE16(0x18, UInt16(truncatingIfNeeded: value))
        if raw.count >= 0x3C { raw.setLE16(0x38, UInt16(truncatingIfNeeded: value >> 16)) }
    }

    mutating func setInodeBitmapChecksum(_ value: UInt32) {
        raw.setLE16(0x1A, UInt16(truncatingIfNeeded: value))
        if raw.count >= 0x3C { raw.setLE16(0x3A, UInt16(truncatingIfNeeded: value >> 16)) }
    }

    var blockBitmapChecksum: UInt32 {
        UInt32(raw.le16(0x18)) | (raw.count >= 0x3C ? UInt32(raw.le16(0x38)) << 16 : 0)
    }

    var inodeBitmapChecksum: UInt32 {
        UInt32(raw.le16(0x1A)) | (raw.count >= 0x3C ? UInt32(raw.le16(0x3A)) << 16 : 0)
    }

    /// The descriptor checksum for group `group`: CRC-32C low half under metadata_csum, CRC-16
    /// under gdt_csum.
    func computedChecksum(group: UInt32, layout: Layout) -> UInt16 {
        if layout.metadataChecksum {
            var crc = CRC32C.update(layout.checksumSeed, littleEndian: group)
            crc = CRC32C.update(crc, raw, from: 0, count: 0x1E)
            crc = CRC32C.update(crc, [0, 0])
            if raw.count > 0x20 { crc = CRC32C.update(crc, raw, from: 0x20, count: raw.count &- 0x20) }
            return UInt16(truncatingIfNeeded: crc)
        }
        var crc = CRC16.update(0xFFFF, layout.uuid)
        var groupBytes = [UInt8](repeating: 0, count: 4)
        groupBytes.setLE32(0, group)
        crc = CRC16.update(crc, groupBytes)
        crc = CRC16.update(crc, raw, from: 0, count: 0x1E)
        if raw.count > 0x20 { crc = CRC16.update(crc, raw, from: 0x20, count: raw.count &- 0x20) }
        return crc
    }
}
