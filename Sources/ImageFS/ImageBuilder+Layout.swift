extension ImageBuilder {
    /// Lays the tree out as image bytes.
    ///
    /// Layout: superblock, inode table, entry table, name table (names, then symlink targets),
    /// zero padding to a page boundary, then data: files of a page or more first, each at a page
    /// boundary and zero-padded to the next, then smaller files packed at 8-byte alignment without
    /// crossing a page boundary. The image ends on a page boundary.
    public func build() throws(ImageError) -> [UInt8] {
        guard ImageFormat.pageShiftRange.contains(pageShift) else {
            throw ImageError(.invalidArgument, "page shift \(pageShift) is outside 12...16")
        }
        let page = UInt64(1) << UInt64(pageShift)
        let tree = numberInodes()
        guard tree.order.count < Int(UInt32.max), tree.entries.count <= Int(UInt32.max) else {
            throw ImageError(.tooLarge, "too many inodes or directory entries")
        }

        // Name table: entry names in entry order, then symlink targets in inode order.
        var names: [UInt8] = []
        var nameOffsets: [UInt32] = []
        nameOffsets.reserveCapacity(tree.entries.count)
        for child in tree.entries {
            guard names.count + child.name.count <= Int(UInt32.max) else {
                throw ImageError(.tooLarge, "directory entry names exceed 4 GiB")
            }
            nameOffsets.append(UInt32(names.count))
            names.append(contentsOf: child.name)
        }
        var targetOffsets = [UInt64](repeating: 0, count: nodes.count)
        for node in tree.order where nodes[node].type == .symlink {
            targetOffsets[node] = UInt64(names.count)
            names.append(contentsOf: nodes[node].target)
        }

        var superblock = Superblock()
        superblock.pageShift = UInt16(pageShift)
        superblock.inodeCount = UInt32(tree.order.count)
        superblock.entryCount = UInt32(tree.entries.count)
        superblock.inodeTableOffset = UInt64(ImageFormat.superblockSize)
        superblock.entryTableOffset =
            superblock.inodeTableOffset + UInt64(tree.order.count * ImageFormat.inodeRecordSize)
        superblock.nameTableOffset =
            superblock.entryTableOffset + UInt64(tree.entries.count * ImageFormat.entryRecordSize)
        superblock.nameTableSize = UInt64(names.count)
        superblock.metadataEnd = superblock.nameTableOffset + superblock.nameTableSize
        superblock.dataOffset = roundUp(superblock.metadataEnd, to: page)
        let data = placeData(order: tree.order, dataOffset: superblock.dataOffset, page: page)
        superblock.imageSize = data.end

        // Metadata records.
        var metadata = ByteWriter(capacity: Int(superblock.metadataEnd - superblock.inodeTableOffset))
        for node in tree.order {
            let item = nodes[node]
            let attributes = item.attributes ?? implicitDirectoryAttributes
            let size: UInt64
            let location: UInt64
            var parent: UInt32 = 0
            var linkCount = tree.linkCounts[node]
            switch item.type {
            case .regular:
                size = UInt64(item.contents.count)
                location = data.offsets[node]
            case .directory:
                size = UInt64(item.children.count)
                location = UInt64(tree.firstEntry[node])
                parent = tree.parents[node]
                linkCount = 2 + tree.subdirectories[node]
            case .symlink:
                size = UInt64(item.target.count)
                location = targetOffsets[node]
            }
            InodeRecord(
                mode: UInt16(truncatingIfNeeded: item.type.modeBits) | attributes.permissions,
                linkCount: linkCount, uid: attributes.uid, gid: attributes.gid,
                mtime: attributes.modificationTime, parent: parent, size: size, location: location
            ).append(to: &metadata)
        }
        for (index, child) in tree.entries.enumerated() {
            EntryRecord(
                inode: tree.inodeNumbers[child.node], nameOffset: nameOffsets[index],
                nameLength: UInt16(child.name.count), type: nodes[child.node].type.rawValue
            ).append(to: &metadata)
        }
        metadata.append(bytes: names)

        // Assemble: metadata, file data, then the checksums and the superblock over them.
        var image = [UInt8](repeating: 0, count: Int(superblock.imageSize))
        image.withUnsafeMutableBytes { bytes in
            let metadataStart = Int(superblock.inodeTableOffset)
            metadata.bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: bytes[metadataStart..<(metadataStart + source.count)])
                    .copyMemory(from: source)
            }
            for node in data.owners {
                let start = Int(data.offsets[node])
                nodes[node].contents.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(rebasing: bytes[start..<(start + source.count)]).copyMemory(
                        from: source)
                }
            }
            superblock.metadataChecksum = CRC32C.checksum(
                UnsafeRawBufferPointer(rebasing: bytes[ImageFormat.superblockSize..<Int(superblock.metadataEnd)]))
            if includesDataChecksum {
                superblock.compatibleFeatures |= ImageFormat.CompatibleFeature.dataChecksum
                superblock.dataChecksum = CRC32C.checksum(
                    UnsafeRawBufferPointer(rebasing: bytes[Int(superblock.dataOffset)...]))
            }
        }
        let header = superblock.encoded()
        image.replaceSubrange(0..<header.count, with: header)
        return image
    }

    /// Inode numbers, directory entries and link counts, from a breadth-first walk in name order.
    struct NumberedTree {
        /// Node indices in inode order (inode n is `order[n - 1]`).
        var order: [Int] = [0]
        /// Inode number of each node.
        var inodeNumbers: [UInt32]
        /// Every directory entry, grouped by directory in inode order, sorted within each.
        var entries: [BuilderChild] = []
        var firstEntry: [Int]
        var parents: [UInt32]
        var subdirectories: [UInt32]
        /// Names referring to each non-directory node.
        var linkCounts: [UInt32]
    }

    func numberInodes() -> NumberedTree {
        var tree = NumberedTree(
            inodeNumbers: [UInt32](repeating: 0, count: nodes.count),
            firstEntry: [Int](repeating: 0, count: nodes.count),
            parents: [UInt32](repeating: 0, count: nodes.count),
            subdirectories: [UInt32](repeating: 0, count: nodes.count),
            linkCounts: [UInt32](repeating: 0, count: nodes.count))
        tree.inodeNumbers[0] = InodeNumber.root.rawValue
        tree.parents[0] = InodeNumber.root.rawValue
        var head = 0
        while head < tree.order.count {
            let node = tree.order[head]
            head += 1
            guard nodes[node].type == .directory else { continue }
            tree.firstEntry[node] = tree.entries.count
            for child in nodes[node].children {
                tree.entries.append(child)
                if tree.inodeNumbers[child.node] == 0 {
                    tree.order.append(child.node)
                    tree.inodeNumbers[child.node] = UInt32(tree.order.count)
                }
                if nodes[child.node].type == .directory {
                    tree.parents[child.node] = tree.inodeNumbers[node]
                    tree.subdirectories[node] += 1
                } else {
                    tree.linkCounts[child.node] += 1
                }
            }
        }
        return tree
    }

    /// Where each file's data goes.
    struct DataPlacement {
        /// Image offset of each node's data (0 for empty files and non-files).
        var offsets: [UInt64]
        /// Nodes whose contents are written (one per distinct contents when deduplicating).
        var owners: [Int]
        /// End of the image, page aligned.
        var end: UInt64
    }

    func placeData(order: [Int], dataOffset: UInt64, page: UInt64) -> DataPlacement {
        let canonical = canonicalFiles(order: order)
        var placement = DataPlacement(
            offsets: [UInt64](repeating: 0, count: nodes.count), owners: [], end: dataOffset)
        var cursor = dataOffset
        // Large files first, each on its own pages, so their last page's tail stays zero.
        for node in order where canonical[node] == node && UInt64(nodes[node].contents.count) >= page {
            placement.offsets[node] = cursor
            placement.owners.append(node)
            cursor = roundUp(cursor + UInt64(nodes[node].contents.count), to: page)
        }
        // Small files packed, never straddling a page, so one page read serves each.
        let alignment = UInt64(ImageFormat.smallFileAlignment)
        for node in order where canonical[node] == node {
            let size = UInt64(nodes[node].contents.count)
            guard size > 0, size < page else { continue }
            cursor = roundUp(cursor, to: alignment)
            if cursor % page + size > page { cursor = roundUp(cursor, to: page) }
            placement.offsets[node] = cursor
            placement.owners.append(node)
            cursor += size
        }
        for node in order where canonical[node] >= 0 && canonical[node] != node {
            placement.offsets[node] = placement.offsets[canonical[node]]
        }
        placement.end = roundUp(cursor, to: page)
        return placement
    }

    /// For each non-empty file node, the first node in inode order with identical contents
    /// (itself when unique or when deduplication is off); -1 for everything else.
    ///
    /// Sorting by (size, CRC-32C, inode order) brings candidates together in O(n log n); the
    /// bytes are compared before sharing, so a CRC collision never merges different files.
    func canonicalFiles(order: [Int]) -> [Int] {
        var canonical = [Int](repeating: -1, count: nodes.count)
        var keys: [(size: Int, crc: UInt32, rank: Int, node: Int)] = []
        for (rank, node) in order.enumerated() where nodes[node].type == .regular && !nodes[node].contents.isEmpty {
            canonical[node] = node
            if deduplicatesContents {
                keys.append((nodes[node].contents.count, CRC32C.checksum(nodes[node].contents), rank, node))
            }
        }
        keys.sort { a, b in
            if a.size != b.size { return a.size < b.size }
            if a.crc != b.crc { return a.crc < b.crc }
            return a.rank < b.rank
        }
        var groupStart = 0
        while groupStart < keys.count {
            var groupEnd = groupStart + 1
            while groupEnd < keys.count && keys[groupEnd].size == keys[groupStart].size
                && keys[groupEnd].crc == keys[groupStart].crc
            {
                groupEnd += 1
            }
            for member in (groupStart + 1)..<groupEnd {
                let node = keys[member].node
                for earlier in groupStart..<member where canonical[keys[earlier].node] == keys[earlier].node {
                    if nodes[keys[earlier].node].contents == nodes[node].contents {
                        canonical[node] = keys[earlier].node
                        break
                    }
                }
            }
            groupStart = groupEnd
        }
        return canonical
    }
}

/// `value` rounded up to a multiple of `alignment`, a power of two.
func roundUp(_ value: UInt64, to alignment: UInt64) -> UInt64 {
    (value + alignment - 1) & ~(alignment - 1)
}
