import Testing
@testable import Trace

struct TraceRingTests {
    @Test func recordsComeBackInOrderWithTheirFields() {
        let ring = TraceRing(capacity: 8)
        ring.record(tsc: 100, tracepoint: 4, cpu: 1, thread: 7, 0x1000, 2, 3, 0, 0, 0)
        ring.record(tsc: 200, tracepoint: 1, cpu: 1, thread: -3, 1, 2, 0, 0, 0, 0)
        let (records, next) = ring.records()
        #expect(next == 2)
        #expect(records.count == 2)
        #expect(records[0] == TraceRecord(tsc: 100, tracepoint: 4, cpu: 1, thread: 7, arguments: [0x1000, 2, 3, 0, 0, 0]))
        #expect(records[1].thread == -3)
        #expect(records[1].tsc == 200)
    }

    @Test func aFullRingKeepsTheNewestSlots() {
        let ring = TraceRing(capacity: 4)
        for i in 0..<10 { ring.record(tsc: UInt64(i), tracepoint: 2, cpu: 0, thread: 1, UInt64(i), 0, 0, 0, 0, 0) }
        #expect(ring.written == 10)
        let records = ring.records().records
        #expect(records.map(\.tsc) == [6, 7, 8, 9])
        // Reading on from a position: only what came after it.
        #expect(ring.records(from: 8).records.map(\.tsc) == [8, 9])
        // A position already overwritten is clamped to the oldest slot held.
        #expect(ring.records(from: 1).records.count == 4)
    }

    @Test func backtracesTakeContinuationSlots() {
        let ring = TraceRing(capacity: 16)
        let frames: [UInt64] = Array(1...9).map { UInt64($0) * 0x10 }
        frames.withUnsafeBufferPointer {
            ring.record(tsc: 5, tracepoint: 15, cpu: 0, thread: 1, arguments: (0xAA, 1, 0), frames: $0.baseAddress!, frameCount: 9)
        }
        ring.record(tsc: 6, tracepoint: 2, cpu: 0, thread: 1, 0, 0, 0, 0, 0, 0)
        #expect(ring.written == 4)  // event + 2 continuations + event
        let records = ring.records().records
        #expect(records.count == 2)
        #expect(records[0].backtrace == frames)
        #expect(records[0].arguments[0] == 0xAA)
        #expect(records[1].backtrace.isEmpty)
    }

    @Test func framesBeyondTheMaximumAreDropped() {
        let ring = TraceRing(capacity: 16)
        let frames = [UInt64](repeating: 7, count: 40)
        frames.withUnsafeBufferPointer {
            ring.record(tsc: 1, tracepoint: 15, cpu: 0, thread: 1, arguments: (0, 0, 0), frames: $0.baseAddress!, frameCount: 40)
        }
        #expect(ring.records().records[0].backtrace.count == TraceSlot.maximumFrames)
    }

    @Test func orphanedContinuationsAndEmptySlotsAreSkipped() {
        let ring = TraceRing(capacity: 4)
        let frames: [UInt64] = [1, 2, 3, 4, 5, 6, 7]
        frames.withUnsafeBufferPointer {
            ring.record(tsc: 1, tracepoint: 15, cpu: 0, thread: 1, arguments: (0, 0, 0), frames: $0.baseAddress!, frameCount: 7)
        }
        // Two more events overwrite the first event's head slot but not its continuations.
        ring.record(tsc: 2, tracepoint: 2, cpu: 0, thread: 1, 0, 0, 0, 0, 0, 0)
        ring.record(tsc: 3, tracepoint: 2, cpu: 0, thread: 1, 0, 0, 0, 0, 0, 0)
        #expect(ring.records().records.map(\.tsc) == [2, 3])
        var words = [UInt64](repeating: 0, count: 16)
        words[8] = 9
        words[9] = TraceSlot.header(tracepoint: 1, cpu: 0, thread: 2, extraSlots: 0)
        #expect(TraceDecoder.records(slots: words).map(\.tsc) == [9])
    }

    @Test func aLiveReaderWaitsForASlotStillBeingWritten() {
        let ring = TraceRing(capacity: 8)
        for t in 1...4 { ring.record(tsc: UInt64(t), tracepoint: 2, cpu: 0, thread: 1, 0, 0, 0, 0, 0, 0) }
        // Slot 2 reserved but not filled yet: its writer clears the header first.
        let header = ring.storage[2 * TraceSlot.words + 1]
        ring.storage[2 * TraceSlot.words + 1] = 0
        let first = ring.records(from: 0, committedOnly: true)
        #expect(first.records.map(\.tsc) == [1, 2])
        #expect(first.next == 2)
        // A reader of the whole ring (the dump) skips it instead.
        #expect(ring.records().records.map(\.tsc) == [1, 2, 4])
        ring.storage[2 * TraceSlot.words + 1] = header
        let second = ring.records(from: first.next, committedOnly: true)
        #expect(second.records.map(\.tsc) == [3, 4])
        #expect(second.next == 4)
    }

    @Test func concurrentWritersLoseNothing() async {
        let ring = TraceRing(capacity: 1 << 14)
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    for i in 0..<1000 { ring.record(tsc: UInt64(i), tracepoint: 2, cpu: UInt8(t), thread: Int32(t), UInt64(i), 0, 0, 0, 0, 0) }
                }
            }
        }
        let records = ring.records().records
        #expect(records.count == 4000)
        for t in 0..<4 { #expect(records.filter { $0.thread == Int32(t) }.count == 1000) }
    }
}
