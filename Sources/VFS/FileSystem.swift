import LinuxABI

/// A mounted-or-mountable file system: a tree of nodes with a root and some statistics.
///
/// The kernel's own file systems (devfs, procfs, sysfs, 9p, ext4) conform alongside
/// `RamFileSystem` and `ImageFileSystem`. Class-bound so the mount table can hold
/// `any FileSystem`.
public protocol FileSystem: AnyObject {
    /// The root directory. The same object for the file system's whole life.
    var root: VNode { get }
    /// Whether the file system itself refuses all changes (EROFS), whatever the mount flags.
    var isReadOnly: Bool { get }
    /// `statfs` data.
    func statistics() throws(Errno) -> FileSystemStatistics
    /// `syncfs`/`sync`: make everything written so far durable.
    func sync() throws(Errno)
    /// Called once when the file system's last mount is removed, so it can drop its tree.
    func unmounted()
    /// Bytes of on-disk metadata held in memory (Linux's "Buffers"): for /proc/meminfo and
    /// the monitoring API. 0 for file systems that keep nothing.
    var bufferedBytes: UInt64 { get }
}

extension FileSystem {
    public var bufferedBytes: UInt64 { 0 }
}
