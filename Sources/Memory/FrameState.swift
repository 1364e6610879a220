/// What one physical frame is doing, as the frame table records it.
///
/// Only the *first* frame of a block (its head) carries the block's order; every other frame of
/// the block is a ``tail``. That keeps splitting and coalescing O(1) per step (only heads change),
/// and it is what makes a bad `free` detectable: a frame is an allocated head of order k exactly
/// when `allocate` returned it for order k and it has not been freed since.
public enum FrameState: Equatable, Sendable {
    /// Not RAM the allocator was given (a hole in the memory map, the kernel image, firmware).
    case unavailable
    /// Part of a block whose head is another frame.
    case tail
    /// The head of a free block of `2^order` frames on the buddy free lists.
    case free(order: Int)
    /// The head of an allocated block of `2^order` frames.
    case allocated(order: Int)
    /// An order-0 frame parked in a ``PerCPUPageCache``: allocated as far as the buddy
    /// allocator is concerned, free as far as the rest of the kernel is concerned.
    case cached
}
