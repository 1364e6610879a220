/// An htree index block: the root (block 0 of the directory) or an interior node.
///
/// Both disguise themselves as directory blocks holding no live entries (the root as `.` and
/// a `..` spanning the block, a node as one empty entry spanning it), then carry a count/limit
/// pair and `(hash, block)` entries; entry 0 has no hash (its slot holds the count and
/// limit). Under metadata_csum an 8-byte dx tail follows the last possible entry.
struct HTreeNode {
    static let rootCountOffset = 32
    static let nodeCountOffset = 8

    var data: [UInt8]
    let countOffset: Int

    /// Where the count/limit pair is, if `data` has the shape of an index block.
    static func countOffset(of data: [UInt8]) -> Int? {
        let blockSize = data.count
        let firstLength = DirectoryBlock.decodeLength(data.le16(4), blockSize: blockSize)
        if data.le32(0) == 0 && firstLength == blockSize && data[6] == 0 { return nodeCountOffset }
        if firstLength == 12 && data[6] == 1 && data[8] == 0x2E {
            let secondLength = DirectoryBlock.decodeLength(data.le16(16), blockSize: blockSize)
            if secondLength == blockSize &- 12 && data[18] == 2 && data.le32(24) == 0 && data[29] == 8 {
                return rootCountOffset
            }
        }
        return nil
    }

    var limit: Int { Int(data.le16(countOffset)) }
    var count: Int {
        get { Int(data.le16(countOffset &+ 2)) }
        set { data.setLE16(countOffset &+ 2, UInt16(newValue)) }
    }
    var isFull: Bool { count >= limit }

    func hash(_ index: Int) -> UInt32 { index == 0 ? 0 : data.le32(countOffset &+ index &* 8) }
    func block(_ index: Int) -> UInt32 { data.le32(countOffset &+ index &* 8 &+ 4) }

    mutating func setBlock(_ index: Int, _ block: UInt32) { data.setLE32(countOffset &+ index &* 8 &+ 4, block) }

    /// Inserts an entry at `index` (at least 1), moving later ones up.
    mutating func insert(at index: Int, hash: UInt32, block: UInt32) {
        var position = count
        while position > index {
            let from = countOffset &+ (position &- 1) &* 8
            data.copy(from: data, at: from, to: from &+ 8, count: 8)
            position &-= 1
        }
        data.setLE32(countOffset &+ index &* 8, hash)
        data.setLE32(countOffset &+ index &* 8 &+ 4, block)
        count = count &+ 1
    }

    /// The last entry whose hash is at most `hash` (entry 0 covers everything below entry 1).
    func search(_ hash: UInt32) -> Int {
        var low = 1
        var high = count &- 1
        while low <= high {
            let middle = low &+ (high &- low) / 2
            if self.hash(middle) > hash { high = middle &- 1 } else { low = middle &+ 1 }
        }
        return low &- 1
    }

    // MARK: Tail

    var tailOffset: Int { countOffset &+ limit &* 8 }

    func hasTail(checksums: Bool) -> Bool { tailOffset &+ 8 <= data.count }

    var storedChecksum: UInt32 { data.le32(tailOffset &+ 4) }

    func computedChecksum(seed: UInt32) -> UInt32 {
        var crc = CRC32C.update(seed, data, from: 0, count: countOffset &+ count &* 8)
        crc = CRC32C.update(crc, data, from: tailOffset, count: 4)
        return CRC32C.update(crc, [0, 0, 0, 0])
    }

    mutating func updateChecksum(seed: UInt32) {
        guard hasTail(checksums: true) else { return }
        data.setLE32(tailOffset &+ 4, computedChecksum(seed: seed))
    }

    /// The entry limit Linux requires of a root or node on this volume.
    static func expectedLimit(blockSize: Int, root: Bool, checksums: Bool) -> Int {
        let space = blockSize &- (root ? rootCountOffset : nodeCountOffset) &- (checksums ? 8 : 0)
        return space / 8
    }

    /// A fresh interior node.
    static func emptyNode(blockSize: Int, checksums: Bool) -> HTreeNode {
        var data = [UInt8](repeating: 0, count: blockSize)
        data.setLE16(4, DirectoryBlock.encodeLength(blockSize, blockSize: blockSize))
        data.setLE16(nodeCountOffset, UInt16(expectedLimit(blockSize: blockSize, root: false, checksums: checksums)))
        return HTreeNode(data: data, countOffset: nodeCountOffset)
    }
}
