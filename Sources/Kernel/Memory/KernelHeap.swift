#if SKIFF_KERNEL
import Trace
import CKernel
import Memory

/// Whole pages for the slab heap, from the frame allocator through the direct map.
struct DirectMapPages: PageSource {
    mutating func allocatePages(count: Int) -> UnsafeMutableRawPointer? {
        guard let physical = PhysicalMemory.allocate(pages: count) else { return nil }
        return DirectMap.pointer(physical)
    }

    mutating func freePages(_ start: UnsafeMutableRawPointer, count: Int) {
        PhysicalMemory.free(DirectMap.physical(start), pages: count)
    }
}

/// The allocator behind `posix_memalign`/`free` for all Swift objects in the kernel.
///
/// Before the frame allocator exists, allocations come from a small arena in .bss (a bump
/// allocator; its blocks are never reused). Afterwards the slab heap serves everything.
enum KernelHeap {
    nonisolated(unsafe) private static var next: UInt = 0
    nonisolated(unsafe) static var heap: SlabHeap<DirectMapPages>? = nil
    static let lock = SpinLock()
    nonisolated(unsafe) static var earlyBytes: UInt = 0

    static func allocate(size: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        if heap != nil {
            var p = allocateFromHeap(byteCount: max(size, 1), alignment: max(alignment, 16))
            if p == nil {
                // Out of pages: objects parked in CPU caches and empty slabs go back first.
                reclaim()
                p = allocateFromHeap(byteCount: max(size, 1), alignment: max(alignment, 16))
            }
            Tracing.fire(.memoryMalloc, UInt64(size), UInt64(alignment), UInt64(UInt(bitPattern: p)))
            return p
        }
        if next == 0 { next = UInt(skiff_early_heap_start()) }
        let align = UInt(max(alignment, 16))
        let start = (next &+ align &- 1) & ~(align &- 1)
        let end = start &+ UInt(max(size, 1))
        guard end <= UInt(skiff_early_heap_end()) else { return nil }
        next = end
        earlyBytes = end - UInt(skiff_early_heap_start())
        return UnsafeMutableRawPointer(bitPattern: start)
    }

    static func free(_ pointer: UnsafeMutableRawPointer) {
        let address = UInt(bitPattern: pointer)
        if address >= UInt(skiff_early_heap_start()) && address < UInt(skiff_early_heap_end()) { return }
        Tracing.fire(.memoryFree, UInt64(address))
        let freed: Bool
        if cacheCount > 0, let c = (try? SlabHeap<DirectMapPages>.classIndex(of: pointer)) ?? nil {
            let cpu = thisCacheIndex
            freed = cacheLocks[cpu].withLock {
                do throws(HeapError) {
                    if try caches[cpu].push(pointer, classIndex: c) { return true }
                } catch {
                    return false
                }
                let available = freeBytes
                return lock.withLock {
                    do throws(HeapError) {
                        try caches[cpu].flush(pointer, classIndex: c, into: &heap!, freeBytes: available, cpuCount: cacheCount)
                        return true
                    } catch {
                        return false
                    }
                }
            }
        } else {
            freed = lock.withLock {
                do throws(HeapError) {
                    try heap!.free(pointer)
                    return true
                } catch {
                    return false
                }
            }
        }
        if !freed { Panic.halt("kernel heap: free of a pointer that is not allocated (double free?)") }
    }

    // MARK: Per-CPU object caches

    /// Each CPU's `ObjectCache`, and the lock that guards it: taken by its own CPU on every
    /// cached allocation and free (uncontended), and by another only to drain it when memory
    /// runs out. Lock order: a cache's lock, then the heap's, then the page allocator's.
    nonisolated(unsafe) static var caches: UnsafeMutablePointer<ObjectCache> = .init(bitPattern: 16)!
    nonisolated(unsafe) static var cacheLocks: UnsafeMutablePointer<SpinLock> = .init(bitPattern: 16)!
    nonisolated(unsafe) static var cacheCount = 0

    /// This CPU's cache (read with interrupts off; a thread moved to another CPU right after
    /// uses the old CPU's cache under its lock, which is correct, only not local).
    static var thisCacheIndex: Int { withInterruptsDisabled { Int(skiff_percpu_cpu_index()) } % cacheCount }

    /// What the caches' sizing rule reads on a slow path.
    static var freeBytes: Int { Int(PhysicalMemory.freeBytes) }

    static func allocateFromHeap(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        guard cacheCount > 0, let c = SizeClasses.index(byteCount: byteCount, alignment: alignment) else {
            return lock.withLock { heap!.allocate(byteCount: byteCount, alignment: alignment) }
        }
        let cpu = thisCacheIndex
        return cacheLocks[cpu].withLock {
            if let object = caches[cpu].pop(classIndex: c) { return object }
            let available = freeBytes
            return lock.withLock {
                caches[cpu].refill(classIndex: c, from: &heap!, freeBytes: available, cpuCount: cacheCount)
            }
        }
    }

    /// Gives every CPU's cached objects and the heap's empty slabs back to the page allocator.
    static func reclaim() {
        for cpu in 0..<cacheCount {
            cacheLocks[cpu].withLock { lock.withLock { caches[cpu].drain(into: &heap!) } }
        }
        lock.withLock { heap!.releaseEmptySlabs() }
    }

    /// Switches allocation to the slab heap once the frame allocator is up, then puts a cache
    /// in front of it for each of `cpuCount` CPUs.
    static func startSlabHeap(cpuCount: Int) {
        heap = SlabHeap(pages: DirectMapPages())
        let count = max(cpuCount, 1)
        let locks = UnsafeMutablePointer<SpinLock>.allocate(capacity: count)
        let objects = UnsafeMutablePointer<ObjectCache>.allocate(capacity: count)
        for i in 0..<count {
            (locks + i).initialize(to: SpinLock())
            (objects + i).initialize(to: ObjectCache())
        }
        ObjectCache.tagKey = UInt(truncatingIfNeeded: x86_rdtsc() &* 0x9E37_79B9_7F4A_7C15) | 1
        cacheLocks = locks
        caches = objects
        cacheCount = count
    }

    /// Bytes of objects sitting in CPU caches (in use as far as the heap knows).
    static var bytesCached: Int {
        var total = 0
        for i in 0..<cacheCount { total &+= caches[i].cachedBytes }
        return total
    }

    /// Objects of size class `c` sitting in CPU caches.
    static func objectsCached(classIndex c: Int) -> Int {
        var total = 0
        for i in 0..<cacheCount { total &+= caches[i].count(classIndex: c) }
        return total
    }

    static var bytesInUse: Int { (heap.map { $0.bytesInUse } ?? 0) &- bytesCached }
    static var bytesReserved: Int { heap.map { $0.bytesInSlabs + $0.bytesInLargeRuns } ?? 0 }
}
#endif
