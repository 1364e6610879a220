/// The image header at offset 0: what the image is, where its tables are, and the checksums
/// that let a reader trust them.
///
/// Decoding checks only the header itself (magic, checksum, version, features, record sizes);
/// how the declared regions fit together and into the storage is checked by `validateLayout`.
public struct Superblock: Equatable, Sendable {
    public var majorVersion: UInt16
    public var minorVersion: UInt16
    /// Bytes of superblock; the metadata region starts here.
    public var superblockSize: UInt16
    public var inodeRecordSize: UInt16
    public var entryRecordSize: UInt16
    /// log2 of the page size that large files are aligned to.
    public var pageShift: UInt16
    public var compatibleFeatures: UInt32
    public var incompatibleFeatures: UInt32
    public var inodeCount: UInt32
    public var entryCount: UInt32
    /// Bytes of image; the storage may be longer (a disk rounded up to its sector size).
    public var imageSize: UInt64
    public var inodeTableOffset: UInt64
    public var entryTableOffset: UInt64
    public var nameTableOffset: UInt64
    public var nameTableSize: UInt64
    /// End of the metadata region `[superblockSize, metadataEnd)` that `metadataChecksum` covers.
    public var metadataEnd: UInt64
    /// Start of the data region `[dataOffset, imageSize)`, page aligned.
    public var dataOffset: UInt64
    public var metadataChecksum: UInt32
    /// CRC-32C of the data region; meaningful when `hasDataChecksum`.
    public var dataChecksum: UInt32

    /// The data page size in bytes.
    public var pageSize: UInt64 { UInt64(1) << UInt64(pageShift & 63) }

    public var hasDataChecksum: Bool {
        compatibleFeatures & ImageFormat.CompatibleFeature.dataChecksum != 0
    }

    /// Reads the superblock from the start of `bytes`, which must hold at least the declared
    /// superblock size (see `declaredSize(in:)`), and verifies its checksum, version and features.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(ImageError) {
        let declared = try Self.declaredSize(in: bytes)
        guard bytes.count >= declared else {
            throw ImageError(.corrupt, "superblock is truncated: \(bytes.count) of \(declared) bytes")
        }
        let stored = bytes.loadLittleEndian(at: ImageFormat.superblockChecksumOffset, as: UInt32.self)
        let computed = Self.checksum(of: UnsafeRawBufferPointer(rebasing: bytes[0..<declared]))
        guard stored == computed else {
            throw ImageError(
                .corrupt, "superblock checksum mismatch: stored \(hex(stored)), computed \(hex(computed))")
        }
        majorVersion = bytes.loadLittleEndian(at: 8, as: UInt16.self)
        minorVersion = bytes.loadLittleEndian(at: 10, as: UInt16.self)
        superblockSize = bytes.loadLittleEndian(at: 12, as: UInt16.self)
        inodeRecordSize = bytes.loadLittleEndian(at: 14, as: UInt16.self)
        entryRecordSize = bytes.loadLittleEndian(at: 16, as: UInt16.self)
        pageShift = bytes.loadLittleEndian(at: 18, as: UInt16.self)
        compatibleFeatures = bytes.loadLittleEndian(at: 20, as: UInt32.self)
        incompatibleFeatures = bytes.loadLittleEndian(at: 24, as: UInt32.self)
        inodeCount = bytes.loadLittleEndian(at: 28, as: UInt32.self)
        entryCount = bytes.loadLittleEndian(at: 32, as: UInt32.self)
        imageSize = bytes.loadLittleEndian(at: 40, as: UInt64.self)
        inodeTableOffset = bytes.loadLittleEndian(at: 48, as: UInt64.self)
        entryTableOffset = bytes.loadLittleEndian(at: 56, as: UInt64.self)
        nameTableOffset = bytes.loadLittleEndian(at: 64, as: UInt64.self)
        nameTableSize = bytes.loadLittleEndian(at: 72, as: UInt64.self)
        metadataEnd = bytes.loadLittleEndian(at: 80, as: UInt64.self)
        dataOffset = bytes.loadLittleEndian(at: 88, as: UInt64.self)
        metadataChecksum = bytes.loadLittleEndian(at: 96, as: UInt32.self)
        dataChecksum = bytes.loadLittleEndian(at: 100, as: UInt32.self)

        guard majorVersion == ImageFormat.majorVersion else {
            let known = ImageFormat.majorVersion
            throw ImageError(
                .unsupported,
                "image format version \(majorVersion).\(minorVersion) is not supported (reader knows \(known).x)")
        }
        let unknown = incompatibleFeatures & ~ImageFormat.knownIncompatibleFeatures
        guard unknown == 0 else {
            throw ImageError(.unsupported, "image uses unknown incompatible features \(hex(unknown))")
        }
        guard ImageFormat.pageShiftRange.contains(Int(pageShift)) else {
            throw ImageError(.unsupported, "image page shift \(pageShift) is outside 12...16")
        }
        try Self.checkRecordSize(inodeRecordSize, minimum: ImageFormat.inodeRecordSize, what: "inode")
        try Self.checkRecordSize(entryRecordSize, minimum: ImageFormat.entryRecordSize, what: "directory entry")
    }

    /// Checks the magic and returns the superblock size the header declares, bounded so a reader
    /// knows how much to read before it can verify the checksum. `bytes` needs at least the
    /// first 128 bytes.
    public static func declaredSize(in bytes: UnsafeRawBufferPointer) throws(ImageError) -> Int {
        guard bytes.count >= ImageFormat.superblockSize else {
            throw ImageError(.corrupt, "image is \(bytes.count) bytes, shorter than a superblock")
        }
        guard bytes.loadLittleEndian(at: 0, as: UInt64.self) == ImageFormat.magic else {
            throw ImageError(.corrupt, "not a Skiff image: bad magic")
        }
        let size = Int(bytes.loadLittleEndian(at: 12, as: UInt16.self))
        guard size >= ImageFormat.superblockSize, size <= ImageFormat.maxSuperblockSize, size % 8 == 0 else {
            throw ImageError(.corrupt, "superblock size \(size) is invalid")
        }
        return size
    }

    /// CRC-32C of a whole superblock with its own checksum field taken as zero, so the checksum
    /// also covers any bytes a later minor version appends.
    static func checksum(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        let field = ImageFormat.superblockChecksumOffset
        var crc = CRC32C()
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[0..<field]))
        crc.updateZeros(count: 4)
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[(field + 4)...]))
        return crc.value
    }

    private static func checkRecordSize(_ size: UInt16, minimum: Int, what: StaticString) throws(ImageError) {
        let value = Int(size)
        guard value >= minimum, value <= ImageFormat.maxRecordSize, value % 8 == 0 else {
            throw ImageError(.corrupt, "\(what) record size \(value) is invalid")
        }
    }

    /// A version-1.0 superblock with every table empty; the builder fills in the rest.
    init() {
        majorVersion = ImageFormat.majorVersion
        minorVersion = ImageFormat.minorVersion
        superblockSize = UInt16(ImageFormat.superblockSize)
        inodeRecordSize = UInt16(ImageFormat.inodeRecordSize)
        entryRecordSize = UInt16(ImageFormat.entryRecordSize)
        pageShift = UInt16(ImageFormat.defaultPageShift)
        compatibleFeatures = 0
        incompatibleFeatures = 0
        inodeCount = 0
        entryCount = 0
        imageSize = 0
        inodeTableOffset = 0
        entryTableOffset = 0
        nameTableOffset = 0
        nameTableSize = 0
        metadataEnd = 0
        dataOffset = 0
        metadataChecksum = 0
        dataChecksum = 0
    }

    /// The 128 bytes of a version-1.0 superblock, checksum included. Only valid when
    /// `superblockSize` is 128, which is what this builder writes.
    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: ImageFormat.superblockSize)
        writer.append(ImageFormat.magic)
        writer.append(majorVersion)
        writer.append(minorVersion)
        writer.append(superblockSize)
        writer.append(inodeRecordSize)
        writer.append(entryRecordSize)
        writer.append(pageShift)
        writer.append(compatibleFeatures)
        writer.append(incompatibleFeatures)
        writer.append(inodeCount)
        writer.append(entryCount)
        writer.append(UInt32(0))  // reserved
        writer.append(imageSize)
        writer.append(inodeTableOffset)
        writer.append(entryTableOffset)
        writer.append(nameTableOffset)
        writer.append(nameTableSize)
        writer.append(metadataEnd)
        writer.append(dataOffset)
        writer.append(metadataChecksum)
        writer.append(dataChecksum)
        writer.appendZeros(ImageFormat.superblockChecksumOffset - writer.bytes.count)
        writer.append(UInt32(0))
        let crc = writer.bytes.withUnsafeBytes { Self.checksum(of: $0) }
        var bytes = writer.bytes
        for index in 0..<4 {
            bytes[ImageFormat.superblockChecksumOffset + index] = UInt8(truncatingIfNeeded: crc >> UInt32(8 * index))
        }
        return bytes
    }
}

/// `0x`-prefixed hexadecimal, for checksums and flags in messages.
func hex<T: BinaryInteger>(_ value: T) -> String {
    "0x" + String(value, radix: 16)
}
