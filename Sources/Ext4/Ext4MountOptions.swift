import LinuxABI

/// How to mount a volume.
public struct Ext4MountOptions {
    /// Refuse every change (EROFS). A volume whose features this module can only read is
    /// mounted read-only only when this is set; otherwise the mount fails with EROFS.
    public var readOnly: Bool
    /// Commit (and so make durable) the running transaction at the end of every operation.
    /// Off by default: changes are batched like Linux's periodic commit, and become durable on
    /// `commit()`, `sync()`, `unmount()`, or when the transaction grows large. Either way every
    /// crash leaves a consistent volume.
    public var commitEveryOperation: Bool
    /// Clean metadata blocks kept in memory (dirty and uncheckpointed blocks are kept anyway).
    public var cacheBlocks: Int
    /// Committed blocks allowed to wait in memory for the checkpoint before it is forced.
    public var checkpointBlocks: Int
    /// The time for timestamps and commit blocks.
    public var clock: () -> Timespec

    public init(
        readOnly: Bool = false, commitEveryOperation: Bool = false, cacheBlocks: Int = 1024,
        checkpointBlocks: Int = 2048, clock: @escaping () -> Timespec = { Timespec() }
    ) {
        self.readOnly = readOnly
        self.commitEveryOperation = commitEveryOperation
        self.cacheBlocks = cacheBlocks
        self.checkpointBlocks = checkpointBlocks
        self.clock = clock
    }
}
