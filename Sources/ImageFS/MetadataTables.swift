/// The metadata region held in memory, with typed access to its three tables.
///
/// Accessors do not check bounds themselves: `ImageReader` validates the whole region once at
/// open, after which every index and name reference the tables hand out is known to be inside.
struct MetadataTables {
    /// Image bytes `[0, metadataEnd)`, so table offsets from the superblock index it directly.
    let bytes: [UInt8]
    let inodeTableOffset: Int
    let inodeRecordSize: Int
    let inodeCount: Int
    let entryTableOffset: Int
    let entryRecordSize: Int
    let entryCount: Int
    let nameTableOffset: Int
    let nameTableSize: Int

    init(bytes: [UInt8], superblock: Superblock) {
        self.bytes = bytes
        inodeTableOffset = Int(superblock.inodeTableOffset)
        inodeRecordSize = Int(superblock.inodeRecordSize)
        inodeCount = Int(superblock.inodeCount)
        entryTableOffset = Int(superblock.entryTableOffset)
        entryRecordSize = Int(superblock.entryRecordSize)
        entryCount = Int(superblock.entryCount)
        nameTableOffset = Int(superblock.nameTableOffset)
        nameTableSize = Int(superblock.nameTableSize)
    }

    /// The record of the inode at zero-based `index` (< inodeCount).
    func inode(at index: Int) -> InodeRecord {
        bytes.withUnsafeBytes { InodeRecord(loading: $0, at: inodeTableOffset + index * inodeRecordSize) }
    }

    /// The record of directory entry `index` (< entryCount).
    func entry(at index: Int) -> EntryRecord {
        bytes.withUnsafeBytes { EntryRecord(loading: $0, at: entryTableOffset + index * entryRecordSize) }
    }

    /// Whether `[offset, offset + length)` lies inside the name table.
    func nameRangeIsValid(offset: UInt64, length: UInt64) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(length)
        return !overflow && end <= UInt64(nameTableSize)
    }

    /// Calls `body` with the name-table bytes at `[offset, offset + length)`, a validated range.
    func withNameBytes<R>(offset: Int, length: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { all in
            let start = nameTableOffset + offset
            return body(UnsafeRawBufferPointer(rebasing: all[start..<(start + length)]))
        }
    }

    func nameBytes(offset: Int, length: Int) -> [UInt8] {
        withNameBytes(offset: offset, length: length) { Array($0) }
    }

    /// The name of a directory entry.
    func name(of entry: EntryRecord) -> [UInt8] {
        nameBytes(offset: Int(entry.nameOffset), length: Int(entry.nameLength))
    }
}
