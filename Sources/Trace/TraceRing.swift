import Synchronization

/// A per-CPU ring of trace slots (see ``TraceSlot``).
///
/// Writers reserve slots with one atomic add on `written` and then fill them, so an interrupt
/// that fires while its CPU is in the middle of a record simply takes the next slots: no lock,
/// no interrupt masking. Each CPU writes only its own ring; when it is full the oldest slots are
/// overwritten. Readers (the dump at power-off, `--strace`, the monitoring API) copy slots out;
/// a record being written at that moment can be torn, which the decoder tolerates by skipping
/// slots whose header does not make sense. A writer clears its slot's header first and writes it
/// last, so a reader that follows the ring as it grows (`--strace`) stops at a slot still being
/// written and takes it next time, instead of skipping it for good (a writer preempted between
/// reserving and filling its slot lost that event from the live output).
public final class TraceRing: @unchecked Sendable {
    /// Slots; a power of two.
    public let capacity: Int
    private let mask: UInt64
    public let storage: UnsafeMutablePointer<UInt64>
    private let reserved = Atomic<UInt64>(0)

    /// A ring over `capacity` slots of zeroed storage the caller provides (and keeps alive).
    public init(capacity: Int, storage: UnsafeMutablePointer<UInt64>) {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "trace ring capacity must be a power of two")
        self.capacity = capacity
        mask = UInt64(capacity - 1)
        self.storage = storage
    }

    /// A ring with its own storage (host tests, the monitoring API's copies).
    public convenience init(capacity: Int) {
        let words = capacity * TraceSlot.words
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        storage.initialize(repeating: 0, count: words)
        self.init(capacity: capacity, storage: storage)
    }

    /// Slots reserved since the ring was created (it holds the last `capacity` of them).
    public var written: UInt64 { reserved.load(ordering: .relaxed) }

    @inline(__always)
    func slot(_ position: UInt64) -> UnsafeMutablePointer<UInt64> {
        storage + Int(position & mask) &* TraceSlot.words
    }

    /// Records an event without a backtrace.
    @inline(__always)
    public func record(
        tsc: UInt64, tracepoint: UInt16, cpu: UInt8, thread: Int32,
        _ a0: UInt64, _ a1: UInt64, _ a2: UInt64, _ a3: UInt64, _ a4: UInt64, _ a5: UInt64
    ) {
        let position = reserved.wrappingAdd(1, ordering: .relaxed).oldValue
        let s = slot(position)
        s[1] = 0
        atomicMemoryFence(ordering: .releasing)
        s[0] = tsc
        s[2] = a0
        s[3] = a1
        s[4] = a2
        s[5] = a3
        s[6] = a4
        s[7] = a5
        atomicMemoryFence(ordering: .releasing)
        s[1] = TraceSlot.header(tracepoint: tracepoint, cpu: cpu, thread: thread, extraSlots: 0)
    }

    /// Records an event followed by up to ``TraceSlot/maximumFrames`` return addresses.
    public func record(
        tsc: UInt64, tracepoint: UInt16, cpu: UInt8, thread: Int32, arguments: (UInt64, UInt64, UInt64),
        frames: UnsafePointer<UInt64>, frameCount: Int
    ) {
        let count = min(max(frameCount, 0), TraceSlot.maximumFrames)
        let extra = TraceSlot.continuationSlots(frames: count)
        let position = reserved.wrappingAdd(UInt64(1 + extra), ordering: .relaxed).oldValue
        let s = slot(position)
        s[1] = 0
        atomicMemoryFence(ordering: .releasing)
        s[0] = tsc
        s[2] = arguments.0
        s[3] = arguments.1
        s[4] = arguments.2
        s[5] = 0
        s[6] = 0
        s[7] = 0
        var done = 0
        for k in 0..<extra {
            let c = slot(position &+ UInt64(k + 1))
            let n = min(TraceSlot.framesPerContinuation, count - done)
            c[0] = UInt64(n)
            for i in 0..<TraceSlot.framesPerContinuation { c[2 + i] = i < n ? frames[done + i] : 0 }
            c[1] = TraceSlot.header(tracepoint: TraceSlot.continuation, cpu: cpu, thread: thread, extraSlots: 0)
            done += n
        }
        atomicMemoryFence(ordering: .releasing)
        s[1] = TraceSlot.header(tracepoint: tracepoint, cpu: cpu, thread: thread, extraSlots: UInt8(extra))
    }

    /// The slots from absolute position `start` (clamped to what the ring still holds) up to
    /// what has been written, oldest first, as words; and the position after them. With
    /// `committedOnly`, the copy ends at the first slot still being written (its header is
    /// zero), and `next` is that slot.
    public func copySlots(from start: UInt64 = 0, committedOnly: Bool = false) -> (words: [UInt64], first: UInt64, next: UInt64) {
        let end = written
        var first = start
        if end > UInt64(capacity), first < end - UInt64(capacity) { first = end - UInt64(capacity) }
        if first > end { first = end }
        var words: [UInt64] = []
        words.reserveCapacity(Int(end - first) * TraceSlot.words)
        var p = first
        while p < end {
            let s = slot(p)
            if committedOnly {
                if s[1] == 0 { break }
                atomicMemoryFence(ordering: .acquiring)
            }
            for i in 0..<TraceSlot.words { words.append(s[i]) }
            p &+= 1
        }
        return (words, first, p)
    }

    /// Decodes the ring's records from `start` on (see ``TraceDecoder``).
    public func records(from start: UInt64 = 0, committedOnly: Bool = false) -> (records: [TraceRecord], next: UInt64) {
        let (words, _, next) = copySlots(from: start, committedOnly: committedOnly)
        return (TraceDecoder.records(slots: words), next)
    }
}
