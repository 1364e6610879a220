/// Why the frame allocator refused a request; the allocator's state is unchanged.
///
/// A kernel reports these as panics (a bad free is a bug in the caller), but returning them
/// instead of trapping lets the host tests check that bad frees are detected.
public enum FrameError: Error, Equatable, Sendable {
    /// The frame is outside the frame table, or the range does not fit in it.
    case outOfRange
    /// The order is not in `0...BuddyAllocator.maxOrder`, or a run length is not in
    /// `1...(1 << maxOrder)`.
    case invalidOrder
    /// The frame is already free: a double free.
    case alreadyFree
    /// The frame sits in a per-CPU cache, which means it was freed already: a double free.
    case alreadyCached
    /// The frame is not the head of an allocated block (a tail, a hole, or never allocated).
    case notAllocated
    /// The frame is an allocated head, but of a block of another order.
    case wrongOrder(allocated: Int)
    /// `addFreeRange` would hand the allocator frames it already manages.
    case overlapsManagedFrames
}
