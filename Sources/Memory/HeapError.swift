/// Why ``SlabHeap/free(_:)`` refused a pointer; the heap is unchanged.
///
/// Detection is best effort: it relies on the headers in the heap's own pages, so it is
/// reliable while the page that held the block still belongs to the heap (a double free into a
/// live slab), and catches most other bad pointers by their missing magic number.
public enum HeapError: Error, Equatable, Sendable {
    /// The pointer is not the start of a block this heap handed out.
    case notAllocated
    /// The pointer is a slab block that is already free.
    case doubleFree
}
