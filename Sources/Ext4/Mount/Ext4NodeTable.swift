import VFS

/// The one `Ext4Node` per inode that the VFS may hold, keyed by inode number.
///
/// Guarded by the volume lock. When the table doubles past its last size, nodes nobody else
/// references (no open file, dentry cache or path walk holds them) are dropped, so a walk over
/// a large tree does not keep every inode it ever saw.
struct Ext4NodeTable {
    private var slots = BlockTable()
    private var nodes: [Ext4Node?] = []
    private var free: [Int] = []
    private var sweepAt = 256

    func existing(_ number: UInt32) -> Ext4Node? {
        guard let slot = slots[UInt64(number)] else { return nil }
        return nodes[slot]
    }

    /// The node of `number`, made (as `type`) if the table has none.
    mutating func node(_ number: UInt32, type: VNodeType, volume: Ext4Volume) -> Ext4Node {
        if let node = existing(number) { return node }
        if slots.count >= sweepAt {
            sweep()
            sweepAt = max(256, slots.count &* 2)
        }
        let made = Ext4Node(volume: volume, inode: number, type: type)
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            nodes[slot] = made
        } else {
            slot = nodes.count
            nodes.append(made)
        }
        slots.set(UInt64(number), slot)
        return made
    }

    /// Open file descriptions on `number` (what the module's `isInUse` asks).
    func openCount(_ number: UInt32) -> Int { existing(number)?.openCount ?? 0 }

    /// Drops nodes only the table references, except open ones and the root.
    private mutating func sweep() {
        for slot in 0..<nodes.count {
            guard var node = nodes[slot] else { continue }
            nodes[slot] = nil
            if isKnownUniquelyReferenced(&node) && node.openCount == 0 && node.inode != 2 {
                slots.remove(UInt64(node.inode))
                free.append(slot)
            } else {
                nodes[slot] = node
            }
        }
    }

    /// Forgets every node (unmount), breaking the node → volume references.
    mutating func removeAll() {
        for node in nodes { node?.dentryCache?.invalidateAll() }
        nodes.removeAll()
        free.removeAll()
        slots = BlockTable()
    }
}
