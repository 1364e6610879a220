import Foundation
import Trace

/// The dump in the Chrome trace event format (JSON), which ui.perfetto.dev and
/// chrome://tracing open. Times are microseconds since kernel entry.
///
/// - process 1 "Skiff threads": one track per thread with its system calls as complete
///   events ("X", category `syscall`) and every other event as an instant ("i");
/// - process 2 "CPUs": one track per CPU showing which thread ran when (from `sched_switch`);
/// - process 3 "boot": the `--bootchart` phases as complete events;
/// - sampler ticks are instants on the thread's track carrying the symbolized stack.
public enum ChromeTraceExporter {
    static let threadsPID = 1
    static let cpusPID = 2
    static let bootPID = 3

    public static func export(_ dump: TraceDump) -> [String: Any] {
        var events: [[String: Any]] = []
        func meta(_ pid: Int, _ tid: Int?, _ name: String, _ value: String) {
            var e: [String: Any] = ["ph": "M", "pid": pid, "name": name, "args": ["name": value]]
            if let tid { e["tid"] = tid }
            events.append(e)
        }
        meta(threadsPID, nil, "process_name", "Skiff threads")
        meta(cpusPID, nil, "process_name", "CPUs")
        meta(bootPID, nil, "process_name", "boot")
        func us(_ ns: UInt64) -> Double { Double(ns) / 1000 }
        let records = dump.records

        // Thread names.
        var seen = Set<Int32>()
        for r in records where seen.insert(r.thread).inserted {
            let name = dump.threadName(r.thread) ?? TraceFormatter.thread(r.thread)
            meta(threadsPID, Int(r.thread), "thread_name", "\(name) (\(TraceFormatter.thread(r.thread)))")
        }
        for c in 0..<dump.cpuCount { meta(cpusPID, c, "thread_name", "cpu\(c)") }

        // System calls.
        let latency = SyscallLatency(dump)
        for c in latency.calls {
            let name = String(decoding: Tracepoint.syscallEntry(c.number).name.dropFirst("syscall_".utf8.count), as: UTF8.self)
            var args: [String: Any] = ["result": c.result]
            for (i, a) in c.arguments.enumerated() { args["a\(i)"] = TraceFormatter.hex(a) }
            events.append([
                "ph": "X", "cat": "syscall", "name": name, "pid": threadsPID, "tid": Int(c.thread), "ts": us(c.startNanoseconds),
                "dur": us(max(c.durationNanoseconds, 1)), "args": args,
            ])
        }

        // Other events as instants; scheduler switches also build the CPU tracks.
        var running: [Int: (thread: Int32, since: UInt64)] = [:]
        let switchID = Tracepoint.schedSwitch.id
        for r in records {
            let t = Tracepoint(id: r.tracepoint)
            let ns = dump.nanoseconds(r.tsc)
            if r.tracepoint == switchID {
                let next = Int32(truncatingIfNeeded: Int64(bitPattern: r.arguments[1]))
                if let (thread, since) = running[r.cpu] { events.append(slice(cpu: r.cpu, thread: thread, from: since, to: ns, dump)) }
                running[r.cpu] = (next, ns)
            }
            if t.syscallNumber != nil { continue }
            let names = dump.argumentNames(of: r.tracepoint)
            var args: [String: Any] = [:]
            for (i, n) in names.enumerated() where i < r.arguments.count { args[n] = TraceFormatter.hex(r.arguments[i]) }
            if r.tracepoint == Tracepoint.samplerTick.id {
                args["function"] = r.arguments[1] != 0 ? "[user]" : dump.symbol(for: r.arguments[0]) ?? TraceFormatter.hex(r.arguments[0])
            }
            if !r.backtrace.isEmpty {
                args["backtrace"] = r.backtrace.map { dump.symbol(for: $0) ?? TraceFormatter.hex($0) }
            }
            events.append([
                "ph": "i", "s": "t", "cat": category(dump.name(of: r.tracepoint)), "name": dump.name(of: r.tracepoint),
                "pid": threadsPID, "tid": Int(r.thread), "ts": us(ns), "args": args,
            ])
        }
        if let last = records.last {
            let end = dump.nanoseconds(last.tsc)
            for (cpu, (thread, since)) in running.sorted(by: { $0.key < $1.key }) {
                events.append(slice(cpu: cpu, thread: thread, from: since, to: end, dump))
            }
        }

        // Boot phases: from kernel entry, each ends where the next begins.
        var previous: UInt64 = 0
        for phase in dump.bootPhases {
            let end = dump.nanoseconds(phase.tsc)
            events.append([
                "ph": "X", "cat": "boot", "name": phase.name, "pid": bootPID, "tid": 0, "ts": us(previous),
                "dur": us(max(end &- previous, 1)),
            ])
            previous = end
        }
        return [
            "traceEvents": events, "displayTimeUnit": "ns",
            "otherData": [
                "source": "Skiff", "cpus": dump.cpuCount, "tscHz": dump.tscHz,
                "firmwareMilliseconds": dump.tscHz > 0 ? Double(dump.bootTSC) / Double(dump.tscHz) * 1000 : 0,
            ],
        ]
    }

    public static func json(_ dump: TraceDump) throws -> Data {
        try JSONSerialization.data(withJSONObject: export(dump), options: [.sortedKeys])
    }

    static func slice(cpu: Int, thread: Int32, from: UInt64, to: UInt64, _ dump: TraceDump) -> [String: Any] {
        let name = dump.threadName(thread) ?? TraceFormatter.thread(thread)
        return [
            "ph": "X", "cat": "sched", "name": "\(name) (\(TraceFormatter.thread(thread)))", "pid": cpusPID, "tid": cpu,
            "ts": Double(from) / 1000, "dur": Double(max(to &- from, 1)) / 1000,
        ]
    }

    /// The tracepoint's family: `sched_switch` → `sched`.
    static func category(_ name: String) -> String {
        String(name.prefix { $0 != "_" })
    }
}
