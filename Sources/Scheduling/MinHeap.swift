/// A binary min-heap of (key, id) with removal by id, used for fair-share ordering and timers.
///
/// IDs are small non-negative integers (the kernel's thread-table slots), so the position index
/// is an array rather than a dictionary: the kernel avoids `Dictionary`, whose capacity math
/// uses floating point the kernel must not execute.
struct MinHeap: Sendable {
    private var keys: [UInt64] = []
    private var ids: [Int] = []
    private var positions = SlotMap<Int>()

    var count: Int { ids.count }
    var isEmpty: Bool { ids.isEmpty }
    var min: (UInt64, Int)? { ids.isEmpty ? nil : (keys[0], ids[0]) }
    func contains(_ id: Int) -> Bool { positions[id] != nil }
    func key(of id: Int) -> UInt64? { positions[id].map { keys[$0] } }

    mutating func insert(_ key: UInt64, _ id: Int) {
        keys.append(key)
        ids.append(id)
        positions[id] = ids.count - 1
        siftUp(ids.count - 1)
    }

    mutating func popMin() -> (UInt64, Int)? {
        guard !ids.isEmpty else { return nil }
        let result = (keys[0], ids[0])
        removeAt(0)
        return result
    }

    @discardableResult
    mutating func remove(_ id: Int) -> UInt64? {
        guard let i = positions[id] else { return nil }
        let key = keys[i]
        removeAt(i)
        return key
    }

    private mutating func removeAt(_ i: Int) {
        let last = ids.count - 1
        positions[ids[i]] = nil
        if i != last {
            keys[i] = keys[last]
            ids[i] = ids[last]
            positions[ids[i]] = i
        }
        keys.removeLast()
        ids.removeLast()
        if i < ids.count {
            siftDown(i)
            siftUp(i)
        }
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        keys[a] < keys[b] || (keys[a] == keys[b] && ids[a] < ids[b])
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        keys.swapAt(a, b)
        ids.swapAt(a, b)
        positions[ids[a]] = a
        positions[ids[b]] = b
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(i, parent) else { return }
            swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var smallest = i
            if l < ids.count && less(l, smallest) { smallest = l }
            if r < ids.count && less(r, smallest) { smallest = r }
            if smallest == i { return }
            swapAt(i, smallest)
            i = smallest
        }
    }
}
