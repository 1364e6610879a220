/// A hash table from names (byte strings) to values: what directories and dentry caches index
/// their entries with.
///
/// Not `Dictionary`, because Dictionary sizes its storage with `Double` arithmetic (`ceil` of
/// capacity over load factor); in the kernel that is x87 code that would clobber the
/// application's FPU registers inside a system call. This table uses integers only: open
/// addressing with linear probing in a power-of-two array, at most 3/4 full, shrinking when
/// less than 1/8 full so a directory emptied of many entries gives its memory back. Deletion
/// shifts later entries back instead of leaving tombstones, so lookups never slow down with
/// churn. Names hash with the standard `Hasher` (SipHash, seeded per boot), so applications
/// cannot pick names that collide.
struct NameTable<Value> {
    private var names: [[UInt8]?] = []
    private var hashes: [Int] = []
    private var values: [Value?] = []
    private(set) var count = 0

    static var minimumCapacity: Int { 8 }

    var isEmpty: Bool { count == 0 }

    subscript(name: [UInt8]) -> Value? {
        get {
            guard let slot = find(name, hash: name.hashValue) else { return nil }
            return values[slot]
        }
        set {
            if let newValue {
                insert(name, newValue)
            } else {
                removeValue(forKey: name)
            }
        }
    }

    /// Every name and value, in no particular order.
    func forEach(_ body: ([UInt8], Value) -> Void) {
        for slot in 0..<names.count {
            if let name = names[slot], let value = values[slot] { body(name, value) }
        }
    }

    mutating func removeAll() {
        names = []
        hashes = []
        values = []
        count = 0
    }

    /// Keeps only the entries `keep` accepts.
    mutating func filter(_ keep: (Value) -> Bool) {
        var kept = NameTable()
        forEach { name, value in if keep(value) { kept.insert(name, value) } }
        self = kept
    }

    @discardableResult
    mutating func removeValue(forKey name: [UInt8]) -> Value? {
        guard var hole = find(name, hash: name.hashValue) else { return nil }
        let removed = values[hole]
        let mask = names.count - 1
        names[hole] = nil
        values[hole] = nil
        count -= 1
        // Shift back entries whose probe sequence runs through the hole.
        var next = hole
        while true {
            next = (next + 1) & mask
            guard names[next] != nil else { break }
            let home = hashes[next] & mask
            let between = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if between { continue }
            names[hole] = names[next]
            hashes[hole] = hashes[next]
            values[hole] = values[next]
            names[next] = nil
            values[next] = nil
            hole = next
        }
        if names.count > Self.minimumCapacity && count * 8 < names.count { resize(to: names.count / 2) }
        return removed
    }

    // MARK: Internals

    private func find(_ name: [UInt8], hash: Int) -> Int? {
        guard !names.isEmpty else { return nil }
        let mask = names.count - 1
        var slot = hash & mask
        while let stored = names[slot] {
            if hashes[slot] == hash && stored == name { return slot }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private mutating func insert(_ name: [UInt8], _ value: Value) {
        let hash = name.hashValue
        if let slot = find(name, hash: hash) {
            values[slot] = value
            return
        }
        if (count + 1) * 4 > names.count * 3 {
            resize(to: max(Self.minimumCapacity, names.count * 2))
        }
        place(name, hash, value)
        count += 1
    }

    private mutating func place(_ name: [UInt8], _ hash: Int, _ value: Value) {
        let mask = names.count - 1
        var slot = hash & mask
        while names[slot] != nil { slot = (slot + 1) & mask }
        names[slot] = name
        hashes[slot] = hash
        values[slot] = value
    }

    private mutating func resize(to capacity: Int) {
        let oldNames = names
        let oldHashes = hashes
        let oldValues = values
        names = [[UInt8]?](repeating: nil, count: capacity)
        hashes = [Int](repeating: 0, count: capacity)
        values = [Value?](repeating: nil, count: capacity)
        for slot in 0..<oldNames.count {
            if let name = oldNames[slot], let value = oldValues[slot] { place(name, oldHashes[slot], value) }
        }
    }
}
