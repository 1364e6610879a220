/// Turns raw slots (as ``TraceRing`` holds them) back into records.
public enum TraceDecoder {
    /// Decodes consecutive slots, oldest first. Continuation slots without their event (the
    /// event was overwritten) and empty or torn slots are skipped.
    public static func records(slots words: [UInt64]) -> [TraceRecord] {
        var result: [TraceRecord] = []
        let count = words.count / TraceSlot.words
        var i = 0
        while i < count {
            let base = i * TraceSlot.words
            let header = words[base + 1]
            let tracepoint = TraceSlot.tracepoint(header)
            if tracepoint == 0 || tracepoint == TraceSlot.continuation {
                i += 1
                continue
            }
            var record = TraceRecord(
                tsc: words[base], tracepoint: tracepoint, cpu: TraceSlot.cpu(header), thread: TraceSlot.thread(header),
                arguments: Array(words[(base + 2)..<(base + 8)]))
            let extra = TraceSlot.extraSlots(header)
            var k = 0
            while k < extra, i + 1 + k < count {
                let c = (i + 1 + k) * TraceSlot.words
                guard TraceSlot.tracepoint(words[c + 1]) == TraceSlot.continuation else { break }
                let n = Int(min(words[c], UInt64(TraceSlot.framesPerContinuation)))
                record.backtrace.append(contentsOf: words[(c + 2)..<(c + 2 + n)])
                k += 1
            }
            result.append(record)
            i += 1 + k
        }
        return result
    }
}
