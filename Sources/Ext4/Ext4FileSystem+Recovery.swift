import LinuxABI
import Storage

/// Opening the journal and replaying it at mount.
extension Ext4FileSystem {
    func openJournal() throws(Ext4Error) {
        let number = superblock.journalInode
        guard layout.isValidInode(number), number < layout.firstInode else {
            throw .corrupt("ext4: journal inode \(number)")
        }
        let inode = try readInode(number)
        guard inode.fileType == .regular else { throw .corrupt("ext4: journal inode is not a regular file") }
        let blocks = inode.size / UInt64(layout.blockSize)
        guard blocks >= 16, blocks <= UInt64(UInt32.max) else { throw .corrupt("ext4: journal of \(blocks) blocks") }
        let runs = try mappedRuns(of: inode, number: number, blocks: UInt32(blocks))
        guard let firstRun = runs.first, firstRun.logical == 0 else { throw .corrupt("ext4: journal block 0 is not mapped") }
        let raw = try io.read(firstRun.physical)
        let sb = JournalSuperblock(raw: Array(raw[0..<1024]))
        let header = JournalFormat.header(raw)
        guard header.magic == JournalFormat.magic,
            header.type == JournalFormat.superblockV1 || header.type == JournalFormat.superblockV2
        else { throw .corrupt("ext4: bad journal superblock") }
        guard sb.blockSize == UInt32(layout.blockSize) else {
            throw .corrupt("ext4: journal block size \(sb.blockSize) differs from the volume's")
        }
        guard sb.maxLength <= UInt32(blocks), sb.first >= 1, sb.first < sb.logEnd, sb.logEnd &- sb.first >= 16 else {
            throw .corrupt("ext4: journal geometry first \(sb.first) length \(sb.maxLength)")
        }
        if sb.hasChecksumV2orV3 {
            guard sb.checksum == sb.computedChecksum() else { throw .badChecksum("ext4: journal superblock checksum mismatch") }
        }
        let unknown = sb.incompatible & ~JournalFormat.supportedIncompat
        guard unknown == 0 else {
            throw Ext4Error(.EINVAL, "ext4: unsupported journal features 0x\(String(unknown, radix: 16))")
        }
        // Every log block must be mapped before the log can be trusted with a commit.
        var covered: UInt64 = 0
        for run in runs where run.logical < sb.maxLength { covered &+= UInt64(min(run.count, sb.maxLength &- run.logical)) }
        guard covered == UInt64(sb.maxLength) else { throw .corrupt("ext4: the journal has holes") }
        journal = Journal(io: io, superblock: sb, runs: runs, clock: options.clock)
    }

    /// Replays the journal and reloads what it may have changed.
    func recover() throws(Ext4Error) {
        guard let journal else { return }
        let outcome = try JournalReplay(journal: journal, volumeBlocks: layout.blocksCount).run()
        recoveredTransactions = outcome.transactions
        journal.reset(sequence: outcome.nextSequence)
        cache.dropClean()
        let reread = try Self.readSuperblock(io.device)
        if let problem = reread.validate(deviceBytes: io.device.byteCount) { throw problem }
        superblock = reread
        try loadGroupDescriptors()
        if outcome.badBlocks > 0 {
            superblock.state = superblock.state | Superblock.stateErrors
        }
        try journal.writeSuperblock(empty: true)
        if isReadOnly {
            superblock.incompatible = superblock.incompatible & ~Features.recover
            try writeSuperblockDirect()
        }
    }
}
