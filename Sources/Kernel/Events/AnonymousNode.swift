#if SKIFF_KERNEL
import LinuxABI
import VFS

/// A pollable node with no file system behind it (eventfd, timerfd, signalfd, epoll): what
/// `fstat` reports for Linux's anon_inode files.
///
/// Linux gives all of these one inode, made at boot in anon_inodefs, so `fstat` shows the same
/// thing for each: mode 0600 with no file-type bits, one link, size 0, root's, the same
/// device and inode number, and the boot time for all three times.
class AnonymousNode: PollableNode {
    /// Numbers for sockets (sockfs); the anonymous inode has its own device, so its number
    /// cannot collide with theirs.
    nonisolated(unsafe) static var nextInode: UInt64 = 1
    /// The one anon_inodefs inode.
    static let sharedInode: UInt64 = 1

    init() {
        super.init(type: .regular)
    }

    override var isSeekable: Bool { false }

    override func attributes() throws(Errno) -> FileAttributes {
        var attributes = Self.kernelObjectAttributes(
            type: .regular, permissions: 0o600, inode: Self.sharedInode, deviceMinor: 13)
        attributes.isAnonymousInode = true
        // The wall-clock time at boot (it moves with clock_settime, Linux's does not).
        let boot = Timespec(totalNanoseconds: Clock.wallOffset)
        attributes.accessTime = boot
        attributes.modificationTime = boot
        attributes.changeTime = boot
        return attributes
    }

    /// What `fstat` shows for an object with no file system: anonymous inodes, sockets.
    static func kernelObjectAttributes(type: VNodeType, permissions: UInt32, inode: UInt64, deviceMinor: UInt32) -> FileAttributes {
        FileAttributes(
            type: type, permissions: permissions, uid: 0, gid: 0, linkCount: 1, size: 0, blocks: 0, blockSize: 4096,
            inode: inode, device: DeviceNumber(major: 0, minor: deviceMinor), specialDevice: .none,
            accessTime: Timespec(), modificationTime: Timespec(), changeTime: Timespec())
    }

    /// Reads of an 8-byte counter (eventfd, timerfd) need room for it.
    static func requireCounterBuffer(_ count: Int) throws(Errno) {
        if count < 8 { throw .EINVAL }
    }
}
#endif
