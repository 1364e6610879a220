import LinuxABI

/// A device node, FIFO or socket in a `RamFileSystem`: only a name, a type and a device
/// number. Opening it goes through the kernel's `DeviceOpener`.
final class RamSpecialNode: RamNode {
    let device: DeviceNumber

    init(
        type: VNodeType, context: RamContext, inode: UInt64, permissions: UInt32, device: DeviceNumber,
        owner: NodeOwner, now: Timespec
    ) {
        self.device = device
        super.init(
            type: type, context: context, inode: inode, permissions: permissions, owner: owner, linkCount: 1, now: now)
    }

    override var specialDevice: DeviceNumber {
        type == .characterDevice || type == .blockDevice ? device : .none
    }

    /// What RENAME_WHITEOUT leaves behind: a character device 0/0 with mode bits 0.
    static func whiteout(context: RamContext, inode: UInt64, owner: NodeOwner, now: Timespec) -> RamSpecialNode {
        RamSpecialNode(
            type: .characterDevice, context: context, inode: inode, permissions: 0, device: .none, owner: owner,
            now: now)
    }
}
