import LinuxABI
import VFS

/// Rstatfs carries `struct statfs` nearly as Linux returns it:
/// `type[4] bsize[4] blocks[8] bfree[8] bavail[8] files[8] ffree[8] fsid[8] namelen[4]`.
extension FileSystemStatistics {
    init(from reader: inout NinePReader) throws(Errno) {
        let type = Int64(try reader.u32())
        let blockSize = Int64(try reader.u32())
        let blocks = try reader.u64()
        let freeBlocks = try reader.u64()
        let availableBlocks = try reader.u64()
        let files = try reader.u64()
        let freeFiles = try reader.u64()
        let fileSystemID = try reader.u64()
        self.init(
            type: type, blockSize: blockSize, blocks: blocks, freeBlocks: freeBlocks, availableBlocks: availableBlocks,
            files: files, freeFiles: freeFiles, fileSystemID: fileSystemID, nameLength: Int64(try reader.u32()))
    }

    func encode(into writer: inout NinePWriter) {
        writer.u32(UInt32(truncatingIfNeeded: type))
        writer.u32(UInt32(truncatingIfNeeded: blockSize))
        for value in [blocks, freeBlocks, availableBlocks, files, freeFiles, fileSystemID] { writer.u64(value) }
        writer.u32(UInt32(truncatingIfNeeded: nameLength))
    }
}
