/// TCP connections by four-tuple: a chained hash table with its own hash function (the
/// standard `Dictionary` needs floating point for its growth policy, which the kernel build
/// avoids). It doubles when the load exceeds two entries per bucket.
struct ConnectionTable {
    private var buckets: [[(key: ConnectionKey, socket: TCPSocket)]] = Array(repeating: [], count: 64)
    private(set) var count = 0

    private func bucket(_ key: ConnectionKey) -> Int {
        Int(truncatingIfNeeded: key.hash & UInt64(buckets.count &- 1))
    }

    func lookup(_ key: ConnectionKey) -> TCPSocket? {
        for entry in buckets[bucket(key)] where entry.key == key { return entry.socket }
        return nil
    }

    mutating func insert(_ key: ConnectionKey, _ socket: TCPSocket) {
        if count >= buckets.count &* 2 { grow() }
        buckets[bucket(key)].append((key, socket))
        count &+= 1
    }

    mutating func remove(_ key: ConnectionKey, _ socket: TCPSocket) {
        let b = bucket(key)
        if let i = buckets[b].firstIndex(where: { $0.key == key && $0.socket === socket }) {
            buckets[b].remove(at: i)
            count &-= 1
        }
    }

    func contains(where predicate: (TCPSocket) -> Bool) -> Bool {
        for chain in buckets {
            for entry in chain where predicate(entry.socket) { return true }
        }
        return false
    }

    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: [], count: old.count &* 2)
        for chain in old {
            for entry in chain { buckets[bucket(entry.key)].append(entry) }
        }
    }
}
