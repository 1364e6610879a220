#if SKIFF_KERNEL
/// The file-system types `--mount-fs` and `mount(2)` can mount, by the names Linux knows them.
enum MountableType {
    /// ext4 on a disk (also asked for as ext2 or ext3).
    case ext4
    /// A fresh in-memory file system (also asked for as ramfs).
    case tmpfs
    /// A host folder shared over virtio-9p, named by its mount tag.
    case ninep
    /// proc, sysfs, devtmpfs: the kernel mounts them at boot.
    case kernelTree

    init?(name: [UInt8]) {
        switch name {
        case Array("ext4".utf8), Array("ext3".utf8), Array("ext2".utf8): self = .ext4
        case Array("tmpfs".utf8), Array("ramfs".utf8): self = .tmpfs
        case Array("9p".utf8): self = .ninep
        case Array("proc".utf8), Array("sysfs".utf8), Array("devtmpfs".utf8): self = .kernelTree
        default: return nil
        }
    }

    /// The type `/proc/mounts` shows for a mount of this kind.
    var typeName: [UInt8] {
        switch self {
        case .ext4: Array("ext4".utf8)
        case .tmpfs: Array("tmpfs".utf8)
        case .ninep: Array("9p".utf8)
        case .kernelTree: []
        }
    }
}
#endif
