/// The shared memory of one virtqueue, as the driver reaches it.
///
/// The kernel implements it over DMA memory with volatile accesses and real fences (the device
/// reads and writes it concurrently); host tests implement it over ordinary memory shared with
/// a device model. Offsets are bytes from the start of the queue's block (`VirtqueueLayout`).
/// Values are little-endian, which is what virtio 1.x specifies and what x86 stores natively.
public protocol VirtqueueMemory {
    func load16(_ offset: Int) -> UInt16
    func load32(_ offset: Int) -> UInt32
    func store16(_ offset: Int, _ value: UInt16)
    func store32(_ offset: Int, _ value: UInt32)
    func store64(_ offset: Int, _ value: UInt64)
    /// Stores before it are visible to the device before loads and stores after it
    /// (virtio's `virtio_mb`; on x86 an `mfence`).
    func fullBarrier()
    /// Stores before it become visible before stores after it (`virtio_wmb`).
    func writeBarrier()
    /// Loads before it complete before loads after it (`virtio_rmb`).
    func readBarrier()
}
