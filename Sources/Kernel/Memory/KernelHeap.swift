#if SKIFF_KERNEL
import CKernel

/// The allocator behind `posix_memalign`/`free` for all Swift objects in the kernel.
///
/// Until the memory subsystem is up this is a bump allocator over a fixed arena in .bss.
enum KernelHeap {
    nonisolated(unsafe) private static var next: UInt = 0
    nonisolated(unsafe) static var bytesAllocated: UInt = 0

    static func allocate(size: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        if next == 0 { next = UInt(skiff_early_heap_start()) }
        let align = UInt(max(alignment, 16))
        let start = (next &+ align &- 1) & ~(align &- 1)
        let end = start &+ UInt(max(size, 1))
        guard end <= UInt(skiff_early_heap_end()) else { return nil }
        next = end
        bytesAllocated &+= UInt(size)
        return UnsafeMutableRawPointer(bitPattern: start)
    }

    static func free(_ pointer: UnsafeMutableRawPointer) {
        // Early-arena blocks are not reused.
    }
}
#endif
