/// A point in time as `struct timespec` holds it: seconds since the Unix epoch (negative before
/// 1970) and nanoseconds in 0..<1_000_000_000.
public struct Timestamp: Hashable, Sendable {
    public var seconds: Int64
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// 1970-01-01 00:00:00 UTC, the default for entries whose time the caller does not set, so
    /// that images built from the same inputs are identical whenever they are built.
    public static let epoch = Timestamp(seconds: 0)
}
