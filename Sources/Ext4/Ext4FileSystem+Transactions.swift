import LinuxABI
import Storage

/// Transactions: the operation wrapper every change runs in, commits, checkpoints, sync and
/// unmount.
extension Ext4FileSystem {
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
}
