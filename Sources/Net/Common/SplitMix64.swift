/// The stack's pseudo-random source: SplitMix64 (Steele, Lea & Flood 2014).
///
/// Initial sequence numbers, ephemeral ports, DHCP transaction IDs and retry jitter come from
/// here. The kernel seeds it from RDRAND; tests seed it with a constant so every run is the same.
/// It is not a cryptographic generator: ISNs additionally mix in a per-stack secret and the clock
/// (see ``NetworkStack``), which is the RFC 6528 structure with a weaker hash.
public struct SplitMix64: Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A value in `0 ..< bound` (bound > 0); the modulo bias is irrelevant for its uses.
    public mutating func next(below bound: UInt64) -> UInt64 {
        bound == 0 ? 0 : next() % bound
    }

    /// The SplitMix64 finalizer: a good 64-bit mixing function for hashing keys.
    @inlinable public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
