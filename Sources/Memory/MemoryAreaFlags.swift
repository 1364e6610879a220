/// Properties of a memory area beyond its protection and backing.
public struct MemoryAreaFlags: OptionSet, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `MAP_GROWSDOWN`: a fault just below the area extends it downwards (stacks).
    public static let growsDown = MemoryAreaFlags(rawValue: 1 << 0)
    /// `MAP_LOCKED` / `mlock`: pages are populated up front and never reclaimed.
    public static let locked = MemoryAreaFlags(rawValue: 1 << 1)
    /// `MAP_NORESERVE`: no memory is accounted for the area before it is touched.
    public static let noReserve = MemoryAreaFlags(rawValue: 1 << 2)
    /// `MAP_POPULATE`: pages were (or are to be) faulted in when the area was mapped.
    public static let populate = MemoryAreaFlags(rawValue: 1 << 3)
    /// A range just unmapped whose pages other CPUs may still have in their TLBs: it stays
    /// reserved, with no access, until the shootdown is done, so it is not handed out again
    /// while a stale translation could still reach the old frames.
    public static let unmapping = MemoryAreaFlags(rawValue: 1 << 4)
}
