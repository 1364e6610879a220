#if SKIFF_KERNEL
import CKernel
import Virtio

/// A virtqueue's rings in DMA memory: volatile accesses (the device changes them behind the
/// compiler's back) and x86 fences. Stores are not reordered with other stores on x86 and loads
/// not with other loads, so only the store-then-load case needs `mfence`; the other two
/// barriers only stop the compiler.
struct DMAQueueMemory: VirtqueueMemory {
    let base: UnsafeMutableRawPointer

    func load16(_ offset: Int) -> UInt16 { mmio_read16(base.advanced(by: offset)) }
    func load32(_ offset: Int) -> UInt32 { mmio_read32(base.advanced(by: offset)) }
    func store16(_ offset: Int, _ value: UInt16) { mmio_write16(base.advanced(by: offset), value) }
    func store32(_ offset: Int, _ value: UInt32) { mmio_write32(base.advanced(by: offset), value) }
    func store64(_ offset: Int, _ value: UInt64) { mmio_write64(base.advanced(by: offset), value) }
    func fullBarrier() { x86_mfence() }
    func writeBarrier() { x86_compiler_barrier() }
    func readBarrier() { x86_compiler_barrier() }
}
#endif
