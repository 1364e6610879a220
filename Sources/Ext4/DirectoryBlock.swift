/// One entry of a directory block as parsed: where it is and what it says.
struct DirectoryRecord {
    var offset: Int
    var inode: UInt32
    var recordLength: Int
    var nameLength: Int
    var fileType: UInt8

    /// Bytes the entry needs (header and name, rounded to 4).
    var neededLength: Int { DirectoryBlock.length(forName: nameLength) }
    /// Bytes at the end of the record no entry uses.
    var slack: Int { inode == 0 ? recordLength : recordLength &- neededLength }
}

/// Linear directory blocks: a chain of `ext4_dir_entry_2` records that exactly covers the
/// block (less the 12-byte checksum tail under metadata_csum).
///
/// Each record is inode (4), record length (2), name length (1), file type (1), name, padded to
/// 4 bytes; a deleted entry is absorbed into its predecessor's record length, or keeps its
/// place with inode 0 when it is first in its block, so entries never move and byte offsets
/// serve as stable readdir positions.
enum DirectoryBlock {
    static let headerSize = 8
    static let tailSize = 12
    static let tailFileType: UInt8 = 0xDE

    static func length(forName count: Int) -> Int { (headerSize &+ count &+ 3) & ~3 }

    /// Record lengths are 16 bits; 64 KiB blocks store their full length as 0 or 65535.
    static func decodeLength(_ raw: UInt16, blockSize: Int) -> Int {
        if blockSize < 65536 { return Int(raw) }
        if raw == 65535 || raw == 0 { return blockSize }
        return Int(raw & 65532) | Int(raw & 3) << 16
    }

    static func encodeLength(_ length: Int, blockSize: Int) -> UInt16 {
        if blockSize < 65536 { return UInt16(length) }
        if length == blockSize { return 65535 }
        return UInt16(truncatingIfNeeded: (length & 65532) | (length >> 16) & 3)
    }

    /// Whether the block ends in a checksum tail record.
    static func hasTail(_ block: [UInt8]) -> Bool {
        let offset = block.count &- tailSize
        return block.le32(offset) == 0 && block.le16(offset &+ 4) == UInt16(tailSize) && block[offset &+ 6] == 0
            && block[offset &+ 7] == tailFileType
    }

    static func checksum(_ block: [UInt8], seed: UInt32) -> UInt32 {
        CRC32C.update(seed, block, from: 0, count: block.count &- tailSize)
    }

    static func setTail(_ block: inout [UInt8], seed: UInt32) {
        let offset = block.count &- tailSize
        block.zero(from: offset, count: tailSize)
        block.setLE16(offset &+ 4, UInt16(tailSize))
        block[offset &+ 7] = tailFileType
        block.setLE32(offset &+ 8, checksum(block, seed: seed))
    }

    /// Where the record chain ends: before the tail when the volume checksums directories.
    static func limit(_ block: [UInt8], checksums: Bool) -> Int {
        checksums ? block.count &- tailSize : block.count
    }

    /// Every record of a leaf block, checking that the chain is well formed.
    static func records(_ block: [UInt8], checksums: Bool, hasFileType: Bool) throws(Ext4Error) -> [DirectoryRecord] {
        let end = limit(block, checksums: checksums)
        var result: [DirectoryRecord] = []
        var offset = 0
        while offset < end {
            guard end &- offset >= headerSize else { throw .corrupt("ext4: directory entry header crosses the block end") }
            let length = decodeLength(block.le16(offset &+ 4), blockSize: block.count)
            let nameLength = hasFileType ? Int(block[offset &+ 6]) : Int(block.le16(offset &+ 6) & 0xFF)
            guard length >= headerSize, length & 3 == 0, length <= end &- offset, headerSize &+ nameLength <= length else {
                throw .corrupt("ext4: directory entry at \(offset): record length \(length), name length \(nameLength)")
            }
            let inode = block.le32(offset)
            result.append(
                DirectoryRecord(
                    offset: offset, inode: inode, recordLength: length, nameLength: nameLength,
                    fileType: hasFileType ? block[offset &+ 7] : 0))
            offset &+= length
        }
        return result
    }

    static func name(_ block: [UInt8], _ record: DirectoryRecord) -> [UInt8] {
        Array(block[(record.offset &+ headerSize)..<(record.offset &+ headerSize &+ record.nameLength)])
    }

    static func nameEquals(_ block: [UInt8], _ record: DirectoryRecord, _ name: [UInt8]) -> Bool {
        record.nameLength == name.count && block.bytesEqual(record.offset &+ headerSize, name, 0, count: name.count)
    }

    /// Writes a record at `offset`.
    static func write(
        _ block: inout [UInt8], at offset: Int, inode: UInt32, length recordLength: Int, name: [UInt8], fileType: UInt8
    ) {
        block.setLE32(offset, inode)
        block.setLE16(offset &+ 4, encodeLength(recordLength, blockSize: block.count))
        block[offset &+ 6] = UInt8(truncatingIfNeeded: name.count)
        block[offset &+ 7] = fileType
        block.copy(from: name, at: 0, to: offset &+ headerSize, count: name.count)
        let used = headerSize &+ name.count
        let padded = length(forName: name.count)
        if padded > used { block.zero(from: offset &+ used, count: padded &- used) }
    }

    static func setRecordLength(_ block: inout [UInt8], at offset: Int, _ length: Int) {
        block.setLE16(offset &+ 4, encodeLength(length, blockSize: block.count))
    }

    /// Puts an entry into a record's slack; returns false when it has too little.
    static func insert(
        _ block: inout [UInt8], into record: DirectoryRecord, inode: UInt32, name: [UInt8], fileType: UInt8
    ) -> Bool {
        let needed = length(forName: name.count)
        guard record.slack >= needed else { return false }
        if record.inode == 0 {
            write(&block, at: record.offset, inode: inode, length: record.recordLength, name: name, fileType: fileType)
        } else {
            let kept = record.neededLength
            setRecordLength(&block, at: record.offset, kept)
            write(&block, at: record.offset &+ kept, inode: inode, length: record.recordLength &- kept, name: name, fileType: fileType)
        }
        return true
    }

    /// An empty leaf block: one unused record spanning it, and the tail.
    static func empty(blockSize: Int, checksums: Bool, seed: UInt32) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        setRecordLength(&block, at: 0, limit(block, checksums: checksums))
        if checksums { setTail(&block, seed: seed) }
        return block
    }
}
