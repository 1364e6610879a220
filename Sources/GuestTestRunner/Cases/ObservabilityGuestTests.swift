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
        "gdb: Tools/gdb/skiff.py lists the kernel's threads and CPUs and unwinds a sleeping thread (QEMU's stub, 2 CPUs)",
        "--quiet /bin/net-static server 8080 1", status: 0, expect: [.contains("received: ping from host")], cpus: 2,
        timeout: 180, programs: ["net-static"], network: true,
        hostPeer: .debugger(appPort: 8080, cpus: 2, application: "net-static")),
    GuestTest(
        "tracing: syscall, scheduler and sampler events dumped at power-off; skiff trace's latency table and Perfetto export",
        "--trace=syscall*,sched*,page_fault* --sampler=1000 --bootchart /bin/hello-static traced", machines: [.microvm, .q35],
        status: 0, expect: [.contains("arg 1: traced"), .contains("skiff-trace-begin 1")], cpus: 2, timeout: 120,
        programs: ["hello-static"], consoleCheck: checkTraceDump),
    GuestTest(
        "tracing: page-fault, block, network and allocation tracepoints record the workload's events (virtio-blk, virtio-net)",
        "--trace=page_fault*,block*,net*,memory* /bin/disk-static raw /dev/vda", status: 0,
        expect: [.contains("disk: raw device: ok"), .contains("skiff-trace-begin 1")], cpus: 2, timeout: 120,
        programs: ["disk-static"], disks: [rawPatternDisk], network: true, consoleCheck: checkTracepointCoverage),
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

/// Each kind of event the docs list beyond system calls and the scheduler is in the dump, with
/// arguments that tie it to what `disk-static raw` did: its faults, its 4 KiB write at 1 MiB and
/// fsync, DHCP's frames on the NIC, and the kernel heap and frame allocator under both.
@Sendable func checkTracepointCoverage(_ console: String) -> [String] {
    let dump: TraceDump
    do { dump = try TraceFile.parse(Array(console.utf8), source: "console") } catch { return ["trace dump: \(error)"] }
    var problems: [String] = []
    func expect(_ ok: Bool, _ what: String) { if !ok { problems.append("trace dump: " + what) } }
    // A wrapped ring would make a missing event inconclusive rather than a bug.
    for ring in dump.rings { expect(ring.lostSlots == 0, "cpu\(ring.cpu)'s ring wrapped (\(ring.lostSlots) slots lost)") }
    let records = dump.records
    func events(_ t: Tracepoint) -> [TraceRecord] { records.filter { $0.tracepoint == t.id } }
    for t in [Tracepoint.pageFault, .pageFaultDone, .blockRequest, .blockDone, .netReceive, .netTransmit,
              .memoryMalloc, .memoryFree, .memoryPageAlloc, .memoryPageFree] {
        let name = String(decoding: t.name, as: UTF8.self)
        expect(dump.tracepoints.contains { $0.id == t.id && $0.enabled }, "\(name) is not listed as enabled")
        expect(!events(t).isEmpty, "no \(name) event")
    }
    expect(events(.schedSwitch).isEmpty, "sched_switch was recorded though not enabled")

    // The program's own faults: a user address, resolved.
    let userFaults = events(.pageFault).filter { $0.thread > 0 && $0.arguments[0] < 0x8000_0000_0000 }
    expect(!userFaults.isEmpty, "no page fault of the application at a user address")
    expect(
        userFaults.contains { fault in events(.pageFaultDone).contains { $0.arguments[0] == fault.arguments[0] && $0.arguments[1] == 1 } },
        "no user page fault was resolved (page_fault_done resolved=1)")

    // Block: pwrite(4096 bytes at 1 MiB) is one write request at sector 2048; fsync a flush.
    let requests = events(.blockRequest)
    let done = events(.blockDone)
    expect(requests.count == done.count, "\(requests.count) block requests but \(done.count) completions")
    let write = requests.first { $0.arguments[0] == 1 && $0.arguments[1] == 2048 && $0.arguments[2] == 4096 }
    expect(write != nil && write!.thread > 0, "no 4096-byte write at sector 2048 by the application")
    expect(done.contains { $0.arguments[0] == 1 && $0.arguments[1] == 2048 && $0.arguments[2] == 0 }, "the write at sector 2048 did not complete with status 0")
    expect(requests.contains { $0.arguments[0] == 4 }, "no flush request (fsync)")

    // Network: DHCP's exchange on eth0, whole Ethernet frames.
    let sent = events(.netTransmit)
    let received = events(.netReceive)
    expect(sent.allSatisfy { $0.arguments[1] >= 42 && $0.arguments[1] <= 1514 }, "a transmitted frame has an impossible size")
    expect(received.allSatisfy { $0.arguments[1] >= 42 && $0.arguments[1] <= 1514 }, "a received frame has an impossible size")
    expect(sent.contains { s in received.contains { $0.arguments[0] == s.arguments[0] } }, "no interface both sent and received")

    // Allocation: the heap hands out addresses it later takes back; frames are page-aligned.
    let allocated = Set(events(.memoryMalloc).map { $0.arguments[2] })
    expect(events(.memoryFree).contains { allocated.contains($0.arguments[0]) }, "no memory_free of an address memory_malloc returned")
    let pages = events(.memoryPageAlloc)
    expect(pages.allSatisfy { $0.arguments[0] % 4096 == 0 && $0.arguments[1] >= 1 }, "memory_page_alloc recorded an unaligned frame or no pages")
    return problems
}
