import LinuxABI

/// The jbd2 journal as this module writes it: a circular log inside the journal inode.
///
/// ## Transaction lifecycle
///
/// Metadata changes collect in the running transaction (`BlockCache.running`). `commit`
/// writes, in order: revoke blocks for freed metadata that an earlier un-checkpointed
/// transaction logged; descriptor blocks each followed by the copies of the blocks they tag;
/// then a flush, so the file data written in place earlier and every log block are durable;
/// then the commit block and another flush. Only then is the transaction replayable. The
/// committed blocks wait in the cache; `checkpointed` is called once they have been written to
/// their home locations and flushed, and moves the log's start past everything committed so
/// the space can be reused.
///
/// A crash before the commit block is durable loses the transaction and nothing else (its
/// blocks were never written home); a crash after it replays the transaction.
final class Journal {
    let io: BlockIO
    var superblock: JournalSuperblock
    /// Journal block → volume block runs, from the journal inode's extents.
    let runs: [(logical: UInt32, physical: UInt64, count: UInt32)]
    let first: UInt32
    let end: UInt32
    /// The next log block to write.
    private(set) var head: UInt32
    /// The sequence number of the next transaction.
    private(set) var sequence: UInt32
    /// Log blocks in use by committed transactions that are not yet checkpointed.
    private(set) var used: UInt32 = 0
    private(set) var seed: UInt32
    /// Time stamp source for commit blocks.
    let clock: () -> Timespec

    init(
        io: BlockIO, superblock: JournalSuperblock, runs: [(logical: UInt32, physical: UInt64, count: UInt32)],
        clock: @escaping () -> Timespec
    ) {
        self.io = io
        self.superblock = superblock
        self.runs = runs
        first = superblock.first
        end = superblock.logEnd
        head = superblock.first
        sequence = superblock.sequence
        seed = CRC32C.update(~0, superblock.uuid)
        self.clock = clock
    }

    var checksumV3: Bool { superblock.incompatible & JournalFormat.incompatChecksumV3 != 0 }
    var checksumV2: Bool { superblock.incompatible & JournalFormat.incompatChecksumV2 != 0 }
    var hasChecksums: Bool { checksumV2 || checksumV3 }
    var is64Bit: Bool { superblock.incompatible & JournalFormat.incompat64Bit != 0 }
    var capacity: UInt32 { end &- first }

    /// The largest transaction (in log blocks) the module lets build up: a quarter of the log,
    /// like jbd2, so a commit never has to wait for more than one checkpoint.
    var maxTransactionBlocks: Int { Int(capacity / 4) }

    /// Bytes of a descriptor tag.
    var tagSize: Int {
        if checksumV3 { return 16 }
        var size = 12
        if checksumV2 { size &+= 2 }
        return is64Bit ? size : size &- 4
    }

    /// Bytes at the end of descriptor and revoke blocks reserved for their checksum.
    var tailSize: Int { hasChecksums ? 4 : 0 }

    /// Maps log block `logical` to its volume block.
    func physical(_ logical: UInt32) throws(Ext4Error) -> UInt64 {
        var low = 0
        var high = runs.count
        while low < high {
            let mid = (low &+ high) / 2
            if runs[mid].logical &+ runs[mid].count <= logical { low = mid &+ 1 } else { high = mid }
        }
        guard low < runs.count, runs[low].logical <= logical else {
            throw .corrupt("ext4: journal block \(logical) is not mapped")
        }
        return runs[low].physical &+ UInt64(logical &- runs[low].logical)
    }

    func next(_ position: UInt32) -> UInt32 {
        let following = position &+ 1
        return following >= end ? first : following
    }

    /// Tags that fit in one descriptor block (the first carries the 16-byte UUID).
    var tagsPerDescriptor: Int { (io.blockSize &- JournalFormat.headerSize &- tailSize &- 16) / tagSize }

    var revokesPerBlock: Int { (io.blockSize &- 16 &- tailSize) / (is64Bit ? 8 : 4) }

    /// Log blocks a transaction of `blocks` metadata blocks and `revokes` revoke records takes.
    func blocksNeeded(blocks: Int, revokes: Int) -> Int {
        let descriptors = (blocks &+ tagsPerDescriptor &- 1) / tagsPerDescriptor
        let revokeBlocks = (revokes &+ revokesPerBlock &- 1) / revokesPerBlock
        return blocks &+ descriptors &+ revokeBlocks &+ 1
    }

    /// Log blocks free for new transactions (one is kept so a full log never looks empty).
    var freeBlocks: Int { Int(capacity) &- Int(used) &- 1 }

    // MARK: Superblock

    /// Makes the on-disk journal superblock describe the current state: the log starts at the
    /// oldest transaction not yet checkpointed (`start` 0 when `empty`).
    func writeSuperblock(empty: Bool) throws(Ext4Error) {
        superblock.sequence = sequence
        superblock.start = empty ? 0 : head
        superblock.updateChecksum()
        var block = try io.read(try physical(0))
        block.copy(from: superblock.raw, at: 0, to: 0, count: 1024)
        try io.write(try physical(0), block)
        try io.flush()
    }

    /// Turns on the features Linux uses with this volume: CRC-32C v3 checksums on
    /// metadata_csum volumes, 64-bit block numbers on 64-bit volumes. The old v1 commit
    /// checksum (CRC-32 of the transaction in the commit block) is turned off, since this
    /// module does not write it: a replay expecting it would discard the module's commits.
    func enableFeatures(checksums: Bool, bit64: Bool) {
        guard superblock.blockType == JournalFormat.superblockV2 else { return }
        var incompat = superblock.incompatible
        superblock.compatible = superblock.compatible & ~JournalFormat.compatChecksum
        if checksums {
            incompat &= ~JournalFormat.incompatChecksumV2
            incompat |= JournalFormat.incompatChecksumV3
            superblock.checksumType = 4
        }
        if bit64 { incompat |= JournalFormat.incompat64Bit }
        incompat |= JournalFormat.incompatRevoke
        superblock.incompatible = incompat
    }

    /// Starts a fresh log at `first` after mount or replay: nothing is awaiting checkpoint.
    func reset(sequence next: UInt32) {
        head = first
        sequence = next
        used = 0
    }

    // MARK: Commit

    /// Writes one transaction: revoke records, tagged block copies, then the commit block,
    /// flushing before the commit block and after it.
    func commit(blocks: [(block: UInt64, data: [UInt8])], revokes: [UInt64]) throws(Ext4Error) {
        let needed = blocksNeeded(blocks: blocks.count, revokes: revokes.count)
        guard needed <= freeBlocks else { throw Ext4Error(.ENOSPC, "ext4: transaction larger than the journal") }
        let blockSize = io.blockSize
        var position = head

        func put(_ data: [UInt8]) throws(Ext4Error) {
            try io.write(try physical(position), data)
            position = next(position)
        }

        // Revoke blocks.
        var revokeIndex = 0
        let recordSize = is64Bit ? 8 : 4
        while revokeIndex < revokes.count {
            var block = [UInt8](repeating: 0, count: blockSize)
            JournalFormat.setHeader(&block, type: JournalFormat.revokeBlock, sequence: sequence)
            var offset = 16
            while revokeIndex < revokes.count && offset &+ recordSize <= blockSize &- tailSize {
                if is64Bit { block.setBE64(offset, revokes[revokeIndex]) } else {
                    block.setBE32(offset, UInt32(truncatingIfNeeded: revokes[revokeIndex]))
                }
                offset &+= recordSize
                revokeIndex &+= 1
            }
            block.setBE32(12, UInt32(offset))
            setTailChecksum(&block)
            try put(block)
        }

        // Descriptor blocks, each followed by the blocks it tags.
        var index = 0
        while index < blocks.count {
            var descriptor = [UInt8](repeating: 0, count: blockSize)
            JournalFormat.setHeader(&descriptor, type: JournalFormat.descriptorBlock, sequence: sequence)
            let descriptorPosition = position
            position = next(position)
            var offset = JournalFormat.headerSize
            var firstTag = true
            var lastTagOffset = 0
            var lastTagFlags: UInt32 = 0
            while index < blocks.count {
                let needed = tagSize &+ (firstTag ? 16 : 0)
                guard offset &+ needed <= blockSize &- tailSize else { break }
                var copy = blocks[index].data
                var flags: UInt32 = firstTag ? 0 : JournalFormat.tagSameUUID
                if copy.be32(0) == JournalFormat.magic {
                    copy.setBE32(0, 0)
                    flags |= JournalFormat.tagEscaped
                }
                writeTag(&descriptor, at: offset, block: blocks[index].block, flags: flags, data: copy)
                lastTagOffset = offset
                lastTagFlags = flags
                offset &+= tagSize
                if firstTag {
                    descriptor.copy(from: superblock.uuid, at: 0, to: offset, count: 16)
                    offset &+= 16
                    firstTag = false
                }
                try put(copy)
                index &+= 1
            }
            writeTagFlags(&descriptor, at: lastTagOffset, flags: lastTagFlags | JournalFormat.tagLast)
            setTailChecksum(&descriptor)
            try io.write(try physical(descriptorPosition), descriptor)
        }

        // Everything before the commit block must be durable first (data=ordered data too).
        try io.flush()
        var commit = [UInt8](repeating: 0, count: blockSize)
        JournalFormat.setHeader(&commit, type: JournalFormat.commitBlock, sequence: sequence)
        let now = clock()
        commit.setBE64(0x30, UInt64(bitPattern: now.seconds))
        commit.setBE32(0x38, UInt32(truncatingIfNeeded: now.nanoseconds))
        if hasChecksums {
            commit.setBE32(16, CRC32C.update(seed, commit))
        }
        try put(commit)
        try io.flush()

        used &+= UInt32(needed)
        head = position
        sequence &+= 1
    }

    private func writeTag(_ descriptor: inout [UInt8], at offset: Int, block: UInt64, flags: UInt32, data: [UInt8]) {
        descriptor.setBE32(offset, UInt32(truncatingIfNeeded: block))
        if checksumV3 {
            descriptor.setBE32(offset &+ 4, flags)
            descriptor.setBE32(offset &+ 8, UInt32(truncatingIfNeeded: block >> 32))
            descriptor.setBE32(offset &+ 12, CRC32C.update(CRC32C.update(seed, bigEndian: sequence), data))
        } else {
            descriptor.setBE16(offset &+ 6, UInt16(truncatingIfNeeded: flags))
            if checksumV2 {
                let crc = CRC32C.update(CRC32C.update(seed, bigEndian: sequence), data)
                descriptor.setBE16(offset &+ 4, UInt16(truncatingIfNeeded: crc))
            }
            if is64Bit { descriptor.setBE32(offset &+ 8, UInt32(truncatingIfNeeded: block >> 32)) }
        }
    }

    private func writeTagFlags(_ descriptor: inout [UInt8], at offset: Int, flags: UInt32) {
        if checksumV3 {
            descriptor.setBE32(offset &+ 4, flags)
        } else {
            descriptor.setBE16(offset &+ 6, UInt16(truncatingIfNeeded: flags))
        }
    }

    /// Descriptor and revoke blocks end in a CRC-32C of the whole block (v2/v3 journals).
    func setTailChecksum(_ block: inout [UInt8]) {
        guard hasChecksums else { return }
        let offset = block.count &- 4
        block.setBE32(offset, 0)
        block.setBE32(offset, CRC32C.update(seed, block))
    }

    /// Everything committed has reached its home location: the log is empty from `head`.
    func checkpointed() throws(Ext4Error) {
        used = 0
        try writeSuperblock(empty: false)
    }
}
