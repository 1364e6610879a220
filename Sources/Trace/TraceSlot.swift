/// The layout of one ring-buffer slot: eight 64-bit words, 64 bytes.
///
/// An event takes one slot: the TSC when it fired, a header word, and up to six arguments. An
/// event with a backtrace (`--trace-backtrace`, the sampler) is followed by continuation slots
/// holding six return addresses each. Slots are fixed-size so a writer reserves them with a
/// single atomic add and a reader can start anywhere in a wrapped ring.
///
/// | word | event slot | continuation slot |
/// |---|---|---|
/// | 0 | TSC | frames in this slot (1–6) |
/// | 1 | header | header with tracepoint `continuation` |
/// | 2–7 | arguments | return addresses |
///
/// The header packs the thread (bits 0–31, two's complement), the tracepoint ID (32–47), the
/// number of continuation slots that follow (48–55) and the CPU (56–63).
public enum TraceSlot {
    public static let words = 8
    public static let bytes = 64
    public static let argumentCount = 6
    public static let framesPerContinuation = 6
    /// The tracepoint ID of a continuation slot.
    public static let continuation: UInt16 = 0xFFFF
    /// At most this many backtrace frames per event (two continuation slots).
    public static let maximumFrames = 12

    @inline(__always)
    public static func header(tracepoint: UInt16, cpu: UInt8, thread: Int32, extraSlots: UInt8) -> UInt64 {
        UInt64(UInt32(bitPattern: thread)) | UInt64(tracepoint) << 32 | UInt64(extraSlots) << 48 | UInt64(cpu) << 56
    }

    public static func tracepoint(_ header: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: header >> 32) }
    public static func thread(_ header: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: header)) }
    public static func extraSlots(_ header: UInt64) -> Int { Int(UInt8(truncatingIfNeeded: header >> 48)) }
    public static func cpu(_ header: UInt64) -> Int { Int(UInt8(truncatingIfNeeded: header >> 56)) }

    /// Continuation slots needed for `frames` return addresses.
    public static func continuationSlots(frames: Int) -> Int {
        (min(frames, maximumFrames) + framesPerContinuation - 1) / framesPerContinuation
    }
}
