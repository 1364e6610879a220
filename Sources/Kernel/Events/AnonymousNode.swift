#if SKIFF_KERNEL
import LinuxABI
import VFS

/// A pollable node with no file system behind it (eventfd, timerfd, signalfd, epoll): what
/// `fstat` reports for Linux's anon_inode files.
class AnonymousNode: PollableNode {
    let inode: UInt64
    nonisolated(unsafe) static var nextInode: UInt64 = 1

    init() {
        inode = AnonymousNode.nextInode
        AnonymousNode.nextInode &+= 1
        super.init(type: .regular)
    }

    override var isSeekable: Bool { false }

    override func attributes() throws(Errno) -> FileAttributes {
        Self.kernelObjectAttributes(type: .regular, permissions: 0o600, inode: inode, deviceMinor: 13)
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
