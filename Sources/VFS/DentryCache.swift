/// A directory's name → node cache, with negative entries, so that repeated lookups of the
/// same names (`ld.so` probing library paths, `stat` of one config file) do not reach the file
/// system.
///
/// The VFS owns the cache's contents: it fills it from lookups and invalidates the names it
/// creates, removes or renames through the directory. A miss is filled only if nothing was
/// invalidated since the lookup began (the `generation` check), so a lookup racing with a
/// create can never leave a stale negative entry behind.
///
/// Its lock is a leaf: the cache never calls the file system while holding it.
public final class DentryCache {
    enum Entry {
        case positive(VNode)
        case negative
    }

    let lock: any VFSLock
    var entries = NameTable<Entry>()
    var generation: UInt64 = 0
    /// The most entries kept; reaching it drops the negative entries, then everything.
    public let capacity: Int

    public init(lock: any VFSLock, capacity: Int = 256) {
        self.lock = lock
        self.capacity = capacity > 0 ? capacity : 1
    }

    /// How many names are cached (positive and negative).
    public var count: Int { shared(lock) { entries.count } }

    /// The cached entry for `name`, and the generation to pass to `insert` after a miss.
    func find(_ name: [UInt8]) -> (entry: Entry?, generation: UInt64) {
        shared(lock) { (entries[name], generation) }
    }

    /// Caches `entry` for `name` unless the cache changed since `generation` was read.
    func insert(_ name: [UInt8], _ entry: Entry, ifGeneration expected: UInt64) {
        exclusively(lock) {
            guard generation == expected else { return }
            if entries.count >= capacity {
                entries.filter { entry in
                    if case .positive = entry { return true }
                    return false
                }
                if entries.count >= capacity { entries.removeAll() }
            }
            entries[name] = entry
        }
    }

    /// Forgets `name` (it was created, removed or renamed).
    func invalidate(_ name: [UInt8]) {
        exclusively(lock) {
            entries[name] = nil
            generation &+= 1
        }
    }

    /// Forgets everything.
    public func invalidateAll() {
        exclusively(lock) {
            entries.removeAll()
            generation &+= 1
        }
    }
}
