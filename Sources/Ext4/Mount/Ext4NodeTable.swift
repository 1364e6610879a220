import VFS

/// The one `Ext4Node` per inode that the VFS may hold, keyed by inode number.
///
/// Guarded by the volume lock. When the table doubles past its last size, nodes nobody else
/// references (no open file, dentry cache or path walk holds them) are dropped, so a walk over
/// a large tree does not keep every inode it ever saw.
struct Ext4NodeTable {
    private var nodes = NodeTable<Ext4Node>()

    func existing(_ number: UInt32) -> Ext4Node? { nodes[UInt64(number)] }

    /// The node of `number`, made (as `type`) if the table has none.
    mutating func node(_ number: UInt32, type: VNodeType, volume: Ext4Volume) -> Ext4Node {
        if let node = existing(number) { return node }
        // Open inodes stay (an unlinked one is freed at its last close), and so does the root.
        _ = nodes.sweepWhenGrown { $0.openCount == 0 && $0.inode != Ext4FileSystem.rootInode }
        let made = Ext4Node(volume: volume, inode: number, type: type)
        nodes.insert(made, for: UInt64(number))
        return made
    }

    /// Open file descriptions on `number` (what the module's `isInUse` asks).
    func openCount(_ number: UInt32) -> Int { existing(number)?.openCount ?? 0 }

    /// Forgets every node (unmount), breaking the node → volume references.
    mutating func removeAll() {
        for node in nodes.removeAll() { node.dentryCache?.invalidateAll() }
    }
}
