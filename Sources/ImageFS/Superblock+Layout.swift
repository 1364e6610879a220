extension Superblock {
    /// Checks that the regions the superblock declares lie in order, without overlap or
    /// arithmetic overflow, inside an image that fits in `storageSize` bytes.
    ///
    /// Everything after this may index the metadata with the declared offsets and counts.
    func validateLayout(storageSize: UInt64) throws(ImageError) {
        guard imageSize <= storageSize else {
            throw ImageError(
                .corrupt, "image is truncated: it declares \(imageSize) bytes but storage holds \(storageSize)")
        }
        let page = pageSize
        guard imageSize % page == 0, dataOffset % page == 0 else {
            throw ImageError(
                .corrupt,
                "image size \(imageSize) or data offset \(dataOffset) is not a multiple of the page size \(page)")
        }
        guard inodeCount >= 1 else {
            throw ImageError(.corrupt, "image has no inodes (the root directory is missing)")
        }
        // Counts are 32-bit and record sizes at most 1024, so the products cannot overflow 64 bits.
        let inodeTableSize = UInt64(inodeCount) * UInt64(inodeRecordSize)
        let entryTableSize = UInt64(entryCount) * UInt64(entryRecordSize)
        try Self.checkTable(
            "inode", offset: inodeTableOffset, size: inodeTableSize, after: UInt64(superblockSize),
            before: entryTableOffset)
        try Self.checkTable(
            "directory entry", offset: entryTableOffset, size: entryTableSize, after: inodeTableOffset,
            before: nameTableOffset)
        let (nameEnd, nameOverflow) = nameTableOffset.addingReportingOverflow(nameTableSize)
        guard !nameOverflow, nameEnd <= metadataEnd else {
            throw ImageError(
                .corrupt, "name table [\(nameTableOffset), +\(nameTableSize)) runs past the metadata end \(metadataEnd)"
            )
        }
        guard metadataEnd <= dataOffset, dataOffset <= imageSize else {
            throw ImageError(
                .corrupt,
                "metadata end \(metadataEnd), data offset \(dataOffset) and image size \(imageSize) are out of order")
        }
    }

    /// One table must start 8-byte aligned at or after `after` and end at or before `before`.
    private static func checkTable(
        _ what: String, offset: UInt64, size: UInt64, after: UInt64, before: UInt64
    ) throws(ImageError) {
        let (end, overflow) = offset.addingReportingOverflow(size)
        guard offset % 8 == 0, offset >= after, !overflow, end <= before else {
            throw ImageError(
                .corrupt, "\(what) table [\(offset), +\(size)) is misplaced (allowed: from \(after) to \(before))")
        }
    }
}
