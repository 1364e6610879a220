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
}
