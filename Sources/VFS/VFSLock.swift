/// A reader-writer lock the kernel supplies, so this module never decides how a thread waits.
///
/// The VFS takes locks per object — one per node, directory cache, open file, descriptor table
/// and mount table — and never a global lock on the data path. That is the point: OSv holds a
/// vnode lock across a whole `read`/`write` and funnels everything through a few big locks
/// (cloudius-systems/osv#450), so concurrent readers of one file queue behind each other. Here
/// readers of a node take it *shared*; only writers and namespace changes take it exclusively.
///
/// A kernel without a real reader-writer lock may implement the shared operations as the
/// exclusive ones; everything stays correct, only read concurrency on one node is lost.
///
/// Class-bound so the VFS can hold `any VFSLock` (Embedded Swift allows existentials only of
/// class-bound protocols).
///
/// ## Lock order
///
/// A thread holding locks only ever acquires new ones further down this list:
///
/// 1. an open file's position lock (`OpenFile`, held across one read/write of a seekable file);
/// 2. a file system's rename lock (`RamFileSystem` takes it for every rename, so directory
///    ancestry cannot change under a rename that checks it);
/// 3. directory node locks: an ancestor before its descendants; two unrelated directories in
///    ascending inode-number order (only rename holds two);
/// 4. non-parent node locks (the child being linked, unlinked, renamed or replaced), several in
///    ascending inode-number order;
/// 5. leaf locks, under which nothing else is ever acquired and no file system is called: a
///    directory's `DentryCache`, the `MountTable`, a `FileDescriptorTable`, an image file
///    system's node table.
///
/// Data operations (read, write, truncate, fallocate) take exactly one node lock.
public protocol VFSLock: AnyObject {
    /// Acquires the lock exclusively (writers, namespace changes).
    func lock()
    /// Releases an exclusive hold.
    func unlock()
    /// Acquires the lock shared with other shared holders (readers).
    func lockShared()
    /// Releases a shared hold.
    func unlockShared()
}

/// Makes the locks the VFS and its file systems embed in their objects.
public protocol VFSLockFactory: AnyObject {
    func makeLock() -> any VFSLock
}

/// Runs `body` holding `lock` exclusively. A free function rather than a protocol extension
/// method: Embedded Swift cannot call generic methods on an existential.
@inline(__always)
func exclusively<R, E: Error>(_ lock: any VFSLock, _ body: () throws(E) -> R) throws(E) -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body()
}

/// Runs `body` holding `lock` shared.
@inline(__always)
func shared<R, E: Error>(_ lock: any VFSLock, _ body: () throws(E) -> R) throws(E) -> R {
    lock.lockShared()
    defer { lock.unlockShared() }
    return try body()
}
