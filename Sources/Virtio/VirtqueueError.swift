/// Why a virtqueue operation failed. Every case after `full` means the device broke the
/// protocol: the queue is then unusable and the driver disables the device.
public enum VirtqueueError: Error, Equatable, Sendable {
    /// The queue size is not a power of two between 1 and 32768 (a zero-length queue included).
    case badSize(Int)
    /// A request had no segments, or more than the queue has descriptors.
    case badRequest(segments: Int)
    /// Not enough free descriptors now; retry after completions.
    case full
    /// The device returned a head index outside the queue.
    case usedIDOutOfRange(id: UInt32, size: Int)
    /// The device returned a descriptor that does not head a chain it was given.
    case usedIDNotInFlight(id: UInt32)
    /// The device claims to have written more bytes than the chain's writable buffers hold.
    case usedLengthTooLarge(id: UInt32, length: UInt32, capacity: UInt64)
    /// The used index moved further than there are requests in flight (or backwards).
    case usedIndexJumped(from: UInt16, to: UInt16, inFlight: Int)
    /// The driver gave up on the device (after a fault elsewhere, or a timeout).
    case disabled

    /// True for the cases that mean the device misbehaved.
    public var isDeviceFault: Bool {
        switch self {
        case .badSize, .badRequest, .full: return false
        default: return true
        }
    }

    /// One line for the kernel log.
    public var message: String {
        switch self {
        case .badSize(let n): return "queue size \(n) is not a power of two between 1 and 32768"
        case .badRequest(let n): return "a request with \(n) segments does not fit the queue"
        case .full: return "the queue is full"
        case .usedIDOutOfRange(let id, let size): return "used descriptor index \(id) is outside the queue of \(size)"
        case .usedIDNotInFlight(let id): return "used descriptor index \(id) is not a request in flight"
        case .usedLengthTooLarge(let id, let length, let capacity):
            return "used length \(length) for descriptor \(id) exceeds its \(capacity) writable bytes"
        case .usedIndexJumped(let from, let to, let inFlight):
            return "used index moved from \(from) to \(to) with \(inFlight) requests in flight"
        case .disabled: return "the device was disabled"
        }
    }
}
