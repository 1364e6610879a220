import LinuxABI
import VFS

/// What every synthetic node has: a place in its file system and permission bits. The
/// subclasses are `SyntheticDirectory`, `SyntheticFile` and `SyntheticLink`.
public class SyntheticNode: VNode {
    public let place: SyntheticPlace
    public let permissions: UInt32
    /// When the node was made, which is what it reports for all its times.
    let created: Timespec

    init(type: VNodeType, place: SyntheticPlace, permissions: UInt32) {
        self.place = place
        self.permissions = permissions
        created = place.fileSystem.clock()
        super.init(type: type)
    }

    public final var inode: UInt64 { place.inode }

    public override func attributes() throws(Errno) -> FileAttributes {
        FileAttributes(
            type: type, permissions: permissions, linkCount: type == .directory ? 2 : 1, size: 0, blocks: 0,
            blockSize: 1024, inode: place.inode, device: place.fileSystem.device, accessTime: created,
            modificationTime: created, changeTime: created)
    }

    /// chmod and chown are EPERM (Linux's `proc_setattr`); sizes and times are accepted and
    /// ignored, so O_TRUNC works when opening for writing (`echo x > /proc/self/comm`).
    public override func setAttributes(_ changes: AttributeChanges) throws(Errno) {
        guard changes.permissions == nil, changes.uid == nil, changes.gid == nil else { throw .EPERM }
    }
}
