/// The structural checks run on the metadata at open, after the checksums passed.
///
/// The checksums catch accidents; these rules catch images that were written wrong or crafted
/// with valid checksums. After `validate()` returns, every inode, entry and name reference is in
/// bounds, directories form a tree rooted at inode 1, every inode is reachable, and file data
/// ranges lie in the data region without overlapping. Each check is a bounded loop over the
/// tables, so a hostile image costs at most linear time.
struct ImageValidator {
    let tables: MetadataTables
    let superblock: Superblock

    func validate() throws(ImageError) {
        var extents: [DataExtent] = []
        var totalEntries: UInt64 = 0
        for index in 0..<tables.inodeCount {
            let record = tables.inode(at: index)
            let inode = InodeNumber(UInt32(index + 1))
            guard let type = record.type else {
                throw ImageError(.corrupt, "\(inode) has an invalid mode \(octal(record.mode))")
            }
            guard record.mtimeNanoseconds < 1_000_000_000 else {
                throw ImageError(.corrupt, "\(inode) has \(record.mtimeNanoseconds) nanoseconds")
            }
            switch type {
            case .regular:
                if let extent = try fileExtent(of: record, inode: inode) { extents.append(extent) }
            case .directory:
                try checkDirectoryRange(record, inode: inode)
                totalEntries += record.size
                guard totalEntries <= UInt64(tables.entryCount) else {
                    throw ImageError(.corrupt, "directories claim more entries than the \(tables.entryCount) stored")
                }
            case .symlink:
                try checkSymlink(record, inode: inode)
            }
        }
        guard totalEntries == UInt64(tables.entryCount) else {
            throw ImageError(.corrupt, "directories claim \(totalEntries) entries but \(tables.entryCount) are stored")
        }
        let root = tables.inode(at: 0)
        guard root.type == .directory, root.parent == InodeNumber.root.rawValue else {
            throw ImageError(.corrupt, "inode 1 is not a root directory")
        }
        try checkTree()
        try checkExtentsDisjoint(&extents)
    }

    // MARK: Per-inode checks

    /// A file's data range: inside the data region, page aligned (and padded) when at least a
    /// page long, within one page otherwise. Nil for an empty file, which has no data.
    private func fileExtent(of record: InodeRecord, inode: InodeNumber) throws(ImageError) -> DataExtent? {
        let offset = record.location
        let size = record.size
        if size == 0 {
            guard offset == 0 else { throw ImageError(.corrupt, "empty \(inode) has data offset \(offset)") }
            return nil
        }
        let (end, overflow) = offset.addingReportingOverflow(size)
        guard offset >= superblock.dataOffset, !overflow, end <= superblock.imageSize else {
            throw ImageError(.corrupt, "data of \(inode) [\(offset), +\(size)) is outside the data region")
        }
        let page = superblock.pageSize
        if size >= page {
            guard offset % page == 0 else {
                throw ImageError(
                    .corrupt, "\(inode) is \(size) bytes but its data offset \(offset) is not page aligned")
            }
            // The image size is a page multiple, so the padded end is inside it as well.
            let padded = (end + page - 1) / page * page
            return DataExtent(start: offset, size: size, end: padded)
        }
        guard offset / page == (end - 1) / page else {
            throw ImageError(.corrupt, "small \(inode) [\(offset), +\(size)) crosses a page boundary")
        }
        return DataExtent(start: offset, size: size, end: end)
    }

    private func checkDirectoryRange(_ record: InodeRecord, inode: InodeNumber) throws(ImageError) {
        let (end, overflow) = record.location.addingReportingOverflow(record.size)
        guard !overflow, end <= UInt64(tables.entryCount) else {
            throw ImageError(
                .corrupt, "entries of \(inode) [\(record.location), +\(record.size)) are outside the entry table")
        }
        guard record.parent >= 1, Int(record.parent) <= tables.inodeCount else {
            throw ImageError(.corrupt, "parent \(record.parent) of \(inode) is out of range")
        }
    }

    private func checkSymlink(_ record: InodeRecord, inode: InodeNumber) throws(ImageError) {
        guard record.size >= 1, record.size <= UInt64(ImageFormat.maxSymlinkTargetLength) else {
            throw ImageError(.corrupt, "symlink \(inode) has a target of \(record.size) bytes")
        }
        guard tables.nameRangeIsValid(offset: record.location, length: record.size) else {
            throw ImageError(.corrupt, "target of symlink \(inode) is outside the name table")
        }
        let hasNUL = tables.withNameBytes(offset: Int(record.location), length: Int(record.size)) { $0.contains(0) }
        guard !hasNUL else { throw ImageError(.corrupt, "target of symlink \(inode) contains NUL") }
    }

    // MARK: Tree

    /// Walks the directories breadth-first from the root. A directory reached a second time
    /// (a cycle, or a hard-linked directory) is rejected, so the walk visits each directory once;
    /// every entry must be claimed by exactly one directory, every inode reached, and link counts
    /// must match what the walk counted.
    private func checkTree() throws(ImageError) {
        let inodeCount = tables.inodeCount
        var reached = [Bool](repeating: false, count: inodeCount)
        var references = [UInt32](repeating: 0, count: inodeCount)
        var claimed = [Bool](repeating: false, count: tables.entryCount)
        var queue: [Int] = [0]
        reached[0] = true
        var head = 0
        while head < queue.count {
            let directoryIndex = queue[head]
            head += 1
            let directory = InodeNumber(UInt32(directoryIndex + 1))
            let record = tables.inode(at: directoryIndex)
            let first = Int(record.location)
            let count = Int(record.size)
            var subdirectories: UInt64 = 0
            for entryIndex in first..<(first + count) {
                guard !claimed[entryIndex] else {
                    throw ImageError(.corrupt, "directory entry \(entryIndex) belongs to two directories")
                }
                claimed[entryIndex] = true
                let entry = tables.entry(at: entryIndex)
                try checkName(of: entry, index: entryIndex, in: directory)
                if entryIndex > first {
                    let previous = tables.entry(at: entryIndex - 1)
                    guard compareNames(previous, entry) < 0 else {
                        throw ImageError(
                            .corrupt, "entries of \(directory) are not sorted or repeat a name (entry \(entryIndex))")
                    }
                }
                guard entry.inode >= 1, Int(entry.inode) <= inodeCount else {
                    throw ImageError(
                        .corrupt, "entry \(entryIndex) in \(directory) refers to inode \(entry.inode), out of range")
                }
                let target = Int(entry.inode) - 1
                let targetRecord = tables.inode(at: target)
                guard let targetType = targetRecord.type, entry.type == targetType.rawValue else {
                    throw ImageError(
                        .corrupt,
                        "entry \(entryIndex) in \(directory) has type \(entry.type), unlike inode \(entry.inode)")
                }
                if targetType == .directory {
                    guard !reached[target] else {
                        throw ImageError(
                            .corrupt,
                            "directory inode \(entry.inode) is reached twice (a cycle or a hard-linked directory)")
                    }
                    guard targetRecord.parent == directory.rawValue else {
                        throw ImageError(
                            .corrupt,
                            "directory inode \(entry.inode) is in \(directory) but names parent \(targetRecord.parent)")
                    }
                    reached[target] = true
                    queue.append(target)
                    subdirectories += 1
                } else {
                    reached[target] = true
                    references[target] &+= 1
                }
            }
            guard UInt64(record.linkCount) == 2 + subdirectories else {
                throw ImageError(
                    .corrupt, "\(directory) has link count \(record.linkCount) but \(subdirectories) subdirectories")
            }
        }
        for index in 0..<inodeCount {
            let inode = InodeNumber(UInt32(index + 1))
            guard reached[index] else {
                throw ImageError(.corrupt, "\(inode) is not reachable from the root")
            }
            let record = tables.inode(at: index)
            if record.type != .directory {
                guard record.linkCount == references[index] else {
                    throw ImageError(
                        .corrupt, "\(inode) has link count \(record.linkCount) but \(references[index]) entries name it"
                    )
                }
            }
        }
    }

    private func checkName(of entry: EntryRecord, index: Int, in directory: InodeNumber) throws(ImageError) {
        guard tables.nameRangeIsValid(offset: UInt64(entry.nameOffset), length: UInt64(entry.nameLength)) else {
            throw ImageError(.corrupt, "name of entry \(index) in \(directory) is outside the name table")
        }
        let problem = tables.withNameBytes(offset: Int(entry.nameOffset), length: Int(entry.nameLength)) {
            NameRules.problem(with: $0)
        }
        if let problem {
            throw ImageError(.corrupt, "name of entry \(index) in \(directory) \(problem.text)")
        }
    }

    private func compareNames(_ a: EntryRecord, _ b: EntryRecord) -> Int {
        tables.withNameBytes(offset: Int(a.nameOffset), length: Int(a.nameLength)) { first in
            tables.withNameBytes(offset: Int(b.nameOffset), length: Int(b.nameLength)) { second in
                NameRules.compare(first, second)
            }
        }
    }

    // MARK: Data extents

    /// File data ranges must not overlap, except that files with identical contents may share
    /// exactly the same range (deduplication). A page-aligned file's range includes its zero
    /// padding up to the page boundary, so no other file may live there.
    private func checkExtentsDisjoint(_ extents: inout [DataExtent]) throws(ImageError) {
        extents.sort { $0.start != $1.start ? $0.start < $1.start : $0.size < $1.size }
        var reachedEnd: UInt64 = 0
        var previous: DataExtent? = nil
        for extent in extents {
            if let previous, previous.start == extent.start, previous.size == extent.size {
                continue
            }
            guard extent.start >= reachedEnd else {
                throw ImageError(.corrupt, "file data [\(extent.start), +\(extent.size)) overlaps another file's")
            }
            reachedEnd = extent.end
            previous = extent
        }
    }
}

/// A file's data range as the overlap check sees it: `end` includes page padding.
struct DataExtent {
    var start: UInt64
    var size: UInt64
    var end: UInt64
}

/// `0o`-prefixed octal, for modes in messages.
func octal<T: BinaryInteger>(_ value: T) -> String {
    "0o" + String(value, radix: 8)
}
