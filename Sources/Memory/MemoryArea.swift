/// One virtual memory area of an address space: `[start, end)` with uniform attributes.
public struct MemoryArea: Equatable, Sendable {
    /// The first address, page aligned.
    public var start: UInt64
    /// The address after the last, page aligned, greater than `start`.
    public var end: UInt64
    public var attributes: AreaAttributes

    public init(start: UInt64, end: UInt64, attributes: AreaAttributes) {
        self.start = start
        self.end = end
        self.attributes = attributes
    }

    /// The area's length in bytes.
    public var size: UInt64 { end &- start }

    /// Whether `address` is inside the area.
    public func contains(_ address: UInt64) -> Bool { address >= start && address < end }

    /// The part of the area from `address` (inside it) on, with its file offset adjusted.
    func suffix(from address: UInt64) -> MemoryArea {
        MemoryArea(start: address, end: end, attributes: attributes.advanced(by: address &- start))
    }
}
