import LinuxABI

/// `struct linux_dirent64` records for getdents64:
///
///     u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]  (NUL-terminated)
///
/// each padded with zeros to a multiple of 8 bytes, `d_off` being the cookie that resumes
/// after the entry.
public enum Dirent64 {
    /// Offset of `d_name` in a record.
    public static let nameOffset = 19

    /// The length of the record for a name of `nameLength` bytes.
    public static func recordLength(nameLength: Int) -> Int {
        (nameOffset + nameLength + 1 + 7) & ~7
    }

    /// Fills `buffer` with the entries of `directory` from `cookie` on. Returns the bytes
    /// used and the cookie to resume from: `(0, cookie)` at the end of the directory. EINVAL
    /// when the first entry does not fit.
    ///
    /// The directory may hold its lock while this writes into `buffer`, so the buffer must be
    /// kernel memory that cannot fault.
    public static func fill(
        from directory: VNode, cookie: UInt64, into buffer: UnsafeMutableRawBufferPointer
    ) throws(Errno) -> (bytes: Int, nextCookie: UInt64) {
        var used = 0
        var next = cookie
        var tooSmall = false
        try directory.readDirectory(from: cookie) { item in
            let length = recordLength(nameLength: item.name.count)
            guard length <= buffer.count - used else {
                tooSmall = used == 0
                return false
            }
            let record = UnsafeMutableRawBufferPointer(rebasing: buffer[used..<(used + length)])
            store(item.inode, in: record, at: 0)
            store(UInt64(clamping: Int64(clamping: item.nextCookie)), in: record, at: 8)
            store(UInt16(truncatingIfNeeded: length), in: record, at: 16)
            record[18] = item.type.directoryEntryType
            for index in 0..<item.name.count { record[nameOffset + index] = item.name[index] }
            for index in (nameOffset + item.name.count)..<length { record[index] = 0 }
            used += length
            next = item.nextCookie
            return true
        }
        if tooSmall { throw .EINVAL }
        return (used, next)
    }

    /// Stores `value` little-endian byte by byte (records are only 8-byte aligned relative to
    /// the buffer, which itself may be unaligned).
    private static func store<T: FixedWidthInteger>(
        _ value: T, in record: UnsafeMutableRawBufferPointer, at offset: Int
    ) {
        var remaining = value
        for index in 0..<(T.bitWidth / 8) {
            record[offset + index] = UInt8(truncatingIfNeeded: remaining)
            remaining >>= 8
        }
    }
}
