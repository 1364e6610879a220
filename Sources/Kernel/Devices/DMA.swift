#if SKIFF_KERNEL
import CKernel

/// Memory devices read and write on their own: rings, request headers, bounce buffers.
///
/// Skiff has no IOMMU in the path, so a device addresses memory by physical address. DMA memory
/// comes from the frame allocator (physically contiguous, zeroed) and the CPU reaches it through
/// the direct map, which is cacheable: virtio devices are cache-coherent on x86.
struct DMABuffer {
    let physical: UInt64
    let order: Int

    var pointer: UnsafeMutableRawPointer { DirectMap.pointer(physical) }
    var byteCount: Int { 4096 << order }

    /// Zeroed memory of at least `bytes`; nil when memory is exhausted.
    static func allocate(bytes: Int) -> DMABuffer? {
        var order = 0
        while (4096 << order) < bytes { order += 1 }
        guard let physical = PhysicalMemory.allocateZeroed(order: order) else { return nil }
        return DMABuffer(physical: physical, order: order)
    }

    func free() { PhysicalMemory.free(physical, order: order) }
}

enum DMA {
    /// The physical address of `count` bytes of kernel memory at `pointer` when the device can
    /// use them in place: the direct map and the identity-mapped kernel image are physically
    /// contiguous. Nil for anything else (kernel stacks, user memory): bounce those.
    static func physicalAddress(of pointer: UnsafeRawPointer, count: Int) -> UInt64? {
        let address = UInt64(UInt(bitPattern: pointer))
        let end = address &+ UInt64(count)
        guard end >= address else { return nil }
        if address >= DirectMap.base, end <= DirectMap.base &+ (1 << 46) {
            return address &- DirectMap.base
        }
        if address >= UInt64(skiff_kernel_start()), end <= UInt64(skiff_kernel_end()) {
            return address
        }
        return nil
    }
}
#endif
