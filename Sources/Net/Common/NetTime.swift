/// Conversions for readable time constants.
public enum NetTime {
    /// `n` milliseconds in nanoseconds.
    @inlinable public static func milliseconds(_ n: UInt64) -> Nanoseconds { n &* 1_000_000 }
    /// `n` seconds in nanoseconds.
    @inlinable public static func seconds(_ n: UInt64) -> Nanoseconds { n &* 1_000_000_000 }
    /// `n` microseconds in nanoseconds.
    @inlinable public static func microseconds(_ n: UInt64) -> Nanoseconds { n &* 1_000 }
}
