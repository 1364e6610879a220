import VFS

/// The one `NinePNode` per server file (qid path) that the VFS may hold.
///
/// Guarded by the file system's lock. Nodes leave it two ways: swept when the table has doubled
/// and nothing but the table references them, or retired when this client removed or replaced
/// their name (the host may give the inode number to a new file, whose qid must not find the
/// old node with its stale fid). Retired nodes wait until nothing references them either. Their
/// fids are returned for the caller to clunk once it has let go of the lock.
struct NinePNodeTable {
    private var nodes = NodeTable<NinePNode>()
    private var retired: [NinePNode] = []

    func existing(_ path: UInt64) -> NinePNode? { nodes[path] }

    /// Adds `node`, retiring any node the table had for its qid path. Returns the fids of the
    /// nodes a sweep dropped.
    mutating func insert(_ node: NinePNode) -> [UInt32] {
        var dropped: [UInt32] = []
        for old in nodes.sweepWhenGrown({ _ in true }) { old.collectFids(into: &dropped) }
        if !retired.isEmpty { sweepRetired(into: &dropped) }
        if let old = nodes.insert(node, for: node.qidPath) { retired.append(old) }
        return dropped
    }

    /// Takes the node of `path` out of lookups (its name is gone).
    mutating func retire(_ path: UInt64) {
        if let node = nodes.remove(path) { retired.append(node) }
    }

    private mutating func sweepRetired(into dropped: inout [UInt32]) {
        var kept: [NinePNode] = []
        while var node = retired.popLast() {
            if isKnownUniquelyReferenced(&node) {
                node.collectFids(into: &dropped)
            } else {
                kept.append(node)
            }
        }
        retired = kept
    }

    /// Forgets every node (unmount), breaking the node → file system references; returns every
    /// fid they held.
    mutating func removeAll() -> [UInt32] {
        var fids: [UInt32] = []
        for node in nodes.removeAll() + retired { node.collectFids(into: &fids) }
        retired.removeAll()
        return fids
    }
}
