/// Constants of on-disk format version 1.x, shared by the reader and the builder.
///
/// `docs/image-format.md` is the normative description; the values here must match it.
public enum ImageFormat {
    /// "SKIFFIMG" read as a little-endian UInt64 from offset 0.
    public static let magic: UInt64 = 0x474D_4946_4649_4B53
    /// Readers reject any other major version: a major bump means old readers would misread.
    public static let majorVersion: UInt16 = 1
    /// Written by this builder. Readers accept any minor version: minor bumps only add things an
    /// older reader may ignore (compatible features, longer records, a longer superblock).
    public static let minorVersion: UInt16 = 0

    /// Bytes of the version-1.0 superblock; a later minor version may declare more.
    public static let superblockSize = 128
    /// Upper bound on a declared superblock size, so a reader never reads an unbounded header.
    public static let maxSuperblockSize = 4096
    /// Where the superblock's own CRC-32C sits.
    public static let superblockChecksumOffset = 124
    public static let inodeRecordSize = 48
    public static let entryRecordSize = 16
    /// Upper bound on declared record sizes (records may grow in later minor versions).
    public static let maxRecordSize = 1024

    /// log2 of the data page size this builder writes by default (4096 bytes).
    public static let defaultPageShift = 12
    /// Page sizes a reader accepts: 4 KiB through 64 KiB.
    public static let pageShiftRange: ClosedRange<Int> = 12...16
    /// Alignment this builder gives small (shorter than a page) files. Readers do not rely on it.
    public static let smallFileAlignment = 8

    public static let maxNameLength = 255
    /// Linux's PATH_MAX (4096) minus the terminating NUL.
    public static let maxSymlinkTargetLength = 4095
    public static let maxPathLength = 4095

    /// Compatible feature bits: a reader that does not know one may ignore it.
    public enum CompatibleFeature {
        /// The superblock's data checksum covers the whole data region.
        public static let dataChecksum: UInt32 = 1 << 0
    }

    /// Incompatible feature bits this reader understands (none in 1.0): any other bit set makes
    /// the image unsupported.
    public static let knownIncompatibleFeatures: UInt32 = 0
}
