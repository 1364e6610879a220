#if SKIFF_KERNEL
import Synchronization
import Virtio

/// Block I/O counters over all virtio-blk devices, for `/metrics`.
enum BlockStatistics {
    static let reads = Atomic<UInt64>(0)
    static let writes = Atomic<UInt64>(0)
    static let bytesRead = Atomic<UInt64>(0)
    static let bytesWritten = Atomic<UInt64>(0)
    static let flushes = Atomic<UInt64>(0)
    static let discards = Atomic<UInt64>(0)
    static let errors = Atomic<UInt64>(0)
    /// Time requests spent at the device, in nanoseconds.
    static let busyNanoseconds = Atomic<UInt64>(0)

    static func count(type: UInt32, bytes: Int, nanoseconds: UInt64, failed: Bool) {
        switch type {
        case VirtioBlockRequest.typeIn:
            reads.add(1, ordering: .relaxed)
            bytesRead.add(UInt64(bytes), ordering: .relaxed)
        case VirtioBlockRequest.typeOut:
            writes.add(1, ordering: .relaxed)
            bytesWritten.add(UInt64(bytes), ordering: .relaxed)
        case VirtioBlockRequest.typeFlush:
            flushes.add(1, ordering: .relaxed)
        default:
            discards.add(1, ordering: .relaxed)
        }
        if failed { errors.add(1, ordering: .relaxed) }
        busyNanoseconds.add(nanoseconds, ordering: .relaxed)
    }
}
#endif
