/// The smallest `-m` (in MiB) at which a system still runs hello, by binary search between a
/// size that fails and one that works, down to `resolution` MiB.
struct MemoryFloorSearch {
    var start: Int
    var resolution: Int
    var ceiling = 4096

    /// `works(MiB)` boots once. Returns the smallest size found to work and how many boots it
    /// took, or nil when even `ceiling` fails.
    func run(_ works: (Int) throws -> Bool) rethrows -> (floor: Int, probes: Int)? {
        var probes = 0
        var high = start
        while true {
            probes += 1
            if try works(high) { break }
            if high >= ceiling { return nil }
            high = min(high * 2, ceiling)
        }
        var low = 0  // 0 MiB fails by definition
        while high - low > resolution {
            let middle = (low + high) / 2
            probes += 1
            if try works(middle) { high = middle } else { low = middle }
        }
        return (high, probes)
    }
}
