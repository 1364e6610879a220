extension ImageReader {
    /// Copies bytes of regular file `inode` starting at `offset` into `buffer`; returns how many
    /// were copied, 0 at or past the end of the file (pread semantics).
    public func read(
        _ inode: InodeNumber, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer
    ) throws(ImageError) -> Int {
        let record = try record(of: inode, as: .regular)
        guard offset < record.size, !buffer.isEmpty else { return 0 }
        let available = record.size - offset
        let count = UInt64(buffer.count) < available ? buffer.count : Int(available)
        try storage.read(
            at: record.location + offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]))
        return count
    }

    /// Where regular file `inode`'s data lies in the image, for zero-copy mapping.
    public func extent(of inode: InodeNumber) throws(ImageError) -> FileExtent {
        let record = try record(of: inode, as: .regular)
        let page = superblock.pageSize
        let aligned = record.size >= page
        return FileExtent(
            offset: record.location,
            length: record.size,
            isPageAligned: aligned,
            mappedLength: aligned ? (record.size + page - 1) / page * page : record.size)
    }

    /// The target of symlink `inode`, as stored (not NUL-terminated).
    public func readlink(_ inode: InodeNumber) throws(ImageError) -> [UInt8] {
        let record = try record(of: inode, as: .symlink)
        return tables.nameBytes(offset: Int(record.location), length: Int(record.size))
    }

    /// Checks the data region against the superblock's data checksum. Returns false when the
    /// image carries none. Not done at open because it reads every byte of every file.
    public func verifyDataChecksum() throws(ImageError) -> Bool {
        guard superblock.hasDataChecksum else { return false }
        var crc = CRC32C()
        var offset = superblock.dataOffset
        let chunkSize: UInt64 = 64 * 1024
        var chunk = [UInt8](repeating: 0, count: Int(chunkSize))
        while offset < superblock.imageSize {
            let count = Int(min(chunkSize, superblock.imageSize - offset))
            let failure: ImageError? = chunk.withUnsafeMutableBytes { buffer in
                do throws(ImageError) {
                    let part = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
                    try storage.read(at: offset, into: part)
                    crc.update(UnsafeRawBufferPointer(part))
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
            offset += UInt64(count)
        }
        guard crc.value == superblock.dataChecksum else {
            throw ImageError(
                .corrupt, "data checksum mismatch: stored \(hex(superblock.dataChecksum)), computed \(hex(crc.value))")
        }
        return true
    }
}

extension ImageReader where Storage == MemoryImageStorage {
    /// Regular file `inode`'s bytes inside the in-memory image, without copying.
    public func contents(of inode: InodeNumber) throws(ImageError) -> UnsafeRawBufferPointer {
        let extent = try extent(of: inode)
        let start = Int(extent.offset)
        return UnsafeRawBufferPointer(rebasing: storage.bytes[start..<(start + Int(extent.length))])
    }
}
