import LinuxABI
import Storage

/// An ext4 volume on a block device, read and written through a jbd2 journal.
///
/// The interface is inode-number based, the shape of a kernel's low-level file-system layer:
/// the VFS keeps its own node objects and calls these methods with inode numbers and names
/// (`[UInt8]`, never `String`). Root is inode 2.
///
/// ## Consistency
///
/// Every change to metadata (bitmaps, descriptors, inodes, extent and directory blocks, the
/// superblock) goes into the running transaction; file data is written in place before the
/// transaction that references it commits (Linux's data=ordered). Blocks freed by the running
/// transaction are only released in the bitmaps when it commits, so no freed block is reused
/// — and overwritten — while a crash could still bring back the state that referenced it.
/// `Journal` describes the commit protocol, `JournalReplay` the recovery.
///
/// Operations either complete or fail before changing anything (EEXIST, ENOSPC, …). An error
/// after changes began (an I/O error, corruption found half-way) aborts the file system: the
/// running transaction is dropped, later changes fail with EIO, and the disk keeps the last
/// committed state.
///
/// ## Threads
///
/// Not internally locked: the caller serialises calls (the kernel's ext4 glue holds one lock
/// per mounted volume around each call).
public final class Ext4FileSystem {
    let io: BlockIO
    let layout: Layout
    var superblock: Superblock
    var groups: [GroupDescriptor]
    /// Groups whose descriptor (or bitmaps) changed in the running transaction.
    var groupChanged: [UInt8]
    var changedGroups: [UInt32] = []
    var superblockChanged = false
    var cache: BlockCache
    var journal: Journal?
    var zones: SystemZones
    /// Block runs freed by the running transaction, released in the bitmaps at commit.
    var pendingFrees: [(start: UInt64, count: UInt64)] = []
    /// Freed metadata blocks that a committed, un-checkpointed transaction logged.
    var pendingRevokes: [UInt64] = []
    let options: Ext4MountOptions
    public let isReadOnly: Bool
    /// The error that aborted the file system, if one did.
    public private(set) var abortError: Ext4Error?
    /// Set by every metadata change; lets an operation that fails tell whether it changed
    /// anything before failing.
    var changedInOperation = false
    /// Where the next allocation search for each purpose starts.
    var nextInodeGroup: UInt32 = 0
    /// Asked before an inode whose last link goes is freed: when it answers true (the file is
    /// still open) the inode waits on the orphan list until `release` is called.
    public var isInUse: ((UInt32) -> Bool)?
    /// Unlinked inodes kept on the orphan list because they were still open.
    var openOrphans: [UInt32] = []
    /// Generation numbers for new inodes.
    var nextGeneration: UInt32 = 0
    /// Statistics about recovery at mount, for the kernel log.
    public private(set) var recoveredTransactions = 0

    static let groupDescriptorChanged: UInt8 = 1
    static let blockBitmapChanged: UInt8 = 2
    static let inodeBitmapChanged: UInt8 = 4

    public static let rootInode: UInt32 = 2
    static let journalInodeDefault: UInt32 = 8

    /// The volume's block size in bytes.
    public var blockSize: Int { layout.blockSize }

    private init(io: BlockIO, layout: Layout, superblock: Superblock, options: Ext4MountOptions, readOnly: Bool) {
        self.io = io
        self.layout = layout
        self.superblock = superblock
        self.options = options
        isReadOnly = readOnly
        groups = []
        groupChanged = [UInt8](repeating: 0, count: Int(layout.groupCount))
        cache = BlockCache(cleanCapacity: options.cacheBlocks)
        zones = SystemZones([])
    }

    // MARK: Mount

    /// Mounts the volume on `device`: checks the superblock and descriptors, replays the
    /// journal when the volume was not unmounted cleanly, and (read-write) finishes deletions
    /// and truncations a crash interrupted.
    ///
    /// Fails with EINVAL for volumes this module cannot read (unknown incompatible features),
    /// EROFS for a read-write mount of a volume it can only read, EUCLEAN/EBADMSG for damage.
    public static func mount(device: any BlockDevice, options: Ext4MountOptions = Ext4MountOptions()) throws(Ext4Error) -> Ext4FileSystem {
        let sectorSize = device.sectorSize
        guard sectorSize > 0, sectorSize <= 4096, 4096 % sectorSize == 0 else {
            throw Ext4Error(.EINVAL, "ext4: sector size \(sectorSize) unsupported")
        }
        let superblock = try readSuperblock(device)
        if let problem = superblock.validate(deviceBytes: device.byteCount) { throw problem }
        guard (1024 << Int(superblock.logBlockSize)) % sectorSize == 0 else {
            throw Ext4Error(.EINVAL, "ext4: block size smaller than the device's sectors")
        }
        let unknown = superblock.incompatible & ~Features.supportedIncompat
        guard unknown == 0 else {
            throw Ext4Error(.EINVAL, "ext4: unsupported incompatible features 0x\(String(unknown, radix: 16))")
        }
        let readOnly = options.readOnly || device.isReadOnly
        if !readOnly {
            let roOnly = superblock.readOnlyCompatible & ~Features.writableRoCompat
            if roOnly != 0 {
                throw Ext4Error(.EROFS, "ext4: read-only-compatible features 0x\(String(roOnly, radix: 16)) prevent writing; mount read-only")
            }
            if superblock.incompatible & Features.readOnlyIncompat != 0 {
                throw Ext4Error(.EROFS, "ext4: inline data, MMP or an external journal prevent writing; mount read-only")
            }
            if superblock.incompatible & Features.extents == 0 {
                throw Ext4Error(.EROFS, "ext4: volumes without extents are read-only here")
            }
            if superblock.state & Superblock.stateErrors != 0 {
                throw Ext4Error(.EROFS, "ext4: the volume is marked as having errors; run e2fsck")
            }
        }
        let layout = Layout(superblock, sectorSize: sectorSize)
        let io = BlockIO(
            device: device, blockSize: layout.blockSize, sectorsPerBlock: layout.sectorsPerBlock,
            blocksCount: layout.blocksCount)
        let fs = Ext4FileSystem(io: io, layout: layout, superblock: superblock, options: options, readOnly: readOnly)
        try fs.loadGroupDescriptors()

        if superblock.hasJournal {
            if superblock.incompatible & Features.journalDevice != 0 || superblock.journalInode == 0 {
                if superblock.needsRecovery {
                    throw Ext4Error(.EINVAL, "ext4: needs recovery from an external journal")
                }
            } else {
                try fs.openJournal()
            }
        }
        if superblock.needsRecovery {
            guard fs.journal != nil else { throw .corrupt("ext4: needs recovery but has no journal") }
            guard !device.isReadOnly else {
                throw Ext4Error(.EROFS, "ext4: the journal needs recovery but the device is read-only")
            }
            try fs.recover()
        }
        fs.buildSystemZones()
        if !readOnly {
            try fs.startWriting()
            try fs.processOrphans()
        }
        return fs
    }

    private static func readSuperblock(_ device: any BlockDevice) throws(Ext4Error) -> Superblock {
        let span = max(2048, device.sectorSize)
        guard device.byteCount >= UInt64(span) else { throw .corrupt("ext4: device too small for a superblock") }
        var bytes = [UInt8](repeating: 0, count: span)
        let failure: BlockDeviceError? = bytes.withUnsafeMutableBytes { raw in
            do throws(BlockDeviceError) {
                try device.read(sector: 0, into: raw)
                return nil
            } catch { return error }
        }
        if let failure { throw .device(failure) }
        return Superblock(raw: Array(bytes[Superblock.offset..<(Superblock.offset &+ Superblock.size)]))
    }

    /// Reads and checks every group descriptor.
    func loadGroupDescriptors() throws(Ext4Error) {
        var loaded: [GroupDescriptor] = []
        loaded.reserveCapacity(Int(layout.groupCount))
        var group: UInt32 = 0
        while group < layout.groupCount {
            let location = layout.descriptorLocation(group)
            let block = try metadata(location.block)
            let descriptor = GroupDescriptor(
                raw: Array(block[location.offset..<(location.offset &+ layout.descriptorSize)]))
            if layout.hasGroupChecksums {
                let computed = descriptor.computedChecksum(group: group, layout: layout)
                guard computed == descriptor.checksum else {
                    throw .badChecksum("ext4: group \(group) descriptor checksum 0x\(String(descriptor.checksum, radix: 16)) != 0x\(String(computed, radix: 16))")
                }
            }
            for location in [descriptor.blockBitmap, descriptor.inodeBitmap] {
                guard location >= layout.firstDataBlock, location < layout.blocksCount else {
                    throw .corrupt("ext4: group \(group) bitmap at block \(location)")
                }
            }
            let table = descriptor.inodeTable
            guard table >= layout.firstDataBlock, table < layout.blocksCount,
                layout.inodeTableBlocks <= layout.blocksCount &- table
            else {
                throw .corrupt("ext4: group \(group) inode table at block \(table)")
            }
            guard descriptor.freeBlocks <= layout.blocksInGroup(group), descriptor.freeInodes <= layout.inodesPerGroup,
                descriptor.unusedInodes <= layout.inodesPerGroup
            else {
                throw .corrupt("ext4: group \(group) free counts exceed the group")
            }
            loaded.append(descriptor)
            group &+= 1
        }
        groups = loaded
    }

    func buildSystemZones() {
        var list: [(start: UInt64, count: UInt64)] = []
        if layout.firstDataBlock > 0 { list.append((0, layout.firstDataBlock)) }
        for (index, descriptor) in groups.enumerated() {
            list.append(contentsOf: layout.superblockAndDescriptorBlocks(UInt32(index)))
            list.append((descriptor.blockBitmap, 1))
            list.append((descriptor.inodeBitmap, 1))
            list.append((descriptor.inodeTable, layout.inodeTableBlocks))
        }
        if let journal {
            for run in journal.runs { list.append((run.physical, UInt64(run.count))) }
        }
        zones = SystemZones(list)
    }

    /// Marks the volume mounted: the superblock says the journal may need recovery from now
    /// on, and the journal superblock points at an empty log.
    private func startWriting() throws(Ext4Error) {
        let now = options.clock()
        superblock.mountTime = UInt32(truncatingIfNeeded: now.seconds)
        superblock.mountCount = superblock.mountCount &+ 1
        if let journal {
            journal.enableFeatures(checksums: layout.metadataChecksum, bit64: layout.is64Bit)
            superblock.incompatible = superblock.incompatible | Features.recover
            try writeSuperblockDirect()
            try journal.writeSuperblock(empty: false)
        } else {
            superblock.state = superblock.state & ~Superblock.stateValid
            try writeSuperblockDirect()
        }
    }

    /// Writes the superblock home outside the journal (mount, unmount, after recovery).
    func writeSuperblockDirect() throws(Ext4Error) {
        superblock.updateChecksum()
        var block = try metadata(layout.superblockBlock)
        block.copy(from: superblock.raw, at: 0, to: layout.superblockOffset, count: Superblock.size)
        try io.write(layout.superblockBlock, block)
        try io.flush()
        cache.refreshClean(layout.superblockBlock, block)
        superblockChanged = false
    }

    // MARK: Unmount and sync

    /// Commits the running transaction: after it returns, every change made so far survives a
    /// crash. Cheap when nothing changed.
    public func commit() throws(Ext4Error) {
        try checkUsable()
        try commitRunning()
    }

    /// Commits and checkpoints: the home locations hold everything and the log is empty.
    public func sync() throws(Ext4Error) {
        guard !isReadOnly else { return }
        try checkUsable()
        try commitRunning()
        try checkpoint()
    }

    /// Makes everything durable and marks the volume clean. The object must not be used
    /// afterwards.
    public func unmount() throws(Ext4Error) {
        guard !isReadOnly, abortError == nil else { return }
        // Nothing keeps a file open across an unmount: unlinked files still open go now.
        while let number = openOrphans.popLast() { try finishOrphan(number) }
        try commitRunning()
        try checkpoint()
        let now = options.clock()
        superblock.writeTime = UInt32(truncatingIfNeeded: now.seconds)
        if let journal {
            try journal.writeSuperblock(empty: true)
            superblock.incompatible = superblock.incompatible & ~Features.recover
        } else {
            superblock.state = superblock.state | Superblock.stateValid
        }
        try writeSuperblockDirect()
    }

    func checkUsable() throws(Ext4Error) {
        if let abortError { throw Ext4Error(.EIO, "ext4: aborted earlier: \(abortError.message)") }
    }

    func checkWritable() throws(Ext4Error) {
        guard !isReadOnly else { throw .readOnly }
        try checkUsable()
    }

    // MARK: Operations

    /// Runs one changing operation: makes room in the running transaction for `credits`
    /// blocks first, aborts the file system when the body fails after changing something, and
    /// commits afterwards when asked to or when the transaction has grown large.
    func operation<T>(credits: Int, _ body: () throws(Ext4Error) -> T) throws(Ext4Error) -> T {
        try checkWritable()
        try reserve(credits: credits)
        changedInOperation = false
        let result: T
        do {
            result = try body()
        } catch {
            if changedInOperation { abort(error) }
            throw error
        }
        try finishOperation()
        return result
    }

    /// Commits first when the running transaction could not take `credits` more blocks.
    func reserve(credits: Int) throws(Ext4Error) {
        if transactionSize() &+ credits > maxTransactionBlocks { try commitRunning() }
    }

    func finishOperation() throws(Ext4Error) {
        if options.commitEveryOperation || transactionSize() &* 2 > maxTransactionBlocks {
            try commitRunning()
        }
    }

    func abort(_ error: Ext4Error) {
        if abortError == nil { abortError = error }
    }

    /// The journal space one transaction may use.
    var maxTransactionBlocks: Int {
        if let journal { return max(journal.maxTransactionBlocks, 32) }
        return 1024
    }

    /// An upper bound of the blocks the running transaction will log.
    func transactionSize() -> Int {
        let descriptorBlocks = changedGroups.count / max(layout.descriptorsPerBlock, 1) &+ 1
        return cache.running.count &+ descriptorBlocks &* 2 &+ 1 &+ pendingFrees.count &* 2 &+ 1
    }

    /// Writes the running transaction to the journal (or, without one, home).
    func commitRunning() throws(Ext4Error) {
        guard !isReadOnly else { return }
        try checkUsable()
        do {
            try releasePendingFrees()
            try flushDescriptors()
            if superblockChanged {
                superblock.updateChecksum()
                var block = try metadata(layout.superblockBlock)
                block.copy(from: superblock.raw, at: 0, to: layout.superblockOffset, count: Superblock.size)
                cache.update(layout.superblockBlock, block)
                superblockChanged = false
            }
            let blocks = cache.runningBlocks()
            guard !blocks.isEmpty || !pendingRevokes.isEmpty else { return }
            if let journal {
                let needed = journal.blocksNeeded(blocks: blocks.count, revokes: pendingRevokes.count)
                if needed > journal.freeBlocks || cache.checkpointCount &+ blocks.count > options.checkpointBlocks {
                    try checkpoint()
                }
                try journal.commit(blocks: blocks, revokes: pendingRevokes)
                pendingRevokes.removeAll()
                cache.runningCommitted(journaled: true)
            } else {
                // No journal: data first, then metadata home (ext2 semantics, no atomicity).
                try io.flush()
                for entry in blocks { try io.write(entry.block, entry.data) }
                try io.flush()
                pendingRevokes.removeAll()
                cache.runningCommitted(journaled: false)
            }
        } catch {
            abort(error)
            throw error
        }
    }

    /// Writes every committed block home and empties the log.
    func checkpoint() throws(Ext4Error) {
        guard let journal, cache.checkpointCount > 0 || journal.used > 0 else { return }
        let blocks = cache.checkpointBlocks()
        for entry in blocks { try io.write(entry.block, entry.data) }
        try io.flush()
        cache.checkpointed()
        try journal.checkpointed()
    }

    // MARK: Metadata blocks

    /// What a metadata block is, so its checksum can be checked when it is first read.
    enum BlockKind {
        case plain
        case extentNode(seed: UInt32)
        case blockBitmap(group: UInt32)
        case inodeBitmap(group: UInt32)
        /// A directory block: a leaf with a checksum tail, or an htree root or node with a
        /// dx tail, told apart by shape as Linux does.
        case directory(seed: UInt32)
    }

    /// A metadata block through the cache, verified on first read.
    func metadata(_ block: UInt64, kind: BlockKind = .plain) throws(Ext4Error) -> [UInt8] {
        if let cached = cache.lookup(block) {
            if cached.verified { return cached.data }
            try verify(cached.data, block: block, kind: kind)
            cache.markVerified(block)
            return cached.data
        }
        let data = try io.read(block)
        try verify(data, block: block, kind: kind)
        cache.insertClean(block, data)
        cache.markVerified(block)
        return data
    }

    private func verify(_ data: [UInt8], block: UInt64, kind: BlockKind) throws(Ext4Error) {
        guard layout.metadataChecksum else { return }
        switch kind {
        case .plain:
            return
        case .extentNode(let seed):
            try ExtentNode.verifyChecksum(data, seed: seed, block: block)
        case .directory(let seed):
            try verifyDirectoryChecksum(data, seed: seed, block: block)
        case .blockBitmap(let group):
            let computed = CRC32C.update(layout.checksumSeed, data, from: 0, count: Int(layout.blocksPerGroup / 8))
            let stored = groups[Int(group)].blockBitmapChecksum
            let mask: UInt32 = layout.descriptorSize >= 0x3C ? 0xFFFF_FFFF : 0xFFFF
            guard computed & mask == stored else {
                throw .badChecksum("ext4: group \(group) block bitmap checksum mismatch")
            }
        case .inodeBitmap(let group):
            let computed = CRC32C.update(layout.checksumSeed, data, from: 0, count: Int(layout.inodesPerGroup / 8))
            let stored = groups[Int(group)].inodeBitmapChecksum
            let mask: UInt32 = layout.descriptorSize >= 0x3C ? 0xFFFF_FFFF : 0xFFFF
            guard computed & mask == stored else {
                throw .badChecksum("ext4: group \(group) inode bitmap checksum mismatch")
            }
        }
    }

    /// Replaces a metadata block's contents in the running transaction.
    func setMetadata(_ block: UInt64, _ data: [UInt8]) {
        changedInOperation = true
        cache.update(block, data)
    }

    /// A metadata block freed by the running transaction: the space returns at commit, and a
    /// revoke record keeps replay from writing an old logged copy over the block's next use.
    func freeMetadataBlock(_ block: UInt64) {
        freeBlocks(block, count: 1)
    }

    // MARK: Group descriptors and superblock

    func markGroupChanged(_ group: UInt32, _ what: UInt8) {
        changedInOperation = true
        if groupChanged[Int(group)] == 0 { changedGroups.append(group) }
        groupChanged[Int(group)] |= what | Self.groupDescriptorChanged
    }

    func markSuperblockChanged() {
        changedInOperation = true
        superblockChanged = true
    }

    /// Writes changed descriptors (with fresh bitmap and descriptor checksums) into their
    /// descriptor blocks.
    private func flushDescriptors() throws(Ext4Error) {
        for group in changedGroups {
            let what = groupChanged[Int(group)]
            var descriptor = groups[Int(group)]
            if layout.metadataChecksum {
                if what & Self.blockBitmapChanged != 0 && !descriptor.has(GroupDescriptor.blockUninitialized) {
                    let bitmap = try metadata(descriptor.blockBitmap)
                    descriptor.setBlockBitmapChecksum(
                        CRC32C.update(layout.checksumSeed, bitmap, from: 0, count: Int(layout.blocksPerGroup / 8)))
                }
                if what & Self.inodeBitmapChanged != 0 && !descriptor.has(GroupDescriptor.inodeUninitialized) {
                    let bitmap = try metadata(descriptor.inodeBitmap)
                    descriptor.setInodeBitmapChecksum(
                        CRC32C.update(layout.checksumSeed, bitmap, from: 0, count: Int(layout.inodesPerGroup / 8)))
                }
            }
            if layout.hasGroupChecksums {
                descriptor.checksum = descriptor.computedChecksum(group: group, layout: layout)
            }
            groups[Int(group)] = descriptor
            let location = layout.descriptorLocation(group)
            var block = try metadata(location.block)
            block.copy(from: descriptor.raw, at: 0, to: location.offset, count: layout.descriptorSize)
            cache.update(location.block, block)
            groupChanged[Int(group)] = 0
        }
        changedGroups.removeAll(keepingCapacity: true)
    }

    // MARK: Recovery

    private func openJournal() throws(Ext4Error) {
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
    private func recover() throws(Ext4Error) {
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
