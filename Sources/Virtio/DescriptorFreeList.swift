/// The driver's own record of which descriptors are free and how chains are linked.
///
/// Free descriptors form a singly linked list through `next`; an allocated chain keeps the
/// links it had on the list, so allocating `n` descriptors is taking the first `n` of the list
/// and freeing a chain is splicing it back in front. The driver writes the same links into the
/// shared descriptor table for the device, but never reads them back from there: a device that
/// scribbles over the table cannot corrupt the free list.
public struct DescriptorFreeList: Sendable {
    public let size: Int
    /// `next[i]`: the descriptor after `i`, on the free list or in its chain.
    public private(set) var next: [UInt16]
    public private(set) var head: UInt16 = 0
    public private(set) var freeCount: Int

    public init(size: Int) {
        self.size = size
        var links = [UInt16](repeating: 0, count: size)
        for i in 0..<size { links[i] = UInt16(truncatingIfNeeded: i &+ 1) }
        next = links
        freeCount = size
    }

    /// Takes `count` descriptors linked as a chain; returns the first (its head), or nil when
    /// fewer than `count` are free.
    public mutating func allocate(_ count: Int) -> UInt16? {
        guard count >= 1, count <= freeCount else { return nil }
        let first = head
        var last = first
        for _ in 1..<count { last = next[Int(last)] }
        head = next[Int(last)]
        freeCount &-= count
        return first
    }

    /// The `index`th descriptor of the chain starting at `head` (0 is the head itself).
    public func descriptor(_ index: Int, ofChain head: UInt16) -> UInt16 {
        var d = head
        for _ in 0..<index { d = next[Int(d)] }
        return d
    }

    /// Returns a chain of `count` descriptors starting at `head` to the list.
    public mutating func free(head chainHead: UInt16, count: Int) {
        var last = chainHead
        for _ in 1..<count { last = next[Int(last)] }
        next[Int(last)] = head
        head = chainHead
        freeCount &+= count
    }
}
