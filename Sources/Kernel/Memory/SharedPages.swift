#if SKIFF_KERNEL
/// The pages of a `MAP_SHARED | MAP_ANONYMOUS` mapping: one set of frames every process mapping
/// it sees (fork keeps the mapping shared). The frames belong to this object — page-table
/// entries for them are `borrowed` — and go back to the allocator when the last address space
/// mapping it lets go.
final class SharedPages {
    private var frames: [UInt64] = []
    let lock = SpinLock()

    init(pages: Int) {
        frames = [UInt64](repeating: 0, count: pages)
    }

    /// The frame for page `index`, allocating a zeroed one on first use; nil when out of
    /// memory or beyond the object.
    func frame(_ index: Int) -> UInt64? {
        lock.withLock {
            guard index >= 0, index < frames.count else { return nil }
            if frames[index] == 0 {
                guard let f = PhysicalMemory.allocateZeroed() else { return nil }
                frames[index] = f
            }
            return frames[index]
        }
    }

    var count: Int { frames.count }

    deinit {
        for f in frames where f != 0 { PhysicalMemory.free(f) }
    }
}
#endif
