import ImageFS
import LinuxABI

/// The read-only application image as a file system, over any `ImageStorage` (RAM or a block
/// device).
///
/// Every change fails with EROFS. Reads go straight to the reader, lock-free; directories
/// have dentry caches because an image lookup is a binary search plus a node-table probe.
/// `mappedContents()` on a file node (for images in memory) and `imageExtent()` give the
/// kernel a file's bytes without copying, to map executables directly.
public final class ImageFileSystem<Storage: ImageStorage>: FileSystem {
    let table: ImageNodeTable<Storage>
    public let root: VNode

    /// The image `reader` reads, reporting `device` as `st_dev`.
    public init(
        reader: ImageReader<Storage>, device: DeviceNumber = DeviceNumber(major: 0, minor: 2),
        lockFactory: any VFSLockFactory, dentryCacheCapacity: Int = 256
    ) throws(Errno) {
        table = ImageNodeTable(
            reader: reader, device: device, lockFactory: lockFactory, dentryCacheCapacity: dentryCacheCapacity,
            mapper: nil)
        root = try table.node(reader.root)
    }

    init(table: ImageNodeTable<Storage>) throws(Errno) {
        self.table = table
        root = try table.node(table.reader.root)
    }

    public var isReadOnly: Bool { true }

    /// The reader, for the kernel's own uses (verifying the data checksum, reading extents).
    public var reader: ImageReader<Storage> { table.reader }

    public func statistics() throws(Errno) -> FileSystemStatistics {
        let superblock = table.reader.superblock
        let blockSize = UInt64(superblock.pageSize)
        return FileSystemStatistics(
            type: FileSystemStatistics.SKIFF_IMAGE_MAGIC, blockSize: Int64(blockSize),
            blocks: (superblock.imageSize &+ blockSize &- 1) / blockSize, freeBlocks: 0, availableBlocks: 0,
            files: UInt64(table.reader.inodeCount), freeFiles: 0, fileSystemID: table.device.encoded,
            flags: FileSystemStatistics.ST_RDONLY)
    }

    public func sync() throws(Errno) {}

    public func unmounted() {
        table.removeAll()
    }
}

extension ImageFileSystem where Storage == MemoryImageStorage {
    /// An image in memory (a PVH module): file nodes answer `mappedContents()` with slices of
    /// it, so the kernel can map page-aligned executables without copying.
    public convenience init(
        memoryReader reader: ImageReader<MemoryImageStorage>, device: DeviceNumber = DeviceNumber(major: 0, minor: 2),
        lockFactory: any VFSLockFactory, dentryCacheCapacity: Int = 256
    ) throws(Errno) {
        let bytes = reader.storage.bytes
        let mapper: (FileExtent) -> UnsafeRawBufferPointer? = { extent in
            guard extent.offset <= UInt64(bytes.count), extent.length <= UInt64(bytes.count) - extent.offset else {
                return nil
            }
            let start = Int(extent.offset)
            return UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(extent.length))])
        }
        try self.init(
            table: ImageNodeTable(
                reader: reader, device: device, lockFactory: lockFactory, dentryCacheCapacity: dentryCacheCapacity,
                mapper: mapper))
    }
}

/// The image file system the kernel uses (an image in RAM); naming it makes the embedded
/// build compile and check the generic code.
public typealias MemoryImageFileSystem = ImageFileSystem<MemoryImageStorage>

/// Opens `storage` as an image file system, reporting a damaged image as EIO after handing
/// its message to `report` (the kernel prints it).
public func makeMemoryImageFileSystem(
    _ storage: MemoryImageStorage, device: DeviceNumber = DeviceNumber(major: 0, minor: 2),
    lockFactory: any VFSLockFactory, report: (ImageError) -> Void = { _ in }
) throws(Errno) -> MemoryImageFileSystem {
    let reader: ImageReader<MemoryImageStorage>
    do {
        reader = try ImageReader(storage: storage)
    } catch {
        report(error)
        throw error.errno
    }
    return try MemoryImageFileSystem(memoryReader: reader, device: device, lockFactory: lockFactory)
}
