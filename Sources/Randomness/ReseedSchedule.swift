/// When the kernel's generator takes fresh bytes from its entropy sources again (RDRAND and
/// virtio-rng), after the seed at boot.
///
/// A boot-time seed may be weak — a VM restored from a snapshot, or a host's rng still filling
/// — so, as Linux's crng does, the interval starts short and grows with uptime: half the time
/// since boot, at least `minimum` and at most `maximum` (Linux: one second and one minute).
/// Reseeding happens on the next request that may sleep (getrandom, /dev/urandom), never on a
/// timer, so an idle VM stays idle.
public struct ReseedSchedule: Sendable {
    public static let minimum: UInt64 = 1_000_000_000
    public static let maximum: UInt64 = 60_000_000_000

    /// Monotonic nanoseconds of the last seeding.
    public private(set) var last: UInt64

    public init(seededAt time: UInt64) {
        last = time
    }

    /// The wait after a seeding at uptime `time`.
    public static func interval(at time: UInt64) -> UInt64 {
        min(max(time / 2, minimum), maximum)
    }

    /// Whether the sources should be read again at `now`.
    public func isDue(at now: UInt64) -> Bool {
        now >= last && now - last >= Self.interval(at: last)
    }

    /// Records a seeding at `now`.
    public mutating func reseeded(at now: UInt64) {
        last = now
    }
}
