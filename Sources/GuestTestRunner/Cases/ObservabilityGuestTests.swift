import Foundation
import SkiffHost
import Trace

/// Tracing, the sampler and the monitoring API (docs/observability.md).
let observabilityGuestTests: [GuestTest] = [
    GuestTest(
        "monitoring API: every path answers JSON, /metrics is Prometheus text, malformed requests get 4xx (--monitor)",
        "--monitor --trace=syscall_write* --quiet /bin/net-static server 8080 1", status: 0,
        expect: [.contains("monitor: HTTP API on port 8000"), .contains("received: ping from host")], cpus: 2, timeout: 180,
        programs: ["net-static"], network: true, hostPeer: .monitor(apiPort: 8000, appPort: 8080, cpus: 2)),
    GuestTest(
        "tracing: syscall, scheduler and sampler events dumped at power-off; skiff trace's latency table and Perfetto export",
        "--trace=syscall*,sched*,page_fault* --sampler=1000 --bootchart /bin/hello-static traced", machines: [.microvm, .q35],
        status: 0, expect: [.contains("arg 1: traced"), .contains("skiff-trace-begin 1")], cpus: 2, timeout: 120,
        programs: ["hello-static"], consoleCheck: checkTraceDump),
    GuestTest(
        "tracing: --strace prints enabled tracepoints live, --trace-list lists them all",
        "--trace=syscall_writev* --strace --trace-list /bin/hello-static", status: 0,
        expect: [
            .contains("  * syscall_writev_ret"), .contains("    sched_switch"), .matches(#"cpu0 t1 syscall_writev\(0x1, 0x[0-9a-f]+, 0x2"#),
            .matches(#"t1 syscall_writev_ret [0-9]+$"#), .lacks("t1 syscall_exit_group"),
        ],
        programs: ["hello-static"]),
]

/// The dump in the console parses, and `skiff trace`'s analyses find the program's calls.
@Sendable func checkTraceDump(_ console: String) -> [String] {
    let dump: TraceDump
    do { dump = try TraceFile.parse(Array(console.utf8), source: "console") } catch { return ["trace dump: \(error)"] }
    var problems: [String] = []
    func expect(_ ok: Bool, _ what: String) { if !ok { problems.append("trace dump: " + what) } }
    expect(dump.cpuCount == 2, "\(dump.cpuCount) CPUs")
    expect(dump.samplerHz == 1000, "sampler at \(dump.samplerHz) Hz")
    expect(dump.tracepoints.contains { $0.name == "sched_switch" && $0.enabled }, "sched_switch is not enabled")
    expect(!dump.tracepoints.contains { $0.name == "memory_malloc" }, "memory_malloc is listed as enabled")
    let rows = SyscallLatency(dump).rows
    expect(rows.first { $0.name == "writev" }.map { $0.count >= 2 && $0.errors == 0 } == true, "writev calls: \(rows.map(\.name))")
    expect(dump.records.contains { $0.tracepoint == Tracepoint.syscallEntry(231).id }, "no exit_group entry")
    expect(dump.records.contains { $0.tracepoint == Tracepoint.schedSwitch.id }, "no sched_switch")
    let samples = dump.records.filter { $0.tracepoint == Tracepoint.samplerTick.id }
    expect(samples.count >= 10, "\(samples.count) samples")
    expect(samples.contains { !$0.backtrace.isEmpty }, "no sample has a backtrace")
    let folded = FoldedStacks.fold(dump)
    expect(folded.contains("kernel_main"), "folded stacks lack kernel_main")
    expect(dump.bootPhases.contains { $0.name == "application start" }, "no bootchart phases")
    do {
        let object = try JSONSerialization.jsonObject(with: try ChromeTraceExporter.json(dump)) as? [String: Any]
        let events = object?["traceEvents"] as? [[String: Any]] ?? []
        expect(events.contains { $0["cat"] as? String == "syscall" && $0["name"] as? String == "writev" }, "no writev slice in the export")
        expect(events.contains { $0["cat"] as? String == "boot" }, "no boot phases in the export")
        expect(events.contains { $0["cat"] as? String == "sched" }, "no CPU slices in the export")
    } catch {
        problems.append("trace dump: the Perfetto export is not JSON: \(error)")
    }
    let text = TraceReport.latencyTable(dump)
    expect(text.contains("writev"), "the latency table lacks writev")
    return problems
}
