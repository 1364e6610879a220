import LinuxABI

/// An on-disk inode: `s_inode_size` raw bytes with typed accessors.
///
/// Raw so that what this module does not interpret — inline extended attributes after
/// `i_extra_isize`, project ids, version counters — is written back unchanged. The 60-byte
/// `i_block` area holds the extent root, the legacy block map, a fast symlink's target or a
/// device number, depending on the inode.
struct Inode {
    // i_flags bits.
    static let immutableFlag: UInt32 = 0x10
    static let appendFlag: UInt32 = 0x20
    static let indexFlag: UInt32 = 0x1000
    static let hugeFileFlag: UInt32 = 0x40000
    static let extentsFlag: UInt32 = 0x80000
    static let extendedAttributeInodeFlag: UInt32 = 0x200000
    static let inlineDataFlag: UInt32 = 0x1000_0000
    static let encryptedFlag: UInt32 = 0x800
    static let caseFoldFlag: UInt32 = 0x4000_0000
    static let verityFlag: UInt32 = 0x100000

    static let blockAreaOffset = 0x28
    static let blockAreaSize = 60

    var raw: [UInt8]

    init(raw: [UInt8]) { self.raw = raw }

    var mode: UInt16 {
        get { raw.le16(0x0) }
        set { raw.setLE16(0x0, newValue) }
    }
    var fileType: Ext4FileType? { Ext4FileType(mode: mode) }
    var permissions: UInt16 { mode & 0o7777 }

    var uid: UInt32 {
        get { UInt32(raw.le16(0x2)) | UInt32(raw.le16(0x78)) << 16 }
        set {
            raw.setLE16(0x2, UInt16(truncatingIfNeeded: newValue))
            raw.setLE16(0x78, UInt16(truncatingIfNeeded: newValue >> 16))
        }
    }
    var gid: UInt32 {
        get { UInt32(raw.le16(0x18)) | UInt32(raw.le16(0x7A)) << 16 }
        set {
            raw.setLE16(0x18, UInt16(truncatingIfNeeded: newValue))
            raw.setLE16(0x7A, UInt16(truncatingIfNeeded: newValue >> 16))
        }
    }
    var size: UInt64 {
        get { UInt64(raw.le32(0x4)) | UInt64(raw.le32(0x6C)) << 32 }
        set {
            raw.setLE32(0x4, UInt32(truncatingIfNeeded: newValue))
            raw.setLE32(0x6C, UInt32(truncatingIfNeeded: newValue >> 32))
        }
    }
    var deletionTime: UInt32 {
        get { raw.le32(0x14) }
        set { raw.setLE32(0x14, newValue) }
    }
    var linksCount: UInt16 {
        get { raw.le16(0x1A) }
        set { raw.setLE16(0x1A, newValue) }
    }
    var flags: UInt32 {
        get { raw.le32(0x20) }
        set { raw.setLE32(0x20, newValue) }
    }
    var generation: UInt32 {
        get { raw.le32(0x64) }
        set { raw.setLE32(0x64, newValue) }
    }
    /// The extended-attribute block, 0 when none.
    var fileACL: UInt64 {
        get { UInt64(raw.le32(0x68)) | UInt64(raw.le16(0x76)) << 32 }
        set {
            raw.setLE32(0x68, UInt32(truncatingIfNeeded: newValue))
            raw.setLE16(0x76, UInt16(truncatingIfNeeded: newValue >> 32))
        }
    }
    /// Bytes of the extra fields beyond the classic 128 (0 for 128-byte inodes).
    var extraSize: UInt16 {
        get { raw.count > 128 ? raw.le16(0x80) : 0 }
        set { if raw.count > 128 { raw.setLE16(0x80, newValue) } }
    }

    var hasExtents: Bool { flags & Self.extentsFlag != 0 }
    var isIndexed: Bool { flags & Self.indexFlag != 0 }
    var hasInlineData: Bool { flags & Self.inlineDataFlag != 0 }

    /// Whether the extra area reaches `offset + width` (the field is present).
    func fits(_ offset: Int, _ width: Int) -> Bool {
        raw.count > 128 && offset &+ width <= 128 &+ Int(extraSize)
    }

    // MARK: Block count

    /// Storage the inode holds, in 512-byte sectors (`i_blocks` as stat reports it).
    func sectors(blockSize: Int) -> UInt64 {
        let count = UInt64(raw.le32(0x1C)) | UInt64(raw.le16(0x74)) << 32
        if flags & Self.hugeFileFlag != 0 { return count &* UInt64(blockSize / 512) }
        return count
    }

    /// Sets `i_blocks` from a count of 512-byte sectors.
    mutating func setSectors(_ sectors: UInt64) {
        flags &= ~Self.hugeFileFlag
        raw.setLE32(0x1C, UInt32(truncatingIfNeeded: sectors))
        raw.setLE16(0x74, UInt16(truncatingIfNeeded: sectors >> 32))
    }

    // MARK: Timestamps

    private func time(_ offset: Int, extra: Int) -> Timespec {
        var seconds = Int64(Int32(bitPattern: raw.le32(offset)))
        var nanoseconds: Int64 = 0
        if fits(extra, 4) {
            let value = raw.le32(extra)
            seconds &+= Int64(value & 3) << 32
            nanoseconds = Int64(min(value >> 2, 999_999_999))
        }
        return Timespec(seconds: seconds, nanoseconds: nanoseconds)
    }

    private mutating func setTime(_ offset: Int, extra: Int, _ time: Timespec) {
        raw.setLE32(offset, UInt32(truncatingIfNeeded: time.seconds))
        if fits(extra, 4) {
            let epoch = UInt32(truncatingIfNeeded: (time.seconds &- Int64(Int32(truncatingIfNeeded: time.seconds))) >> 32) & 3
            let nanoseconds = UInt32(clamping: max(0, min(time.nanoseconds, 999_999_999)))
            raw.setLE32(extra, epoch | nanoseconds << 2)
        }
    }

    var accessTime: Timespec {
        get { time(0x8, extra: 0x8C) }
        set { setTime(0x8, extra: 0x8C, newValue) }
    }
    var changeTime: Timespec {
        get { time(0xC, extra: 0x84) }
        set { setTime(0xC, extra: 0x84, newValue) }
    }
    var modificationTime: Timespec {
        get { time(0x10, extra: 0x88) }
        set { setTime(0x10, extra: 0x88, newValue) }
    }
    /// Creation time, when the inode has room for it.
    var creationTime: Timespec? {
        get { fits(0x90, 4) ? time(0x90, extra: 0x94) : nil }
        set { if let newValue, fits(0x90, 4) { setTime(0x90, extra: 0x94, newValue) } }
    }

    // MARK: Device numbers

    var device: Ext4DeviceNumber {
        get {
            let old = raw.le32(Self.blockAreaOffset)
            if old != 0 { return Ext4DeviceNumber(major: (old >> 8) & 0xFF, minor: old & 0xFF) }
            let new = raw.le32(Self.blockAreaOffset &+ 4)
            return Ext4DeviceNumber(major: (new & 0xFFF00) >> 8, minor: (new & 0xFF) | ((new >> 12) & 0xFFF00))
        }
        set {
            raw.zero(from: Self.blockAreaOffset, count: Self.blockAreaSize)
            if newValue.major < 256 && newValue.minor < 256 {
                raw.setLE32(Self.blockAreaOffset, newValue.major << 8 | newValue.minor)
            } else {
                let encoded = (newValue.minor & 0xFF) | (newValue.major << 8) | ((newValue.minor & ~0xFF) << 12)
                raw.setLE32(Self.blockAreaOffset &+ 4, encoded)
            }
        }
    }

    // MARK: Checksums

    /// The per-inode checksum seed: extent blocks and directory blocks chain from it too.
    static func checksumSeed(layout: Layout, inode: UInt32, generation: UInt32) -> UInt32 {
        CRC32C.update(CRC32C.update(layout.checksumSeed, littleEndian: inode), littleEndian: generation)
    }

    func computedChecksum(layout: Layout, number: UInt32) -> UInt32 {
        let seed = Self.checksumSeed(layout: layout, inode: number, generation: generation)
        var crc = CRC32C.update(seed, raw, from: 0, count: 0x7C)
        crc = CRC32C.update(crc, [0, 0])
        crc = CRC32C.update(crc, raw, from: 0x7E, count: 128 &- 0x7E)
        if raw.count > 128 {
            crc = CRC32C.update(crc, raw, from: 128, count: 2)
            var offset = 0x82
            if fits(0x82, 2) {
                crc = CRC32C.update(crc, [0, 0])
                offset = 0x84
            }
            crc = CRC32C.update(crc, raw, from: offset, count: raw.count &- offset)
        }
        return crc
    }

    func checksumMatches(layout: Layout, number: UInt32) -> Bool {
        let computed = computedChecksum(layout: layout, number: number)
        var stored = UInt32(raw.le16(0x7C))
        var mask: UInt32 = 0xFFFF
        if fits(0x82, 2) {
            stored |= UInt32(raw.le16(0x82)) << 16
            mask = 0xFFFF_FFFF
        }
        return computed & mask == stored
    }

    mutating func updateChecksum(layout: Layout, number: UInt32) {
        guard layout.metadataChecksum else { return }
        let computed = computedChecksum(layout: layout, number: number)
        raw.setLE16(0x7C, UInt16(truncatingIfNeeded: computed))
        if fits(0x82, 2) { raw.setLE16(0x82, UInt16(truncatingIfNeeded: computed >> 16)) }
    }
}
