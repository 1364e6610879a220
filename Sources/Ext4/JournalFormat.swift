/// The jbd2 on-disk format: block headers, descriptor tags, revoke records, commit blocks.
///
/// jbd2 is big-endian throughout. Every log block starts with a 12-byte header (magic, block
/// type, transaction sequence). A transaction is one or more descriptor blocks, each followed by
/// the copies of the metadata blocks its tags name, any revoke blocks, and a commit block; it
/// counts only once its commit block is on disk.
enum JournalFormat {
    static let magic: UInt32 = 0xC03B_3998

    // Block types.
    static let descriptorBlock: UInt32 = 1
    static let commitBlock: UInt32 = 2
    static let superblockV1: UInt32 = 3
    static let superblockV2: UInt32 = 4
    static let revokeBlock: UInt32 = 5

    // Tag flags.
    /// The block's first four bytes were the journal magic and are stored as zeros.
    static let tagEscaped: UInt32 = 1
    /// The UUID is the previous tag's (omitted after this tag).
    static let tagSameUUID: UInt32 = 2
    static let tagLast: UInt32 = 8

    // Feature flags.
    static let compatChecksum: UInt32 = 0x1
    static let incompatRevoke: UInt32 = 0x1
    static let incompat64Bit: UInt32 = 0x2
    static let incompatAsyncCommit: UInt32 = 0x4
    static let incompatChecksumV2: UInt32 = 0x8
    static let incompatChecksumV3: UInt32 = 0x10
    static let incompatFastCommit: UInt32 = 0x20
    /// Fast commits are accepted but not replayed: the log proper ends before the fast-commit
    /// area, and recovery restores the last full commit (a consistent state, just older).
    static let supportedIncompat: UInt32 =
        incompatRevoke | incompat64Bit | incompatAsyncCommit | incompatChecksumV2 | incompatChecksumV3
        | incompatFastCommit
    /// Fast-commit blocks when the superblock does not say (`JBD2_DEFAULT_FAST_COMMIT_BLOCKS`).
    static let defaultFastCommitBlocks: UInt32 = 256

    static let headerSize = 12

    static func header(_ bytes: [UInt8]) -> (magic: UInt32, type: UInt32, sequence: UInt32) {
        (bytes.be32(0), bytes.be32(4), bytes.be32(8))
    }

    static func setHeader(_ bytes: inout [UInt8], type: UInt32, sequence: UInt32) {
        bytes.setBE32(0, magic)
        bytes.setBE32(4, type)
        bytes.setBE32(8, sequence)
    }
}

/// The journal's own superblock (block 0 of the journal).
struct JournalSuperblock {
    var raw: [UInt8]

    var blockType: UInt32 { raw.be32(4) }
    var blockSize: UInt32 { raw.be32(0xC) }
    /// Blocks in the journal.
    var maxLength: UInt32 { raw.be32(0x10) }
    /// The first block of the log proper.
    var first: UInt32 { raw.be32(0x14) }
    /// The sequence of the first transaction expected in the log.
    var sequence: UInt32 {
        get { raw.be32(0x18) }
        set { raw.setBE32(0x18, newValue) }
    }
    /// The log block where that transaction starts; 0 means the log is empty.
    var start: UInt32 {
        get { raw.be32(0x1C) }
        set { raw.setBE32(0x1C, newValue) }
    }
    var errno: Int32 { Int32(bitPattern: raw.be32(0x20)) }
    var compatible: UInt32 {
        get { blockType == JournalFormat.superblockV2 ? raw.be32(0x24) : 0 }
        set { raw.setBE32(0x24, newValue) }
    }
    var incompatible: UInt32 {
        get { blockType == JournalFormat.superblockV2 ? raw.be32(0x28) : 0 }
        set { raw.setBE32(0x28, newValue) }
    }
    var readOnlyCompatible: UInt32 { blockType == JournalFormat.superblockV2 ? raw.be32(0x2C) : 0 }
    var uuid: [UInt8] { Array(raw[0x30..<0x40]) }
    var checksumType: UInt8 {
        get { raw[0x50] }
        set { raw[0x50] = newValue }
    }
    /// Blocks at the end of the journal reserved for fast commits (`s_num_fc_blks`), when
    /// the journal has the feature.
    var fastCommitBlocks: UInt32 {
        guard incompatible & JournalFormat.incompatFastCommit != 0 else { return 0 }
        let count = raw.be32(0x54)
        return count == 0 ? JournalFormat.defaultFastCommitBlocks : count
    }
    /// One past the last block of the log proper (jbd2's `j_last + 1`).
    var logEnd: UInt32 { maxLength >= fastCommitBlocks ? maxLength &- fastCommitBlocks : 0 }
    var checksum: UInt32 {
        get { raw.be32(0xFC) }
        set { raw.setBE32(0xFC, newValue) }
    }

    var hasChecksumV2orV3: Bool {
        incompatible & (JournalFormat.incompatChecksumV2 | JournalFormat.incompatChecksumV3) != 0
    }

    func computedChecksum() -> UInt32 {
        CRC32C.excluding(field: 0xFC, seed: ~0, raw, count: 1024)
    }

    mutating func updateChecksum() {
        if hasChecksumV2orV3 { checksum = computedChecksum() }
    }
}
