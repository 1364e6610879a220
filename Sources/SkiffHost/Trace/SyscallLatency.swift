import Trace

/// System-call timings from a dump: each `syscall_NAME` entry paired with the next
/// `syscall_NAME_ret` of the same thread.
public struct SyscallLatency: Sendable {
    /// One completed call.
    public struct Call: Sendable {
        public var number: Int
        public var thread: Int32
        public var startNanoseconds: UInt64
        public var durationNanoseconds: UInt64
        public var result: Int64
        public var arguments: [UInt64]
    }

    /// Per system call: how often, how many failed, and the latency distribution.
    public struct Row: Sendable, Equatable {
        public var name: String
        public var count: Int
        public var errors: Int
        public var totalNanoseconds: UInt64
        public var meanNanoseconds: UInt64
        public var p50Nanoseconds: UInt64
        public var p99Nanoseconds: UInt64
        public var maxNanoseconds: UInt64
    }

    public var calls: [Call] = []
    /// Entries without an exit (the call was still running, or its exit was overwritten).
    public var unfinished = 0

    public init(_ dump: TraceDump) {
        var open: [Int32: [(number: Int, record: TraceRecord)]] = [:]
        for r in dump.records {
            let t = Tracepoint(id: r.tracepoint)
            guard let number = t.syscallNumber else { continue }
            if t.isSyscallEntry {
                open[r.thread, default: []].append((number, r))
            } else if var stack = open[r.thread], let i = stack.lastIndex(where: { $0.number == number }) {
                let entry = stack[i].record
                stack.remove(at: i)
                // Entries of the same thread that never returned before this exit are abandoned
                // (exit_group, execve): they would pair wrongly later.
                unfinished += stack.count - i
                stack.removeSubrange(i...)
                open[r.thread] = stack
                calls.append(
                    Call(
                        number: number, thread: r.thread, startNanoseconds: dump.nanoseconds(entry.tsc),
                        durationNanoseconds: dump.nanoseconds(r.tsc) &- dump.nanoseconds(entry.tsc),
                        result: Int64(bitPattern: r.arguments[0]), arguments: entry.arguments))
            }
        }
        unfinished += open.values.reduce(0) { $0 + $1.count }
    }

    /// One row per system call, the busiest (by total time) first.
    public var rows: [Row] {
        var byNumber: [Int: [Call]] = [:]
        for c in calls { byNumber[c.number, default: []].append(c) }
        var rows: [Row] = []
        for (number, list) in byNumber {
            let durations = list.map(\.durationNanoseconds).sorted()
            let total = durations.reduce(0, &+)
            rows.append(
                Row(
                    name: String(decoding: Tracepoint.syscallEntry(number).name.dropFirst("syscall_".utf8.count), as: UTF8.self),
                    count: list.count, errors: list.filter { $0.result < 0 && $0.result > -4096 }.count, totalNanoseconds: total,
                    meanNanoseconds: total / UInt64(list.count), p50Nanoseconds: Self.percentile(durations, 50),
                    p99Nanoseconds: Self.percentile(durations, 99), maxNanoseconds: durations.last ?? 0))
        }
        return rows.sorted { ($0.totalNanoseconds, $1.name) > ($1.totalNanoseconds, $0.name) }
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [UInt64], _ p: Int) -> UInt64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = max(1, (p * sorted.count + 99) / 100)
        return sorted[min(rank, sorted.count) - 1]
    }
}
