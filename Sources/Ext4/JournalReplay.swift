/// Journal recovery: replays the committed transactions a crash left in the log.
///
/// The three passes of jbd2's recovery. *Scan* walks the log from the superblock's start,
/// following sequence numbers, and finds the last transaction whose commit block is present
/// (and, with checksums, valid); an unexpected sequence, a bad magic or a bad checksum ends the
/// log. *Revoke* collects every revoke record of those transactions with the newest sequence
/// that revoked each block. *Replay* writes each tagged block copy home unless a revoke record
/// from the same or a later transaction covers it. Replaying is idempotent, so a crash during
/// replay is repaired by replaying again.
struct JournalReplay {
    let journal: Journal
    /// Blocks of the volume: a tag naming a block beyond it is corruption, never written.
    let volumeBlocks: UInt64

    struct Outcome {
        /// Transactions replayed.
        var transactions: Int = 0
        /// Blocks written home.
        var blocks: Int = 0
        /// The sequence the next transaction should use.
        var nextSequence: UInt32 = 0
        /// Block copies skipped because their tag checksum failed.
        var badBlocks: Int = 0
    }

    /// Replays the log. Does nothing (but report the next sequence) when the log is empty.
    func run() throws(Ext4Error) -> Outcome {
        var outcome = Outcome()
        let sb = journal.superblock
        outcome.nextSequence = sb.sequence
        guard sb.start != 0 else { return outcome }
        guard sb.start >= journal.first, sb.start < journal.end else {
            throw .corrupt("ext4: journal start \(sb.start) outside the log \(journal.first)..<\(journal.end)")
        }

        // Pass 1: find the end of the committed log.
        let committed = try scan(from: sb.start, sequence: sb.sequence)
        // Like jbd2, skip one sequence number past the end: the log may still hold blocks of
        // the transaction that never committed, and a new transaction must not be mistaken
        // for it.
        outcome.nextSequence = sb.sequence &+ UInt32(committed) &+ 1
        guard committed > 0 else { return outcome }

        // Pass 2: revoke records.
        var revoked = RevokeTable()
        try walk(from: sb.start, sequence: sb.sequence, transactions: committed) { (block, position, sequence) throws(Ext4Error) in
            let type = JournalFormat.header(block).type
            guard type == JournalFormat.revokeBlock else { return }
            let count = Int(block.be32(12))
            let recordSize = journal.is64Bit ? 8 : 4
            guard count >= 16, count <= block.count &- journal.tailSize else {
                throw .corrupt("ext4: journal revoke block at \(position) counts \(count) bytes")
            }
            var offset = 16
            while offset &+ recordSize <= count {
                let target = journal.is64Bit ? block.be64(offset) : UInt64(block.be32(offset))
                revoked.record(target, sequence: sequence)
                offset &+= recordSize
            }
        }

        // Pass 3: replay.
        var written = 0
        var bad = 0
        try walk(from: sb.start, sequence: sb.sequence, transactions: committed) { (block, position, sequence) throws(Ext4Error) in
            guard JournalFormat.header(block).type == JournalFormat.descriptorBlock else { return }
            var dataPosition = journal.next(position)
            for tag in tags(of: block) {
                defer { dataPosition = journal.next(dataPosition) }
                var copy = try journal.io.read(try journal.physical(dataPosition))
                if journal.hasChecksums, !tagChecksumMatches(tag, data: copy, sequence: sequence) {
                    bad &+= 1
                    continue
                }
                if revoked.covers(tag.block, sequence: sequence) { continue }
                guard tag.block < volumeBlocks else {
                    throw .corrupt("ext4: journal tag names block \(tag.block) beyond the volume")
                }
                if tag.flags & JournalFormat.tagEscaped != 0 { copy.setBE32(0, JournalFormat.magic) }
                try journal.io.write(tag.block, copy)
                written &+= 1
            }
        }
        try journal.io.flush()
        outcome.transactions = committed
        outcome.blocks = written
        outcome.badBlocks = bad
        return outcome
    }

    struct Tag {
        var block: UInt64
        var flags: UInt32
        var checksum: UInt32
    }

    /// The tags of a descriptor block.
    func tags(of block: [UInt8]) -> [Tag] {
        var result: [Tag] = []
        let size = journal.tagSize
        let limit = block.count &- journal.tailSize
        var offset = JournalFormat.headerSize
        while offset &+ size <= limit {
            var tag = Tag(block: UInt64(block.be32(offset)), flags: 0, checksum: 0)
            if journal.checksumV3 {
                tag.flags = block.be32(offset &+ 4)
                if journal.is64Bit { tag.block |= UInt64(block.be32(offset &+ 8)) << 32 }
                tag.checksum = block.be32(offset &+ 12)
            } else {
                tag.flags = UInt32(block.be16(offset &+ 6))
                tag.checksum = UInt32(block.be16(offset &+ 4))
                if journal.is64Bit { tag.block |= UInt64(block.be32(offset &+ 8)) << 32 }
            }
            result.append(tag)
            offset &+= size
            if tag.flags & JournalFormat.tagSameUUID == 0 { offset &+= 16 }
            if tag.flags & JournalFormat.tagLast != 0 { break }
        }
        return result
    }

    private func tagChecksumMatches(_ tag: Tag, data: [UInt8], sequence: UInt32) -> Bool {
        let crc = CRC32C.update(CRC32C.update(journal.seed, bigEndian: sequence), data)
        return journal.checksumV3 ? crc == tag.checksum : UInt16(truncatingIfNeeded: crc) == UInt16(truncatingIfNeeded: tag.checksum)
    }

    private func tailChecksumMatches(_ block: [UInt8]) -> Bool {
        guard journal.hasChecksums else { return true }
        var copy = block
        let offset = copy.count &- 4
        let stored = copy.be32(offset)
        copy.setBE32(offset, 0)
        return CRC32C.update(journal.seed, copy) == stored
    }

    private func commitChecksumMatches(_ block: [UInt8]) -> Bool {
        guard journal.hasChecksums else { return true }
        var copy = block
        let stored = copy.be32(16)
        copy[12] = 0
        copy[13] = 0
        copy.setBE32(16, 0)
        return CRC32C.update(journal.seed, copy) == stored
    }

    /// Pass 1: the number of complete transactions from `start`.
    private func scan(from start: UInt32, sequence first: UInt32) throws(Ext4Error) -> Int {
        var position = start
        var sequence = first
        var complete = 0
        var steps: UInt32 = 0
        while steps < journal.capacity {
            let block = try journal.io.read(try journal.physical(position))
            let header = JournalFormat.header(block)
            guard header.magic == JournalFormat.magic, header.sequence == sequence else { break }
            switch header.type {
            case JournalFormat.descriptorBlock:
                guard tailChecksumMatches(block) else { return complete }
                let count = UInt32(tags(of: block).count)
                for _ in 0...count { position = journal.next(position) }
                steps &+= count &+ 1
            case JournalFormat.revokeBlock:
                guard tailChecksumMatches(block) else { return complete }
                position = journal.next(position)
                steps &+= 1
            case JournalFormat.commitBlock:
                guard commitChecksumMatches(block) else { return complete }
                complete &+= 1
                sequence &+= 1
                position = journal.next(position)
                steps &+= 1
            default:
                return complete
            }
        }
        return complete
    }

    /// Calls `body` with every descriptor and revoke block of the first `transactions`
    /// transactions from `start`, with its log position and sequence.
    private func walk(
        from start: UInt32, sequence first: UInt32, transactions: Int,
        _ body: ([UInt8], UInt32, UInt32) throws(Ext4Error) -> Void
    ) throws(Ext4Error) {
        var position = start
        var sequence = first
        var done = 0
        while done < transactions {
            let block = try journal.io.read(try journal.physical(position))
            let header = JournalFormat.header(block)
            guard header.magic == JournalFormat.magic, header.sequence == sequence else {
                throw .corrupt("ext4: journal changed during recovery at block \(position)")
            }
            switch header.type {
            case JournalFormat.descriptorBlock:
                try body(block, position, sequence)
                let count = tags(of: block).count
                for _ in 0...count { position = journal.next(position) }
            case JournalFormat.commitBlock:
                done &+= 1
                sequence &+= 1
                position = journal.next(position)
            default:
                try body(block, position, sequence)
                position = journal.next(position)
            }
        }
    }
}

/// Revoked block numbers with the newest sequence that revoked each; a sorted array so the
/// kernel needs no hashed collections.
struct RevokeTable {
    private var blocks: [UInt64] = []
    private var sequences: [UInt32] = []

    private func position(_ block: UInt64) -> Int {
        var low = 0
        var high = blocks.count
        while low < high {
            let mid = (low &+ high) / 2
            if blocks[mid] < block { low = mid &+ 1 } else { high = mid }
        }
        return low
    }

    mutating func record(_ block: UInt64, sequence: UInt32) {
        let index = position(block)
        if index < blocks.count && blocks[index] == block {
            if Int32(bitPattern: sequence &- sequences[index]) > 0 { sequences[index] = sequence }
        } else {
            blocks.insert(block, at: index)
            sequences.insert(sequence, at: index)
        }
    }

    /// Whether a copy of `block` logged by transaction `sequence` must not be replayed.
    func covers(_ block: UInt64, sequence: UInt32) -> Bool {
        let index = position(block)
        guard index < blocks.count, blocks[index] == block else { return false }
        return Int32(bitPattern: sequence &- sequences[index]) <= 0
    }
}
