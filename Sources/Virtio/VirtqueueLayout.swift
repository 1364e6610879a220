/// Where the three parts of a split virtqueue live inside one driver-allocated block of
/// memory (virtio 1.x §2.7): the descriptor table, the available ring ("driver area") and the
/// used ring ("device area").
///
/// Modern transports take the three addresses separately and only need the spec's minimum
/// alignments (16, 2 and 4 bytes); legacy virtio-mmio (version 1) takes one page frame number
/// and requires the used ring at `usedAlignment` (the page size the driver announced).
public struct VirtqueueLayout: Equatable, Sendable {
    /// Descriptors in the queue: a power of two from 1 to 32768.
    public let size: Int
    public let descriptorOffset: Int
    public let availableOffset: Int
    public let usedOffset: Int
    /// Bytes the whole queue needs.
    public let totalBytes: Int

    public static let descriptorBytes = 16
    public static let maximumSize = 32768

    /// Nil when `size` is not a power of two between 1 and 32768, or `usedAlignment` is not a
    /// power of two of at least 4.
    public init?(size: Int, usedAlignment: Int = 4) {
        guard size >= 1, size <= Self.maximumSize, size & (size &- 1) == 0 else { return nil }
        guard usedAlignment >= 4, usedAlignment & (usedAlignment &- 1) == 0 else { return nil }
        self.size = size
        descriptorOffset = 0
        availableOffset = Self.descriptorBytes &* size
        // flags, idx, ring[size], used_event
        let availableEnd = availableOffset &+ 4 &+ 2 &* size &+ 2
        usedOffset = (availableEnd &+ usedAlignment &- 1) & ~(usedAlignment &- 1)
        // flags, idx, ring[size] of (id, len), avail_event
        totalBytes = usedOffset &+ 4 &+ 8 &* size &+ 2
    }

    // Field offsets inside the block.
    public func descriptor(_ index: Int) -> Int { descriptorOffset &+ index &* Self.descriptorBytes }
    public var availableFlags: Int { availableOffset }
    public var availableIndex: Int { availableOffset &+ 2 }
    public func availableRing(_ slot: Int) -> Int { availableOffset &+ 4 &+ 2 &* slot }
    /// `used_event`: the driver asks for an interrupt once the used index passes this value.
    public var usedEvent: Int { availableOffset &+ 4 &+ 2 &* size }
    public var usedFlags: Int { usedOffset }
    public var usedIndex: Int { usedOffset &+ 2 }
    public func usedRing(_ slot: Int) -> Int { usedOffset &+ 4 &+ 8 &* slot }
    /// `avail_event`: the device asks for a notification once the available index passes this.
    public var availableEvent: Int { usedOffset &+ 4 &+ 8 &* size }
}
