/// One mapped run of a file: `length` blocks from logical block `logical` at `physical`.
///
/// An *unwritten* (not `initialized`) extent has its blocks allocated but reads as zeros
/// (fallocate); its on-disk length carries 32768 as a flag.
struct Extent {
    static let maxInitialized: UInt32 = 32768
    static let maxUnwritten: UInt32 = 32767

    var logical: UInt32
    var length: UInt32
    var physical: UInt64
    var initialized: Bool

    var end: UInt64 { UInt64(logical) &+ UInt64(length) }
    var maxLength: UInt32 { initialized ? Self.maxInitialized : Self.maxUnwritten }
}

/// One node of an extent tree: the 60-byte root in the inode's `i_block`, or a whole block.
///
/// A 12-byte header (magic 0xF30A, entry count, capacity, depth) is followed by 12-byte
/// entries: extents in leaves (depth 0), index entries (first logical block, child block) in
/// interior nodes. Block nodes end in a CRC-32C tail under metadata_csum.
struct ExtentNode {
    static let magic: UInt16 = 0xF30A
    static let headerSize = 12
    static let entrySize = 12
    /// Linux never builds deeper trees; deeper ones are treated as corrupt.
    static let maxDepth = 5

    var bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// An empty node filling `size` bytes.
    init(size: Int, depth: Int) {
        bytes = [UInt8](repeating: 0, count: size)
        bytes.setLE16(0, Self.magic)
        bytes.setLE16(4, UInt16((size &- Self.headerSize) / Self.entrySize))
        bytes.setLE16(6, UInt16(depth))
    }

    var entries: Int {
        get { Int(bytes.le16(2)) }
        set { bytes.setLE16(2, UInt16(newValue)) }
    }
    var capacity: Int { Int(bytes.le16(4)) }
    var depth: Int {
        get { Int(bytes.le16(6)) }
        set { bytes.setLE16(6, UInt16(newValue)) }
    }
    var isFull: Bool { entries >= capacity }

    private func offset(_ index: Int) -> Int { Self.headerSize &+ index &* Self.entrySize }

    /// The first logical block an entry covers (the extent start or the index key).
    func key(_ index: Int) -> UInt32 { bytes.le32(offset(index)) }

    func extent(_ index: Int) -> Extent {
        let base = offset(index)
        let rawLength = UInt32(bytes.le16(base &+ 4))
        let physical = UInt64(bytes.le16(base &+ 6)) << 32 | UInt64(bytes.le32(base &+ 8))
        if rawLength > Extent.maxInitialized {
            return Extent(logical: key(index), length: rawLength &- Extent.maxInitialized, physical: physical, initialized: false)
        }
        return Extent(logical: key(index), length: rawLength, physical: physical, initialized: true)
    }

    mutating func setExtent(_ index: Int, _ extent: Extent) {
        let base = offset(index)
        bytes.setLE32(base, extent.logical)
        bytes.setLE16(base &+ 4, UInt16(truncatingIfNeeded: extent.initialized ? extent.length : extent.length &+ Extent.maxInitialized))
        bytes.setLE16(base &+ 6, UInt16(truncatingIfNeeded: extent.physical >> 32))
        bytes.setLE32(base &+ 8, UInt32(truncatingIfNeeded: extent.physical))
    }

    func child(_ index: Int) -> UInt64 {
        let base = offset(index)
        return UInt64(bytes.le32(base &+ 4)) | UInt64(bytes.le16(base &+ 8)) << 32
    }

    mutating func setIndex(_ index: Int, key: UInt32, child: UInt64) {
        let base = offset(index)
        bytes.setLE32(base, key)
        bytes.setLE32(base &+ 4, UInt32(truncatingIfNeeded: child))
        bytes.setLE16(base &+ 8, UInt16(truncatingIfNeeded: child >> 32))
        bytes.setLE16(base &+ 10, 0)
    }

    mutating func setKey(_ index: Int, _ key: UInt32) { bytes.setLE32(offset(index), key) }

    /// The 12 raw bytes of an entry.
    func entry(_ index: Int) -> [UInt8] { Array(bytes[offset(index)..<(offset(index) &+ Self.entrySize)]) }

    /// Opens a slot at `index`, moving later entries up. The caller checks capacity.
    mutating func insert(_ entry: [UInt8], at index: Int) {
        let count = entries
        var position = count
        while position > index {
            bytes.copy(from: bytes, at: offset(position &- 1), to: offset(position), count: Self.entrySize)
            position &-= 1
        }
        bytes.copy(from: entry, at: 0, to: offset(index), count: Self.entrySize)
        entries = count &+ 1
    }

    mutating func remove(at index: Int) {
        let count = entries
        var position = index
        while position &+ 1 < count {
            bytes.copy(from: bytes, at: offset(position &+ 1), to: offset(position), count: Self.entrySize)
            position &+= 1
        }
        bytes.zero(from: offset(count &- 1), count: Self.entrySize)
        entries = count &- 1
    }

    /// The last entry whose key is at most `logical`, or -1 when every key is greater.
    func search(_ logical: UInt32) -> Int {
        var low = 0
        var high = entries
        while low < high {
            let mid = (low &+ high) / 2
            if key(mid) <= logical { low = mid &+ 1 } else { high = mid }
        }
        return low &- 1
    }

    static func leafEntry(_ extent: Extent) -> [UInt8] {
        var node = ExtentNode(bytes: [UInt8](repeating: 0, count: headerSize &+ entrySize))
        node.setExtent(0, extent)
        return node.entry(0)
    }

    static func indexEntry(key: UInt32, child: UInt64) -> [UInt8] {
        var node = ExtentNode(bytes: [UInt8](repeating: 0, count: headerSize &+ entrySize))
        node.setIndex(0, key: key, child: child)
        return node.entry(0)
    }

    // MARK: Checks

    /// Checks the header and every entry of a node read from disk: capacity against the
    /// node's size, ascending non-overlapping entries, pointers inside the volume and outside
    /// its system blocks.
    func validate(expectedDepth: Int?, blocksCount: UInt64, zones: SystemZones) -> Ext4Error? {
        guard bytes.count >= Self.headerSize, bytes.le16(0) == Self.magic else {
            return .corrupt("ext4: extent node has bad magic")
        }
        let fit = (bytes.count &- Self.headerSize) / Self.entrySize
        guard capacity <= fit, entries <= capacity, depth <= Self.maxDepth else {
            return .corrupt("ext4: extent node header (entries \(entries), max \(capacity), depth \(depth))")
        }
        if let expectedDepth, depth != expectedDepth {
            return .corrupt("ext4: extent node depth \(depth), expected \(expectedDepth)")
        }
        var previousEnd: UInt64 = 0
        var index = 0
        while index < entries {
            if depth == 0 {
                let extent = extent(index)
                guard extent.length > 0, UInt64(extent.logical) >= previousEnd, extent.end <= 1 << 32,
                    extent.physical < blocksCount, UInt64(extent.length) <= blocksCount &- extent.physical,
                    !zones.overlaps(extent.physical, count: UInt64(extent.length))
                else {
                    return .corrupt("ext4: bad extent \(extent.logical)+\(extent.length) at block \(extent.physical)")
                }
                previousEnd = extent.end
            } else {
                let child = child(index)
                guard index == 0 || key(index) > key(index &- 1), child < blocksCount, !zones.overlaps(child, count: 1)
                else {
                    return .corrupt("ext4: bad extent index \(key(index)) -> block \(child)")
                }
            }
            index &+= 1
        }
        return nil
    }

    /// Offset of the checksum tail: right after the node's capacity of entries.
    private static func tailOffset(_ bytes: [UInt8]) -> Int {
        headerSize &+ Int(bytes.le16(4)) &* entrySize
    }

    static func verifyChecksum(_ bytes: [UInt8], seed: UInt32, block: UInt64) throws(Ext4Error) {
        let tail = tailOffset(bytes)
        guard tail &+ 4 <= bytes.count else { throw .corrupt("ext4: extent block \(block) has no room for its checksum") }
        guard CRC32C.update(seed, bytes, from: 0, count: tail) == bytes.le32(tail) else {
            throw .badChecksum("ext4: extent block \(block) checksum mismatch")
        }
    }

    mutating func updateChecksum(seed: UInt32) {
        let tail = Self.tailOffset(bytes)
        guard tail &+ 4 <= bytes.count else { return }
        bytes.setLE32(tail, CRC32C.update(seed, bytes, from: 0, count: tail))
    }
}
