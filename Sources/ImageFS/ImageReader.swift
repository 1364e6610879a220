/// Read-only access to a Skiff application image (format in `docs/image-format.md`).
///
/// Opening reads the superblock and the whole metadata region into memory and validates all of
/// it — checksums, every offset and count, name rules, sort order, link counts, the tree shape,
/// file extents — so that no later call can be led out of bounds or into a loop by the image.
/// File data stays in the storage and is read on demand (or mapped, for in-memory images).
///
/// Generic over its storage instead of holding an existential, which Embedded Swift forbids for
/// non-class protocols.
public struct ImageReader<Storage: ImageStorage> {
    public let storage: Storage
    public let superblock: Superblock
    let tables: MetadataTables

    /// Opens and validates the image at the start of `storage`. `maxMetadataSize` bounds the
    /// memory the metadata may take; a larger image is rejected as unsupported.
    public init(storage: Storage, maxMetadataSize: UInt64 = 1 << 30) throws(ImageError) {
        let storageSize = storage.size
        guard storageSize >= UInt64(ImageFormat.superblockSize) else {
            throw ImageError(.corrupt, "image is \(storageSize) bytes, shorter than a superblock")
        }
        var header = try storage.readBytes(at: 0, count: ImageFormat.superblockSize)
        let declared = try withBytes(of: header) { bytes throws(ImageError) in try Superblock.declaredSize(in: bytes) }
        if declared > header.count {
            guard UInt64(declared) <= storageSize else {
                throw ImageError(
                    .corrupt, "image is \(storageSize) bytes, shorter than its \(declared)-byte superblock")
            }
            header = try storage.readBytes(at: 0, count: declared)
        }
        let superblock = try withBytes(of: header) { bytes throws(ImageError) in try Superblock(decoding: bytes) }
        try superblock.validateLayout(storageSize: storageSize)
        guard superblock.metadataEnd <= maxMetadataSize else {
            throw ImageError(
                .unsupported,
                "image metadata is \(superblock.metadataEnd) bytes, over the \(maxMetadataSize)-byte limit")
        }

        let metadata = try storage.readBytes(at: 0, count: Int(superblock.metadataEnd))
        let computed = metadata.withUnsafeBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[Int(superblock.superblockSize)...]))
        }
        guard computed == superblock.metadataChecksum else {
            throw ImageError(
                .corrupt,
                "metadata checksum mismatch: stored \(hex(superblock.metadataChecksum)), computed \(hex(computed))")
        }
        let tables = MetadataTables(bytes: metadata, superblock: superblock)
        try ImageValidator(tables: tables, superblock: superblock).validate()

        self.storage = storage
        self.superblock = superblock
        self.tables = tables
    }

    /// The root directory (always inode 1).
    public var root: InodeNumber { .root }

    /// Number of inodes; valid inode numbers are `1...inodeCount`.
    public var inodeCount: Int { tables.inodeCount }

    /// `stat`-like attributes of `inode`.
    public func attributes(of inode: InodeNumber) throws(ImageError) -> InodeAttributes {
        let record = try record(of: inode)
        return InodeAttributes(
            inode: inode,
            type: record.type ?? .regular,
            permissions: UInt16(truncatingIfNeeded: UInt32(record.mode) & FileType.permissionMask),
            uid: record.uid,
            gid: record.gid,
            linkCount: record.linkCount,
            size: record.size,
            modificationTime: record.mtime)
    }

    /// The type of `inode`.
    public func type(of inode: InodeNumber) throws(ImageError) -> FileType {
        try record(of: inode).type ?? .regular
    }

    /// The stored record of `inode`, which must be a number this image has.
    func record(of inode: InodeNumber) throws(ImageError) -> InodeRecord {
        guard inode.rawValue >= 1, Int(inode.rawValue) <= tables.inodeCount else {
            throw ImageError(.invalidArgument, "\(inode) is out of range (image has \(tables.inodeCount))")
        }
        return tables.inode(at: inode.index)
    }

    /// The stored record of `inode`, which must be of `type`.
    func record(of inode: InodeNumber, as type: FileType) throws(ImageError) -> InodeRecord {
        let record = try record(of: inode)
        if record.type == type { return record }
        switch type {
        case .directory: throw ImageError(.notDirectory, "\(inode) is not a directory")
        case .symlink: throw ImageError(.notSymlink, "\(inode) is not a symlink")
        case .regular:
            if record.type == .directory { throw ImageError(.isDirectory, "\(inode) is a directory") }
            throw ImageError(.invalidArgument, "\(inode) is not a regular file")
        }
    }
}
