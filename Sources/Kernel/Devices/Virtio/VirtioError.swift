#if SKIFF_KERNEL
/// Why a request to a virtio device failed.
enum VirtioError: Error, Equatable {
    /// The device misbehaved (and was disabled) or was already disabled.
    case deviceFailed
    /// No memory for buffers.
    case outOfMemory
    /// The request cannot be expressed (too many segments for the queue).
    case badRequest
}
#endif
