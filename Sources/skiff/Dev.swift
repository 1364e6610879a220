import ArgumentParser
import Foundation
import SkiffHost

/// Build steps and developer tools that are not part of the everyday workflow.
struct Dev: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Developer tools used by the build.",
        subcommands: [EmbedSymbols.self, CheckTracepoints.self, Accel.self])

    struct EmbedSymbols: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "embed-symbols",
            abstract: "Append the kernel's symbol table to the kernel ELF for in-guest backtraces.")

        @Argument(help: "The linked kernel ELF.") var kernel: String
        @Option(name: .shortAndLong, help: "Where to write the result.") var output: String
        @Option(help: "Path of swift-demangle.") var demangler: String?

        func run() throws {
            try failing { try KernelImage.embedSymbols(kernelPath: kernel, outputPath: output, demangler: demangler) }
        }
    }

    struct CheckTracepoints: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-tracepoints",
            abstract: "Check in the kernel's disassembly that every disabled tracepoint is one load and a branch.")

        @Argument(help: "The kernel ELF.") var kernel: String
        @Option(help: "The disassembler (default: llvm-objdump on PATH).") var objdump: String?

        func run() throws {
            try failing {
                let report = try TracepointCostCheck.run(kernel: kernel, objdump: objdump)
                for problem in report.problems.prefix(20) { print("error: tracepoint cost: \(problem)") }
                if report.problems.count > 20 { print("error: tracepoint cost: … and \(report.problems.count - 20) more") }
                guard report.problems.isEmpty else {
                    throw SkiffError("\(report.problems.count) tracepoint sites are not a load and a branch when off (docs/observability.md)")
                }
                print("tracepoints: \(report.guardedCalls) recording calls behind an enable-byte branch, \(report.tracepointsCovered) fixed tracepoints and skiff_syscall's entry and exit")
            }
        }
    }

    struct Accel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the accelerator `--accel auto` picks here, and why.")
        @Option(help: "The kernel ELF.") var kernel: String?

        func run() throws {
            try failing {
                let decision = AcceleratorProbe.resolve(.auto, kernel: try Paths.kernel(explicit: kernel), qemu: "qemu-system-x86_64")
                print("\(decision.accelerator.rawValue): \(decision.reason)")
            }
        }
    }
}
