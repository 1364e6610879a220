import ArgumentParser
import Foundation
import SkiffHost

/// Build steps and developer tools that are not part of the everyday workflow.
struct Dev: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Developer tools used by the build.",
        subcommands: [EmbedSymbols.self, Accel.self])

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
