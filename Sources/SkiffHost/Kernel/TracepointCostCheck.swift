import Foundation
import Trace

/// Holds the built kernel to docs/observability.md's "cost when off": a disabled tracepoint is
/// one byte load from an enable table, a test and a predictable branch around the call that
/// records it; nothing is called to find out that the tracepoint is off.
///
/// In the kernel's disassembly, every call of an out-of-line recorder (`Tracing.record`,
/// `Tracing.syscallEntry`, `Tracing.syscallExit`) must be guarded (`TracepointGuards`) by a
/// branch on a byte of `skiff_trace_fixed` or `skiff_trace_syscalls`; each fixed tracepoint the
/// kernel fires must have such a site, as must both of `skiff_syscall`'s; and the helpers that
/// must be inlined into each site (`Tracing.fire`, `skiff_trace_on`,
/// `skiff_trace_syscall_flags`) must never be called. Making a site ask a function whether
/// tracing is on, or record without asking, fails the build (`make kernel`).
public enum TracepointCostCheck {
    public struct Report: Sendable {
        public var problems: [String] = []
        /// Recorder calls found behind a guard.
        public var guardedCalls = 0
        /// Fixed tracepoints with a guarded site.
        public var tracepointsCovered = 0
    }

    /// Mangled-name pieces of the recorders: what runs only when a tracepoint is on.
    static let recorders = ["7TracingO6recordyys6UInt16V", "7TracingO12syscallEntry", "7TracingO11syscallExit"]
    /// Helpers that exist to be inlined at every site: a call to one is a call on the off path.
    static let inlineOnly = ["7TracingO4fire"]
    static let inlineOnlyC = ["skiff_trace_on", "skiff_trace_syscall_flags"]
    /// The sampler records from its timer interrupt, not from an enable byte.
    static let unguardedTracepoints: Set<UInt16> = [Tracepoint.samplerTick.id]

    static func isRecorder(_ symbol: String) -> Bool { recorders.contains { symbol.contains($0) } }
    static func isInlineOnly(_ symbol: String) -> Bool { inlineOnly.contains { symbol.contains($0) } || inlineOnlyC.contains(symbol) }

    /// Disassembles `kernel` with llvm-objdump and checks it.
    public static func run(kernel: String, objdump: String? = nil) throws -> Report {
        guard let tool = Subprocess.find(objdump ?? "llvm-objdump") else { throw SkiffError("llvm-objdump not found") }
        var process = Subprocess(tool, ["-d", "--no-show-raw-insn", kernel])
        process.timeout = 300
        let result = try process.run()
        guard result.status == 0 else { throw SkiffError("\(tool) failed: \(result.errorText)") }
        return check(Disassembly(relevantFunctions(result.outputText)))
    }

    /// The functions of a listing that mention tracing at all (a tenth of the kernel): parsing
    /// only those keeps the check to a second.
    static func relevantFunctions(_ text: String) -> String {
        var kept = ""
        for block in text.split(separator: "\n\n") where block.contains("Tracing") || block.contains("skiff_trace") {
            kept += block
            kept += "\n\n"
        }
        return kept
    }

    public static func check(_ disassembly: Disassembly) -> Report {
        var report = Report()
        var covered: Set<UInt64> = []
        var syscallSites: Set<String> = []
        for function in disassembly.functions where !isRecorder(function.name) {
            let code = function.instructions
            let outOfLine = code.filter { ($0.isCall || $0.isUnconditionalJump) && $0.symbolOffset == 0 && $0.symbol.map(isInlineOnly) == true }
            for call in outOfLine {
                report.problems.append(
                    "\(function.name) at 0x\(String(call.address, radix: 16)) calls \(call.symbol ?? "?"), which must be inlined: "
                        + "every disabled tracepoint there pays a call")
            }
            guard code.contains(where: { ($0.isCall || $0.isUnconditionalJump) && $0.symbol.map(isRecorder) == true }) else { continue }
            let analysis = TracepointGuards(function)
            for call in analysis.calls(isRecorder) {
                let instruction = code[call]
                let symbol = instruction.symbol ?? "?"
                if analysis.unguarded.contains(call) {
                    report.problems.append(
                        "\(function.name) at 0x\(String(instruction.address, radix: 16)) calls \(symbol) on a path with no branch on "
                            + "a byte of skiff_trace_fixed/skiff_trace_syscalls: the tracepoint is not off by one load and branch")
                    continue
                }
                report.guardedCalls += 1
                for g in analysis.guards where g.region.contains(call) {
                    if g.table == .fixed, let id = g.tracepoint { covered.insert(id) }
                    if g.table == .syscalls && function.name.contains("skiff_syscall") {
                        if symbol.contains("syscallEntry") { syscallSites.insert("entry") }
                        if symbol.contains("syscallExit") { syscallSites.insert("exit") }
                    }
                }
            }
        }
        for (t, name, _) in Tracepoint.fixed where !unguardedTracepoints.contains(t.id) {
            if covered.contains(UInt64(t.id)) {
                report.tracepointsCovered += 1
            } else {
                report.problems.append("no call of Tracing.record is guarded by skiff_trace_fixed[\(t.id)] (\(name)): the hook was not inlined, or is gone")
            }
        }
        for site in ["entry", "exit"] where !syscallSites.contains(site) {
            report.problems.append("skiff_syscall has no call of Tracing.syscall\(site == "entry" ? "Entry" : "Exit") guarded by a byte of skiff_trace_syscalls")
        }
        return report
    }
}
