import Synchronization

/// A file system attached to the tree: which file system, where, and how.
public final class Mount {
    /// Unique, never reused; what statx reports as `stx_mnt_id`.
    public let id: UInt64
    public let fileSystem: any FileSystem
    /// The file system's root, cached because path resolution asks for it constantly.
    public let root: VNode
    public let flags: MountFlags
    /// The mount this one sits in; nil for the root of the tree.
    public let parent: Mount?
    /// The directory of `parent` this mount covers; nil for the root of the tree.
    public let mountpoint: VNode?
    /// What was mounted, as `/proc/mounts` shows it ("proc", "tmpfs", "/dev/vda").
    public let source: [UInt8]
    /// The file system type `/proc/mounts` shows ("proc", "tmpfs", "ext4"); empty when the
    /// mounter gave none.
    public let typeName: [UInt8]
    /// Open file descriptions on this mount, so a busy file system is not unmounted.
    let openFiles = Atomic<Int>(0)
    /// False once unmounted; `..` at the root of a detached mount stays there. Written under
    /// the mount table's lock.
    let attached = Atomic<Bool>(true)

    init(
        id: UInt64, fileSystem: any FileSystem, flags: MountFlags, parent: Mount?, mountpoint: VNode?,
        source: [UInt8], typeName: [UInt8]
    ) {
        self.id = id
        self.fileSystem = fileSystem
        self.root = fileSystem.root
        self.flags = flags
        self.parent = parent
        self.mountpoint = mountpoint
        self.source = source
        self.typeName = typeName
    }

    /// Whether changes through this mount fail with EROFS: a read-only mount or a read-only
    /// file system.
    public var isReadOnly: Bool { flags.contains(.readOnly) || fileSystem.isReadOnly }

    /// Whether the mount is still in the tree.
    public var isAttached: Bool { attached.load(ordering: .acquiring) }

    /// How many open file descriptions refer to this mount.
    public var openFileCount: Int { openFiles.load(ordering: .relaxed) }
}
