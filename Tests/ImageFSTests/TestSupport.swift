@testable import ImageFS

/// A small, fast, seeded PRNG so randomized tests are reproducible.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform-enough value in `0..<bound`.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

typealias ArrayReader = ImageReader<ArrayImageStorage>

func open(_ image: [UInt8]) throws(ImageError) -> ArrayReader {
    try ImageReader(storage: ArrayImageStorage(image))
}

/// The error opening `image` throws, or nil when it opens.
func openError(_ image: [UInt8]) -> ImageError? {
    do throws(ImageError) {
        _ = try open(image)
        return nil
    } catch {
        return error
    }
}

/// Resolves `path` and requires it to end at an inode (no symlink in the way).
func inode(_ reader: ArrayReader, _ path: String) throws(ImageError) -> InodeNumber {
    switch try reader.resolve(bytes(path)) {
    case .found(let inode): return inode
    case .symlink(let link, _, _): return link
    }
}

/// The whole contents of a file, read in chunks of `chunk` bytes.
func readAll(_ reader: ArrayReader, _ inode: InodeNumber, chunk: Int = 1000) throws(ImageError) -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
        let offset = UInt64(result.count)
        let count = try withMutableBytes(&buffer) { bytes throws(ImageError) in
            try reader.read(inode, at: offset, into: bytes)
        }
        if count == 0 { return result }
        result.append(contentsOf: buffer[0..<count])
    }
}

func withMutableBytes<R>(
    _ array: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(ImageError) -> R
) throws(ImageError) -> R {
    let result: Result<R, ImageError> = array.withUnsafeMutableBytes { buffer in
        do throws(ImageError) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}

/// Every entry of a directory from `cursor` on.
func listDirectory(_ reader: ArrayReader, _ directory: InodeNumber, from cursor: UInt64 = 0) throws(ImageError)
    -> [DirectoryEntry]
{
    var entries: [DirectoryEntry] = []
    var next = cursor
    while let entry = try reader.directoryEntry(in: directory, at: next) {
        entries.append(entry)
        next = entry.nextCursor
    }
    return entries
}

// MARK: Crafting images

/// Little-endian field access on raw image bytes, for crafting damaged images.
extension Array where Element == UInt8 {
    func le<T: FixedWidthInteger>(_ offset: Int, as type: T.Type = T.self) -> T {
        var value: T = 0
        for index in 0..<(T.bitWidth / 8) {
            value |= T(truncatingIfNeeded: self[offset + index]) << T(truncatingIfNeeded: 8 * index)
        }
        return value
    }

    mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for index in 0..<(T.bitWidth / 8) {
            self[offset + index] = UInt8(truncatingIfNeeded: value >> T(truncatingIfNeeded: 8 * index))
        }
    }
}

/// Recomputes the metadata and superblock checksums, so only structural validation can reject
/// whatever was changed.
func resign(_ image: inout [UInt8]) {
    // Clamped so a deliberately bad declared size still gets a checksum written somewhere.
    let superblockSize = Swift.min(Swift.max(Int(image.le(12, as: UInt16.self)), 128), image.count)
    let metadataEnd = Int(truncatingIfNeeded: image.le(80, as: UInt64.self))
    if metadataEnd >= superblockSize, metadataEnd <= image.count {
        image.put(CRC32C.checksum(Array(image[superblockSize..<metadataEnd])), at: 96)
    }
    let crc = image.withUnsafeBytes {
        Superblock.checksum(of: UnsafeRawBufferPointer(rebasing: $0[0..<superblockSize]))
    }
    image.put(crc, at: ImageFormat.superblockChecksumOffset)
}

/// Byte offsets of an image's records, read from its superblock.
struct Layout {
    let image: [UInt8]
    var inodeTable: Int { Int(image.le(48, as: UInt64.self)) }
    var entryTable: Int { Int(image.le(56, as: UInt64.self)) }
    var nameTable: Int { Int(image.le(64, as: UInt64.self)) }
    var metadataEnd: Int { Int(image.le(80, as: UInt64.self)) }
    var dataOffset: Int { Int(image.le(88, as: UInt64.self)) }
    var inodeCount: Int { Int(image.le(28, as: UInt32.self)) }
    var entryCount: Int { Int(image.le(32, as: UInt32.self)) }

    /// Offset of the record of inode `number`.
    func inode(_ number: InodeNumber) -> Int { inodeTable + (Int(number.rawValue) - 1) * ImageFormat.inodeRecordSize }
    /// Offset of directory entry `index`.
    func entry(_ index: Int) -> Int { entryTable + index * ImageFormat.entryRecordSize }

    /// Index in the entry table of `name` in `directory`.
    func entryIndex(named name: String, in directory: InodeNumber) -> Int? {
        let record = inode(directory)
        let first = Int(image.le(record + 40, as: UInt64.self))
        let count = Int(image.le(record + 32, as: UInt64.self))
        for index in first..<(first + count) {
            let at = entry(index)
            let offset = nameTable + Int(image.le(at + 4, as: UInt32.self))
            let length = Int(image.le(at + 8, as: UInt16.self))
            if Array(image[offset..<(offset + length)]) == bytes(name) { return index }
        }
        return nil
    }
}

// Field offsets inside records, as the spec lays them out.
enum InodeField {
    static let mode = 0
    static let linkCount = 4
    static let uid = 8
    static let gid = 12
    static let seconds = 16
    static let nanoseconds = 24
    static let parent = 28
    static let size = 32
    static let location = 40
}

enum EntryField {
    static let inode = 0
    static let nameOffset = 4
    static let nameLength = 8
    static let type = 10
}
