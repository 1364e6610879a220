/// A point on the caller's monotonic clock, or a duration, in nanoseconds.
///
/// The stack never reads a clock: every time it knows was passed in through
/// ``NetworkStack/advance(to:)``, which is what makes host tests deterministic.
public typealias Nanoseconds = UInt64

/// Conversions for readable time constants.
public enum NetTime {
    /// `n` milliseconds in nanoseconds.
    @inlinable public static func milliseconds(_ n: UInt64) -> Nanoseconds { n &* 1_000_000 }
    /// `n` seconds in nanoseconds.
    @inlinable public static func seconds(_ n: UInt64) -> Nanoseconds { n &* 1_000_000_000 }
    /// `n` microseconds in nanoseconds.
    @inlinable public static func microseconds(_ n: UInt64) -> Nanoseconds { n &* 1_000 }
}

extension Optional where Wrapped == UInt64 {
    /// The earlier of two optional deadlines; nil means "no deadline".
    @inlinable func earliest(_ other: UInt64?) -> UInt64? {
        switch (self, other) {
        case (nil, let b): b
        case (let a, nil): a
        case (let a?, let b?): Swift.min(a, b)
        }
    }
}
