import LinuxABI

/// A symlink of a `RamFileSystem`; its target never changes.
final class RamSymlink: RamNode {
    let target: [UInt8]

    init(context: RamContext, inode: UInt64, target: [UInt8], owner: NodeOwner, now: Timespec) {
        self.target = target
        super.init(
            type: .symlink, context: context, inode: inode, permissions: 0o777, owner: owner, linkCount: 1, now: now)
    }

    override var contentSize: UInt64 { UInt64(target.count) }

    override func readLink() throws(Errno) -> [UInt8] { target }
}
