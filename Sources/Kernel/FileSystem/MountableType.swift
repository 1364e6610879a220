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

    /// Every name a mount accepts and what it mounts, in the order `/proc/filesystems` lists
    /// them (Linux's registration order), so the list and `mount` can never disagree.
    static var names: [(name: StaticString, type: MountableType)] {
        [
            ("sysfs", .kernelTree), ("tmpfs", .tmpfs), ("devtmpfs", .kernelTree), ("proc", .kernelTree),
            ("ramfs", .tmpfs), ("ext3", .ext4), ("ext2", .ext4), ("ext4", .ext4), ("9p", .ninep),
        ]
    }

    init?(name: [UInt8]) {
        for entry in Self.names where FileSystems.name(entry.name) == name {
            self = entry.type
            return
        }
        return nil
    }

    /// Whether the type mounts a block device; `/proc/filesystems` marks the others "nodev".
    var needsDevice: Bool { self == .ext4 }

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
