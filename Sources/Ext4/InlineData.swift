/// Inline data (the `inline_data` feature): a small file's or directory's contents kept in the
/// inode itself instead of in blocks.
///
/// The first 60 bytes live in `i_block`; the rest is the value of the `system.data` extended
/// attribute in the inode's in-body attribute area (after `i_extra_isize`). An inline
/// directory starts with the parent's inode number (4 bytes, in place of `..`), followed by
/// ordinary directory records; it has no `.` entry. Read-only here: volumes with the feature
/// mount read-only (writing would mean moving data out of the inode as it grows).
enum InlineData {
    static let attributeMagic: UInt32 = 0xEA02_0000
    /// `system.` attributes have name index 7; the inline data one is named "data".
    static let systemIndex: UInt8 = 7
    static let name: [UInt8] = [0x64, 0x61, 0x74, 0x61]

    /// The inline bytes of `inode` (its size's worth at most): `i_block`, then the
    /// `system.data` value.
    static func contents(_ inode: Inode, number: UInt32) throws(Ext4Error) -> [UInt8] {
        var bytes = Array(inode.raw[Inode.blockAreaOffset..<(Inode.blockAreaOffset &+ Inode.blockAreaSize)])
        if let value = try attributeValue(inode, number: number) { bytes += value }
        return bytes
    }

    /// The `system.data` value from the in-inode attribute area, nil when absent.
    static func attributeValue(_ inode: Inode, number: UInt32) throws(Ext4Error) -> [UInt8]? {
        let raw = inode.raw
        guard raw.count > 128 else { return nil }
        let start = 128 &+ Int(inode.extraSize)
        guard start &+ 4 <= raw.count, raw.le32(start) == attributeMagic else { return nil }
        let entries = start &+ 4
        var offset = entries
        while offset &+ 16 <= raw.count {
            let nameLength = Int(raw[offset])
            let index = raw[offset &+ 1]
            if nameLength == 0 && index == 0 && raw.le16(offset &+ 2) == 0 { return nil }
            let valueOffset = Int(raw.le16(offset &+ 2))
            let valueInode = raw.le32(offset &+ 4)
            let valueSize = Int(raw.le32(offset &+ 8))
            let next = offset &+ ((16 &+ nameLength &+ 3) & ~3)
            guard next <= raw.count else { break }
            if index == systemIndex && nameLength == name.count
                && raw.bytesEqual(offset &+ 16, name, 0, count: name.count)
            {
                guard valueInode == 0, valueOffset &+ valueSize <= raw.count &- entries else {
                    throw .corrupt("ext4: inode \(number) inline data attribute out of bounds")
                }
                return Array(raw[(entries &+ valueOffset)..<(entries &+ valueOffset &+ valueSize)])
            }
            offset = next
        }
        return nil
    }

    /// An inline directory as one record chain (the bytes after the parent number) and its
    /// parent.
    static func directory(_ inode: Inode, number: UInt32) throws(Ext4Error) -> (parent: UInt32, records: [UInt8]) {
        let bytes = try contents(inode, number: number)
        let size = Int(min(inode.size, UInt64(bytes.count)))
        guard size >= 4 else { throw .corrupt("ext4: inline directory \(number) of \(size) bytes") }
        return (bytes.le32(0), Array(bytes[4..<size]))
    }
}
