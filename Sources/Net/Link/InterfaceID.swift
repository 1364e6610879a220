/// An interface of a ``NetworkStack``: 1 is the loopback interface, the others are numbered
/// in the order they were added, like Linux interface indexes (and usable as `sin6_scope_id`).
public struct InterfaceID: Equatable, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The loopback interface every stack has.
    public static let loopback = InterfaceID(rawValue: 1)
}
