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
    public internal(set) var abortError: Ext4Error?
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
    public internal(set) var recoveredTransactions = 0

    static let groupDescriptorChanged: UInt8 = 1
    static let blockBitmapChanged: UInt8 = 2
    static let inodeBitmapChanged: UInt8 = 4

    public static let rootInode: UInt32 = 2
    static let journalInodeDefault: UInt32 = 8

    /// The volume's block size in bytes.
    public var blockSize: Int { layout.blockSize }
    /// Bytes of metadata blocks in the block cache.
    public var cachedBlockBytes: UInt64 { UInt64(cache.count) &* UInt64(layout.blockSize) }

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

    static func readSuperblock(_ device: any BlockDevice) throws(Ext4Error) -> Superblock {
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
}
