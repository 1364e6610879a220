/// A lock that does nothing, for single-threaded use (early boot, one-CPU kernels, tests that
/// do not exercise concurrency).
public final class NoLock: VFSLock {
    public init() {}
    public func lock() {}
    public func unlock() {}
    public func lockShared() {}
    public func unlockShared() {}
}

/// Hands out `NoLock`s.
public final class NoLockFactory: VFSLockFactory {
    public init() {}
    public func makeLock() -> any VFSLock { NoLock() }
}
