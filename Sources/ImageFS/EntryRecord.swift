/// One directory entry as stored: a fixed 16-byte record pointing at its name in the name table.
///
/// Fixed-size records (names kept apart) are what make binary search possible: entry `i` of a
/// directory is at a computable offset.
struct EntryRecord: Equatable {
    var inode: UInt32
    var nameOffset: UInt32
    var nameLength: UInt16
    /// The target's `d_type`, redundant with its inode's mode and checked against it.
    var type: UInt8

    init(inode: UInt32, nameOffset: UInt32, nameLength: UInt16, type: UInt8) {
        self.inode = inode
        self.nameOffset = nameOffset
        self.nameLength = nameLength
        self.type = type
    }

    /// Decodes the record at `offset`; the caller guarantees 16 bytes are there.
    init(loading bytes: UnsafeRawBufferPointer, at offset: Int) {
        inode = bytes.loadLittleEndian(at: offset, as: UInt32.self)
        nameOffset = bytes.loadLittleEndian(at: offset + 4, as: UInt32.self)
        nameLength = bytes.loadLittleEndian(at: offset + 8, as: UInt16.self)
        type = bytes[offset + 10]
    }

    func append(to writer: inout ByteWriter) {
        writer.append(inode)
        writer.append(nameOffset)
        writer.append(nameLength)
        writer.append(type)
        writer.append(UInt8(0))  // reserved
        writer.append(UInt32(0))  // reserved
    }
}
