import VFS

/// Metadata blocks in memory, with the state the journal needs for each.
///
/// A block moves through three states: *clean* (same as on disk, evictable), *running*
/// (changed by the transaction being built; pinned), and *committed* (its last committed
/// version is in the journal but not yet at its home location; pinned until the checkpoint
/// writes it). A block can be running and committed at once: `checkpoint` keeps the committed
/// version — an array that shares storage with `data` until the running transaction changes it
/// (copy on write), which is exactly jbd2's "frozen copy" without copying unchanged blocks.
///
/// The cache does no I/O; `Ext4FileSystem` reads through it and the journal drains it.
struct BlockCache {
    struct Entry {
        var block: UInt64
        var data: [UInt8]
        /// The committed version still to be written home, or nil.
        var checkpoint: [UInt8]?
        var inRunning = false
        /// Freed by the running transaction: its contents are dropped when that commits.
        var freed = false
        var lastUse: UInt64 = 0
        var live = true
        /// Its checksum and structure were checked when it was read (or this module wrote it).
        var verified = false

        var isPinned: Bool { inRunning || checkpoint != nil || freed }
    }

    private(set) var entries: [Entry] = []
    private var freeSlots: [Int] = []
    private var table = NumberTable()
    private var clock: UInt64 = 0
    /// Clean blocks kept beyond the pinned ones.
    let cleanCapacity: Int
    private var cleanCount = 0
    /// Blocks changed by the running transaction, in the order they were first changed.
    private(set) var running: [UInt64] = []
    /// Blocks whose committed version still has to be written home.
    private(set) var checkpointCount = 0

    init(cleanCapacity: Int) { self.cleanCapacity = max(cleanCapacity, 16) }

    /// Blocks held (clean, running or awaiting checkpoint).
    var count: Int { table.count }

    func contains(_ block: UInt64) -> Bool { table[block] != nil }

    /// The cached contents of `block`, if present, and whether they were verified.
    mutating func lookup(_ block: UInt64) -> (data: [UInt8], verified: Bool)? {
        guard let slot = table[block] else { return nil }
        clock &+= 1
        entries[slot].lastUse = clock
        return (entries[slot].data, entries[slot].verified)
    }

    mutating func markVerified(_ block: UInt64) {
        if let slot = table[block] { entries[slot].verified = true }
    }

    /// Records `data` as read from disk.
    mutating func insertClean(_ block: UInt64, _ data: [UInt8]) {
        if table[block] != nil { return }
        _ = makeEntry(block, data)
        cleanCount &+= 1
        evictIfNeeded()
    }

    /// Replaces the contents of `block` as part of the running transaction.
    mutating func update(_ block: UInt64, _ data: [UInt8]) {
        let slot: Int
        if let existing = table[block] {
            slot = existing
            if !entries[slot].isPinned { cleanCount &-= 1 }
        } else {
            slot = makeEntry(block, data)
        }
        clock &+= 1
        entries[slot].data = data
        entries[slot].lastUse = clock
        entries[slot].freed = false
        entries[slot].verified = true
        if !entries[slot].inRunning {
            entries[slot].inRunning = true
            running.append(block)
        }
    }

    /// Replaces the contents of a clean block that was just written home directly (the
    /// superblock at mount and unmount). Pinned blocks keep their journaled state.
    mutating func refreshClean(_ block: UInt64, _ data: [UInt8]) {
        guard let slot = table[block], !entries[slot].isPinned else { return }
        entries[slot].data = data
    }

    /// Whether the block's last committed version has not reached its home yet (so a revoke
    /// record must keep replay from writing that version over the block's new use).
    func isAwaitingCheckpoint(_ block: UInt64) -> Bool {
        guard let slot = table[block] else { return false }
        return entries[slot].checkpoint != nil
    }

    /// Forgets `block`, freed by the running transaction: its changes are not journaled, and
    /// a committed version awaiting checkpoint is dropped once the freeing transaction commits.
    mutating func markFreed(_ block: UInt64) {
        guard let slot = table[block] else { return }
        if entries[slot].inRunning {
            entries[slot].inRunning = false
            if let index = running.firstIndex(of: block) { running.remove(at: index) }
        } else if !entries[slot].isPinned {
            cleanCount &-= 1
        }
        if entries[slot].checkpoint == nil {
            removeEntry(slot)
        } else {
            entries[slot].freed = true
        }
    }

    /// The running transaction's blocks with their contents, for the journal.
    func runningBlocks() -> [(block: UInt64, data: [UInt8])] {
        running.map { block in (block, entries[table[block]!].data) }
    }

    /// The running transaction committed: its blocks now await the checkpoint, and blocks it
    /// freed are forgotten.
    mutating func runningCommitted(journaled: Bool) {
        for block in running {
            let slot = table[block]!
            entries[slot].inRunning = false
            if journaled {
                if entries[slot].checkpoint == nil { checkpointCount &+= 1 }
                entries[slot].checkpoint = entries[slot].data
            } else {
                cleanCount &+= 1
            }
        }
        running.removeAll(keepingCapacity: true)
        for slot in entries.indices where entries[slot].live && entries[slot].freed {
            if entries[slot].checkpoint != nil { checkpointCount &-= 1 }
            entries[slot].checkpoint = nil
            removeEntry(slot)
        }
        evictIfNeeded()
    }

    /// The committed versions still to be written home, in block order.
    func checkpointBlocks() -> [(block: UInt64, data: [UInt8])] {
        var result: [(block: UInt64, data: [UInt8])] = []
        for entry in entries where entry.live {
            if let data = entry.checkpoint { result.append((entry.block, data)) }
        }
        result.sort { $0.block < $1.block }
        return result
    }

    /// Everything committed is now at home.
    mutating func checkpointed() {
        for slot in entries.indices where entries[slot].live && entries[slot].checkpoint != nil {
            entries[slot].checkpoint = nil
            if entries[slot].freed {
                removeEntry(slot)
            } else if !entries[slot].inRunning {
                cleanCount &+= 1
            }
        }
        checkpointCount = 0
        evictIfNeeded()
    }

    /// Drops every block that is not pinned (after replay rewrote the disk underneath).
    mutating func dropClean() {
        for slot in entries.indices where entries[slot].live && !entries[slot].isPinned {
            removeEntry(slot)
        }
        cleanCount = 0
    }

    private mutating func makeEntry(_ block: UInt64, _ data: [UInt8]) -> Int {
        clock &+= 1
        let entry = Entry(block: block, data: data, checkpoint: nil, lastUse: clock)
        let slot: Int
        if let reused = freeSlots.popLast() {
            entries[reused] = entry
            slot = reused
        } else {
            entries.append(entry)
            slot = entries.count &- 1
        }
        table.set(block, slot)
        return slot
    }

    private mutating func removeEntry(_ slot: Int) {
        table.remove(entries[slot].block)
        entries[slot] = Entry(block: 0, data: [], checkpoint: nil, live: false)
        freeSlots.append(slot)
    }

    /// Evicts the least recently used half of the clean blocks once there are too many.
    private mutating func evictIfNeeded() {
        guard cleanCount > cleanCapacity else { return }
        var uses: [UInt64] = []
        for entry in entries where entry.live && !entry.isPinned { uses.append(entry.lastUse) }
        uses.sort()
        let cutoff = uses[uses.count / 2]
        for slot in entries.indices where entries[slot].live && !entries[slot].isPinned && entries[slot].lastUse <= cutoff {
            removeEntry(slot)
            cleanCount &-= 1
        }
    }
}
