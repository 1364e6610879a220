/// Whole-file advisory locks as `flock(2)` keeps them: held by open file descriptions (so
/// `dup`ed and inherited descriptors share one lock), on nodes, shared or exclusive.
///
/// Only the bookkeeping lives here, so the host tests can drive it; the kernel wraps it in a
/// lock and a wait queue for the blocking form. Linux's conversion rule is kept: a description
/// that changes its lock's kind gives up the old lock first, so a conversion that has to wait
/// (or fails with LOCK_NB) has released it.
public struct FileLockTable {
    public enum Kind: Equatable, Sendable {
        case shared
        case exclusive
    }

    struct Holder {
        var owner: ObjectIdentifier
        var kind: Kind
    }

    /// Nodes with locks and who holds them; few at a time, so a list.
    private var entries: [(node: ObjectIdentifier, holders: [Holder])] = []

    public init() {}

    /// Takes (or converts to) a `kind` lock on `node` for `owner`; false when another
    /// description holds a conflicting one.
    public mutating func acquire(node: ObjectIdentifier, owner: ObjectIdentifier, kind: Kind) -> Bool {
        let index = entries.firstIndex { $0.node == node }
        if let index {
            if let own = entries[index].holders.firstIndex(where: { $0.owner == owner }) {
                if entries[index].holders[own].kind == kind { return true }
                entries[index].holders.remove(at: own)
            }
            let conflicts = entries[index].holders.contains { kind == .exclusive || $0.kind == .exclusive }
            if conflicts {
                if entries[index].holders.isEmpty { entries.remove(at: index) }
                return false
            }
            entries[index].holders.append(Holder(owner: owner, kind: kind))
        } else {
            entries.append((node, [Holder(owner: owner, kind: kind)]))
        }
        return true
    }

    /// Drops `owner`'s lock on `node`; true if it had one (waiters may now succeed).
    @discardableResult
    public mutating func release(node: ObjectIdentifier, owner: ObjectIdentifier) -> Bool {
        guard let index = entries.firstIndex(where: { $0.node == node }),
            let own = entries[index].holders.firstIndex(where: { $0.owner == owner })
        else { return false }
        entries[index].holders.remove(at: own)
        if entries[index].holders.isEmpty { entries.remove(at: index) }
        return true
    }

    /// Drops every lock `owner` holds (its description was closed for the last time).
    @discardableResult
    public mutating func releaseAll(owner: ObjectIdentifier) -> Bool {
        var released = false
        for index in entries.indices.reversed() {
            let before = entries[index].holders.count
            entries[index].holders.removeAll { $0.owner == owner }
            if entries[index].holders.count != before { released = true }
            if entries[index].holders.isEmpty { entries.remove(at: index) }
        }
        return released
    }

    /// The kind of lock `owner` holds on `node`, if any (for /proc/locks and tests).
    public func kind(node: ObjectIdentifier, owner: ObjectIdentifier) -> Kind? {
        entries.first { $0.node == node }?.holders.first { $0.owner == owner }?.kind
    }

    /// Nodes that have at least one lock.
    public var lockedNodeCount: Int { entries.count }
}
