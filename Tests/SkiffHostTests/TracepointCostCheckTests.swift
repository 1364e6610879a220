import Foundation
import Testing
import Trace

@testable import SkiffHost

/// The "cost when off" check on listings shaped like llvm-objdump's output for the kernel: the
/// shapes the compiler really emits pass, and each way of putting a call on the off path fails.
@Suite struct TracepointCostCheckTests {
    static let record = "$e6Kernel7TracingO6recordyys6UInt16V_s6UInt64VA5HtFZTf4nnnnnnnd_n"
    static let entry = "$e6Kernel7TracingO12syscallEntryyyAA16SyscallArgumentsVFZTf4nd_n"
    static let exit = "$e6Kernel7TracingO11syscallExityySi_SitFZTf4nnd_n"
    static let fire = "$e6Kernel7TracingO4fireyy5Trace10TracepointV_s6UInt64VA2GtFZ"
    static let fixedTable = "leaq\t1000(%rip), %rax\t# 0x2f0000 <skiff_trace_fixed>"

    /// An llvm-objdump listing of one function: instructions 4 bytes apart from `base`, a line
    /// `name:` labels the next instruction, and `@name` in an operand is a branch to it.
    static func function(_ name: String, at base: UInt64, _ lines: [String]) -> String {
        var labels: [String: UInt64] = [:]
        var address = base
        for line in lines {
            if line.hasSuffix(":") { labels[String(line.dropLast())] = address } else { address += 4 }
        }
        var text = "\n\(String(format: "%016lx", base)) <\(name)>:\n"
        address = base
        for line in lines where !line.hasSuffix(":") {
            var resolved = line
            for (label, at) in labels {
                resolved = resolved.replacingOccurrences(
                    of: "@" + label, with: "0x\(String(at, radix: 16)) <\(name)+0x\(String(at - base, radix: 16))>")
            }
            text += "  \(String(address, radix: 16)):      \t\(resolved)\n"
            address += 4
        }
        return text
    }

    /// A hook as `Tracing.fire` inlines it: the enable byte compared in memory, `je` over the call.
    static func compareSite(_ id: UInt16, at base: UInt64) -> String {
        function(
            "$e6Kernel4HookO\(id)", at: base,
            [
                "pushq\t%rbp", fixedTable, "cmpb\t$0, \(id)(%rax)", "je\t@done", "movl\t$\(id), %edi",
                "callq\t0x9000 <\(record)>", "done:", "popq\t%rbp", "retq",
            ])
    }

    /// The byte loaded early into a callee-saved register, other work (a call) before the test,
    /// and the recording block placed after the function's return (`jne` to it).
    static func registerSite(_ id: UInt16, at base: UInt64) -> String {
        function(
            "$e6Kernel7NetworkO3run\(id)", at: base,
            [
                "pushq\t%r14", fixedTable, "movzbl\t\(id)(%rax), %r14d", "movq\t%r13, %rdi", "callq\t0x8000 <swift_retain>",
                "testb\t%r14b, %r14b", "movq\t%r12, %r14", "jne\t@on", "back:", "popq\t%r14", "retq",
                "on:", "movl\t$\(id), %edi", "callq\t0x9000 <\(record)>", "jmp\t@back",
            ])
    }

    /// `skiff_syscall` as built: a bounds check, one load of the call's byte, two tests of it.
    static let syscall = function(
        "$e6Kernel13skiff_syscallys5Int32VSpySo0B11_trap_frameVGF", at: 0x22ea60,
        [
            "pushq\t%rbp", "movq\t112(%rdi), %r14", "incq\t%gs:40", "cmpq\t$512, %r14", "jae\t@untraced",
            "leaq\t791948(%rip), %rax\t# 0x2f0020 <skiff_trace_syscalls>", "movzbl\t(%rax,%r14), %r15d", "testb\t$1, %r15b",
            "je\t@dispatch", "movq\t%rbx, %rdi", "callq\t0x265140 <\(entry)>", "dispatch:", "movq\t%rbx, %rdi",
            "callq\t0x22f4d0 <$e6Kernel12SyscallTableO8dispatch>", "testb\t$2, %r15b", "je\t@after", "movq\t%r14, %rdi",
            "callq\t0x265180 <\(exit)>", "jmp\t@after", "untraced:", "movq\t%rbx, %rdi",
            "callq\t0x22f4d0 <$e6Kernel12SyscallTableO8dispatch>", "after:", "popq\t%rbp", "retq",
        ])

    /// Every fixed tracepoint but the sampler's at a site of the given shape, plus `skiff_syscall`.
    static func kernel(site: @escaping (UInt16, UInt64) -> String = compareSite, replacing replaced: UInt16? = nil, with other: String = "") -> String {
        var text = "build/skiff-kernel.elf:\tfile format elf64-x86-64\n\nDisassembly of section .text:\n"
        for (t, _, _) in Tracepoint.fixed where t != .samplerTick {
            text += t.id == replaced ? other : site(t.id, 0x1000 * UInt64(t.id))
        }
        return text + syscall
    }

    static func check(_ text: String) -> TracepointCostCheck.Report { TracepointCostCheck.check(Disassembly(text)) }

    @Test func theShapesTheCompilerEmitsPass() {
        for shape in [Self.compareSite, Self.registerSite] {
            let report = Self.check(Self.kernel(site: shape))
            #expect(report.problems == [])
            #expect(report.guardedCalls == Tracepoint.fixed.count - 1 + 2)
            #expect(report.tracepointsCovered == Tracepoint.fixed.count - 1)
        }
    }

    @Test func anOutOfLineFireIsACallOnTheOffPath() {
        // `@inline(never) fire`: hooks call it unconditionally; its own test indexes the table.
        let caller = Self.function("$e6Kernel5TrapsO8dispatch", at: 0x4000, ["movl\t$4, %edi", "callq\t0x7000 <\(Self.fire)>", "retq"])
        let fire = Self.function(
            Self.fire, at: 0x7000,
            [Self.fixedTable, "cmpb\t$0, (%rax,%rdi)", "je\t@done", "callq\t0x9000 <\(Self.record)>", "done:", "retq"])
        let report = Self.check(Self.kernel(replacing: Tracepoint.pageFault.id, with: caller + fire))
        #expect(report.problems.contains { $0.contains("calls \(Self.fire), which must be inlined") })
        #expect(report.problems.contains { $0.contains("skiff_trace_fixed[4] (page_fault)") })
    }

    @Test func anEnableCheckByCallIsNoGuard() {
        // `skiff_trace_on` out of line: the branch tests what it returned, not the table.
        let site = Self.function(
            "$e6Kernel5TrapsO8dispatch", at: 0x4000,
            ["movl\t$4, %edi", "callq\t0x6000 <skiff_trace_on>", "testb\t%al, %al", "je\t@done", "callq\t0x9000 <\(Self.record)>", "done:", "retq"])
        let report = Self.check(Self.kernel(replacing: Tracepoint.pageFault.id, with: site))
        #expect(report.problems.contains { $0.contains("calls skiff_trace_on, which must be inlined") })
        #expect(report.problems.contains { $0.contains("calls \(Self.record) on a path with no branch") })
    }

    @Test func aByteInACallerSavedRegisterDoesNotSurviveACall() {
        let site = Self.function(
            "$e6Kernel5TrapsO8dispatch", at: 0x4000,
            [
                Self.fixedTable, "movzbl\t4(%rax), %ecx", "callq\t0x8000 <swift_retain>", "testb\t%cl, %cl", "je\t@done",
                "callq\t0x9000 <\(Self.record)>", "done:", "retq",
            ])
        let report = Self.check(Self.kernel(replacing: Tracepoint.pageFault.id, with: site))
        #expect(report.problems.contains { $0.contains("on a path with no branch") })
    }

    @Test func recordingWithoutATestOrFromAnotherPathIsUnguarded() {
        let unconditional = Self.function("$e6Kernel5TrapsO8dispatch", at: 0x4000, ["callq\t0x9000 <\(Self.record)>", "retq"])
        #expect(Self.check(Self.kernel(replacing: 4, with: unconditional)).problems.contains { $0.contains("on a path with no branch") })
        // A guarded block that other code also jumps into is not off when the byte is zero.
        let joined = Self.function(
            "$e6Kernel5TrapsO8dispatch", at: 0x4000,
            [
                "testq\t%rdi, %rdi", "jne\t@record", Self.fixedTable, "cmpb\t$0, 4(%rax)", "je\t@done", "record:",
                "callq\t0x9000 <\(Self.record)>", "done:", "retq",
            ])
        #expect(Self.check(Self.kernel(replacing: 4, with: joined)).problems.contains { $0.contains("on a path with no branch") })
    }

    @Test func aBranchOnAnotherByteOrComparisonIsNoGuard() {
        // `cmpb $1` is not "the byte is zero", and a byte of another table is not an enable byte.
        let wrongComparison = Self.function(
            "$e6Kernel5TrapsO8dispatch", at: 0x4000,
            [Self.fixedTable, "cmpb\t$1, 4(%rax)", "je\t@done", "callq\t0x9000 <\(Self.record)>", "done:", "retq"])
        #expect(Self.check(Self.kernel(replacing: 4, with: wrongComparison)).problems.contains { $0.contains("on a path with no branch") })
        let otherTable = Self.function(
            "$e6Kernel5TrapsO8dispatch", at: 0x4000,
            [
                "leaq\t1000(%rip), %rax\t# 0x2f1000 <skiff_other_flags>", "cmpb\t$0, 4(%rax)", "je\t@done",
                "callq\t0x9000 <\(Self.record)>", "done:", "retq",
            ])
        #expect(Self.check(Self.kernel(replacing: 4, with: otherTable)).problems.contains { $0.contains("on a path with no branch") })
    }

    @Test func theSystemCallSitesAreRequired() {
        let withoutExitTest = Self.kernel().replacingOccurrences(of: "testb\t$2, %r15b\n", with: "testq\t%rax, %rax\n")
        let report = Self.check(withoutExitTest)
        #expect(report.problems.contains { $0.contains("calls \(Self.exit) on a path with no branch") })
        #expect(report.problems.contains { $0.contains("skiff_syscall has no call of Tracing.syscallExit guarded") })
        #expect(!report.problems.contains { $0.contains("syscallEntry guarded") })
    }

    @Test func instructionsParse() {
        let d = Disassembly(Self.syscall)
        #expect(d.functions.count == 1)
        let code = d.functions[0].instructions
        let load = code.first { $0.mnemonic == "leaq" }
        #expect(load?.symbol == "skiff_trace_syscalls" && load?.operands == ["791948(%rip)", "%rax"])
        let index = code.first { $0.mnemonic == "movzbl" }
        #expect(index?.operands == ["(%rax,%r14)", "%r15d"])
        let branch = code.first { $0.mnemonic == "je" }
        #expect(branch?.target == 0x22ea60 + 11 * 4 && branch?.symbol == d.functions[0].name && branch?.symbolOffset == 44)
        #expect(TracepointGuards.family("%r15b") == "r15" && TracepointGuards.family("%eax") == "ax" && TracepointGuards.family("%sil") == "si")
    }
}
