extension ImageReader {
    /// The inode `name` names in `directory`, or nil when there is no such entry. `.` and `..`
    /// resolve to the directory and its parent (the root is its own parent). Binary search over
    /// the directory's sorted entries.
    public func lookup(_ name: [UInt8], in directory: InodeNumber) throws(ImageError) -> InodeNumber? {
        let record = try record(of: directory, as: .directory)
        let problem = NameRules.problem(with: name)
        if problem == .dotOrDotDot {
            return name.count == 1 ? directory : InodeNumber(record.parent)
        }
        if let problem {
            if problem == .tooLong { throw ImageError(.nameTooLong, "name of \(name.count) bytes is too long") }
            return nil
        }
        var low = Int(record.location)
        var high = low + Int(record.size)
        while low < high {
            let middle = low + (high - low) / 2
            let entry = tables.entry(at: middle)
            let order = name.withUnsafeBytes { wanted in
                tables.withNameBytes(offset: Int(entry.nameOffset), length: Int(entry.nameLength)) { stored in
                    NameRules.compare(stored, wanted)
                }
            }
            if order == 0 { return InodeNumber(entry.inode) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// The directory containing `directory` (the root's is the root).
    public func parent(of directory: InodeNumber) throws(ImageError) -> InodeNumber {
        InodeNumber(try record(of: directory, as: .directory).parent)
    }

    /// The entry of `directory` at `cursor`, or nil past the last one.
    ///
    /// Cursor 0 is `.`, 1 is `..`, and 2 + i the i-th stored entry in name order; each entry
    /// carries the cursor of the next. Cursors stay valid forever because the image never
    /// changes, so getdents64 can resume from any `d_off` it handed out (and lseek to it).
    public func directoryEntry(in directory: InodeNumber, at cursor: UInt64) throws(ImageError) -> DirectoryEntry? {
        let record = try record(of: directory, as: .directory)
        switch cursor {
        case 0:
            return DirectoryEntry(name: [NameRules.dot], inode: directory, type: .directory, nextCursor: 1)
        case 1:
            return DirectoryEntry(
                name: [NameRules.dot, NameRules.dot], inode: InodeNumber(record.parent), type: .directory,
                nextCursor: 2)
        default:
            let position = cursor - 2
            guard position < record.size else { return nil }
            let entry = tables.entry(at: Int(record.location + position))
            return DirectoryEntry(
                name: tables.name(of: entry),
                inode: InodeNumber(entry.inode),
                type: FileType(rawValue: entry.type) ?? .regular,
                nextCursor: cursor + 1)
        }
    }
}
