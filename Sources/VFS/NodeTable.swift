/// A file system's nodes by number (ext4 inode, 9p qid path), each number at most once: how a
/// file system gives the VFS the same node object for the same file.
///
/// `sweepWhenGrown` drops the nodes nothing but the table references each time the table has
/// doubled since the last sweep, so a walk over a large tree does not keep every node it saw.
/// Not locked: its file system guards it.
public struct NodeTable<Node: AnyObject> {
    private var slots = NumberTable()
    private var nodes: [Node?] = []
    private var keys: [UInt64] = []
    private var free: [Int] = []
    private var sweepAt = 256

    public init() {}

    public var count: Int { slots.count }

    public subscript(key: UInt64) -> Node? {
        guard let slot = slots[key] else { return nil }
        return nodes[slot]
    }

    /// Adds `node` under `key`; returns the node it replaced, if any.
    @discardableResult
    public mutating func insert(_ node: Node, for key: UInt64) -> Node? {
        if let slot = slots[key] {
            let old = nodes[slot]
            nodes[slot] = node
            return old
        }
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            nodes[slot] = node
            keys[slot] = key
        } else {
            slot = nodes.count
            nodes.append(node)
            keys.append(key)
        }
        slots.set(key, slot)
        return nil
    }

    /// Takes the node of `key` out; returns it.
    @discardableResult
    public mutating func remove(_ key: UInt64) -> Node? {
        guard let slot = slots[key] else { return nil }
        let node = nodes[slot]
        nodes[slot] = nil
        slots.remove(key)
        free.append(slot)
        return node
    }

    /// When the table has doubled since the last sweep (and has 256 nodes at least), removes
    /// the nodes only the table references and `droppable` agrees to drop; returns them.
    public mutating func sweepWhenGrown(_ droppable: (Node) -> Bool) -> [Node] {
        guard slots.count >= sweepAt else { return [] }
        var dropped: [Node] = []
        for slot in 0..<nodes.count {
            guard var node = nodes[slot] else { continue }
            nodes[slot] = nil
            if isKnownUniquelyReferenced(&node) && droppable(node) {
                slots.remove(keys[slot])
                free.append(slot)
                dropped.append(node)
            } else {
                nodes[slot] = node
            }
        }
        sweepAt = max(256, slots.count &* 2)
        return dropped
    }

    /// Empties the table (unmount); returns every node it held.
    public mutating func removeAll() -> [Node] {
        let all = nodes.compactMap { $0 }
        self = NodeTable()
        return all
    }
}
