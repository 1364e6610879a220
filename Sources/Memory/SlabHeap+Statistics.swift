/// What one size class of a ``SlabHeap`` holds, for `/proc`-style reports and leak checks.
public struct SizeClassStatistics: Equatable, Sendable {
    /// The class's object size.
    public var size: Int
    /// Objects per slab page.
    public var objectsPerSlab: Int
    /// Slab pages held, empty ones included.
    public var slabs: Int
    /// Live objects.
    public var objectsInUse: Int
}

extension SlabHeap {
    /// The statistics of size class `index` (`0..<SizeClasses.count`).
    public func classStatistics(at index: Int) -> SizeClassStatistics {
        SizeClassStatistics(
            size: SizeClasses.size(at: index), objectsPerSlab: SizeClasses.objectsPerSlab(at: index),
            slabs: classes[index].slabs, objectsInUse: classes[index].objectsInUse)
    }
}
