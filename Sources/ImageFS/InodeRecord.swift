/// One inode as stored: a fixed 48-byte record (longer in later minor versions; the extra bytes
/// are ignored).
///
/// `size` and `location` mean different things per type, like OSv's ROFS union: a file's byte
/// count and absolute image offset of its data; a directory's entry count and index of its first
/// entry; a symlink's target length and offset inside the name table.
struct InodeRecord: Equatable {
    var mode: UInt16
    var linkCount: UInt32
    var uid: UInt32
    var gid: UInt32
    var mtimeSeconds: Int64
    var mtimeNanoseconds: UInt32
    /// A directory's parent inode number (the root's is itself); zero for other types, whose
    /// hard links may sit in many directories.
    var parent: UInt32
    var size: UInt64
    var location: UInt64

    init(
        mode: UInt16, linkCount: UInt32, uid: UInt32, gid: UInt32, mtime: Timestamp,
        parent: UInt32, size: UInt64, location: UInt64
    ) {
        self.mode = mode
        self.linkCount = linkCount
        self.uid = uid
        self.gid = gid
        self.mtimeSeconds = mtime.seconds
        self.mtimeNanoseconds = mtime.nanoseconds
        self.parent = parent
        self.size = size
        self.location = location
    }

    /// Decodes the record at `offset`; the caller guarantees 48 bytes are there.
    init(loading bytes: UnsafeRawBufferPointer, at offset: Int) {
        mode = bytes.loadLittleEndian(at: offset, as: UInt16.self)
        linkCount = bytes.loadLittleEndian(at: offset + 4, as: UInt32.self)
        uid = bytes.loadLittleEndian(at: offset + 8, as: UInt32.self)
        gid = bytes.loadLittleEndian(at: offset + 12, as: UInt32.self)
        mtimeSeconds = bytes.loadLittleEndian(at: offset + 16, as: Int64.self)
        mtimeNanoseconds = bytes.loadLittleEndian(at: offset + 24, as: UInt32.self)
        parent = bytes.loadLittleEndian(at: offset + 28, as: UInt32.self)
        size = bytes.loadLittleEndian(at: offset + 32, as: UInt64.self)
        location = bytes.loadLittleEndian(at: offset + 40, as: UInt64.self)
    }

    func append(to writer: inout ByteWriter) {
        writer.append(mode)
        writer.append(UInt16(0))  // reserved
        writer.append(linkCount)
        writer.append(uid)
        writer.append(gid)
        writer.append(mtimeSeconds)
        writer.append(mtimeNanoseconds)
        writer.append(parent)
        writer.append(size)
        writer.append(location)
    }

    var type: FileType? { FileType(mode: UInt32(mode)) }
    var mtime: Timestamp { Timestamp(seconds: mtimeSeconds, nanoseconds: mtimeNanoseconds) }
}
