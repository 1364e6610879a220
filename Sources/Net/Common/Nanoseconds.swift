/// A point on the caller's monotonic clock, or a duration, in nanoseconds.
///
/// The stack never reads a clock: every time it knows was passed in through
/// ``NetworkStack/advance(to:)``, which is what makes host tests deterministic.
public typealias Nanoseconds = UInt64

extension Optional where Wrapped == UInt64 {
    /// The earlier of two optional deadlines; nil means "no deadline".
    func earliest(_ other: UInt64?) -> UInt64? {
        switch (self, other) {
        case (nil, let b): b
        case (let a, nil): a
        case (let a?, let b?): Swift.min(a, b)
        }
    }
}
