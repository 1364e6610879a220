/// A map from 64-bit numbers to small integers: ext4's block cache and node table (block and
/// inode numbers to slots), 9p's node table (qid paths to slots).
///
/// Open addressing with linear probing and backward-shift deletion, integer-only: the kernel
/// must not use `Dictionary`, which sizes its storage with floating point. Keys are scrambled
/// with a multiplicative hash so runs of consecutive numbers spread over the table.
public struct NumberTable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var used: [Bool]
    public private(set) var count = 0
    private var mask: Int

    public init(capacity: Int = 64) {
        var size = 16
        while size < capacity &* 2 { size &<<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: 0, count: size)
        used = [Bool](repeating: false, count: size)
        mask = size &- 1
    }

    @inline(__always) private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    public subscript(key: UInt64) -> Int? {
        var index = home(key)
        while used[index] {
            if keys[index] == key { return Int(values[index]) }
            index = (index &+ 1) & mask
        }
        return nil
    }

    public mutating func set(_ key: UInt64, _ value: Int) {
        if (count &+ 1) &* 4 > keys.count &* 3 { grow() }
        var index = home(key)
        while used[index] {
            if keys[index] == key {
                values[index] = Int32(truncatingIfNeeded: value)
                return
            }
            index = (index &+ 1) & mask
        }
        used[index] = true
        keys[index] = key
        values[index] = Int32(truncatingIfNeeded: value)
        count &+= 1
    }

    public mutating func remove(_ key: UInt64) {
        var index = home(key)
        while used[index] {
            if keys[index] == key { break }
            index = (index &+ 1) & mask
        }
        guard used[index] else { return }
        used[index] = false
        count &-= 1
        // Shift later members of the probe run back so lookups never stop at the hole early.
        var hole = index
        var next = (index &+ 1) & mask
        while used[next] {
            let desired = home(keys[next])
            let distanceToHole = (hole &- desired) & mask
            let distanceToNext = (next &- desired) & mask
            if distanceToHole < distanceToNext {
                keys[hole] = keys[next]
                values[hole] = values[next]
                used[hole] = true
                used[next] = false
                hole = next
            }
            next = (next &+ 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let oldUsed = used
        let size = keys.count &* 2
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: 0, count: size)
        used = [Bool](repeating: false, count: size)
        mask = size &- 1
        count = 0
        for index in 0..<oldKeys.count where oldUsed[index] {
            set(oldKeys[index], Int(oldValues[index]))
        }
    }
}
