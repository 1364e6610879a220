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
            let p = lock.withLock { heap!.allocate(byteCount: max(size, 1), alignment: max(alignment, 16)) }
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
        lock.withLock {
            do throws(HeapError) { try heap!.free(pointer) } catch {
                Panic.halt("kernel heap: free of a pointer that is not allocated (double free?)")
            }
        }
    }

    /// Switches allocation to the slab heap once the frame allocator is up.
    static func startSlabHeap() {
        heap = SlabHeap(pages: DirectMapPages())
    }

    static var bytesInUse: Int { heap.map { $0.bytesInUse } ?? 0 }
    static var bytesReserved: Int { heap.map { $0.bytesInSlabs + $0.bytesInLargeRuns } ?? 0 }
}
#endif
