import ArgumentParser
import Foundation
import SkiffHost

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot a Skiff VM and run a program in it; exits with the program's status.")

    @Option(help: "Virtual CPUs.") var cpus = 1
    @Option(help: "Memory, such as 256M or 1G.") var memory = "256M"
    @Option(help: "QEMU machine: microvm or q35.") var machine: VirtualMachine.Machine = .microvm
    @Option(help: "Accelerator: auto (KVM if its self-check passes, else TCG), kvm or tcg.")
    var accel: Accelerator = .auto
    @Option(help: "Kill the VM after this many seconds.") var timeout: Double?
    @Option(name: .customLong("boot-option"), help: "A kernel boot option such as --bootchart (repeatable).")
    var bootOptions: [String] = []
    @Option(help: "The kernel ELF (default: the one built next to this tool).") var kernel: String?
    @Option(help: "The application image to boot (passed as the PVH module).") var image: String?
    @Option(help: "Start QEMU's GDB stub on this port.") var gdb: Int?
    @Flag(help: "Print which accelerator was chosen and why.") var verbose = false
    @Argument(parsing: .captureForPassthrough, help: "The program (a path inside the image) and its arguments.")
    var command: [String] = []

    func run() throws {
        let status = try failing { () throws -> Int32 in
            let kernelPath = try Paths.kernel(explicit: kernel)
            var vm = VirtualMachine(kernel: kernelPath)
            vm.machine = machine
            vm.cpus = cpus
            vm.memoryMiB = try parseMemory(memory)
            vm.timeout = timeout
            vm.initrd = image
            vm.gdbPort = gdb
            vm.echo = FileHandle.standardOutput
            var args = command
            if args.first == "--" { args.removeFirst() }
            // A host program: build (or reuse) an image with it and what it needs.
            if image == nil, let program = args.first, program.contains("/"),
                FileManager.default.fileExists(atPath: program)
            {
                let absolute = URL(fileURLWithPath: program).standardizedFileURL.path
                vm.initrd = try ProgramImage.prepare(programs: [(absolute, absolute)])
                args[0] = absolute
            }
            vm.commandLine = (bootOptions + args.map(quoteForKernel)).joined(separator: " ")
            let decision = AcceleratorProbe.resolve(accel, kernel: kernelPath, qemu: vm.qemu)
            if verbose {
                FileHandle.standardError.write(Data("skiff: accelerator \(decision.accelerator.rawValue) (\(decision.reason))\n".utf8))
            }
            let outcome = try vm.run(accelerator: decision.accelerator)
            if outcome.timedOut {
                throw SkiffError("the VM did not finish within \(Int(timeout ?? 0)) s and was stopped (raise --timeout)", exitStatus: 124)
            }
            guard let status = outcome.exitStatus else {
                let detail = outcome.qemuErrors.split(separator: "\n").first.map(String.init) ?? "status \(outcome.qemuStatus)"
                throw SkiffError("QEMU failed: \(detail)", exitStatus: 125)
            }
            return status
        }
        throw ExitCode(status)
    }
}

/// `256M`, `1G`, or a plain number of MiB.
func parseMemory(_ text: String) throws -> Int {
    let upper = text.uppercased()
    let (digits, scale): (Substring, Int) =
        upper.hasSuffix("G") ? (upper.dropLast(), 1024) : upper.hasSuffix("M") ? (upper.dropLast(), 1) : (Substring(upper), 1)
    guard let n = Int(digits), n > 0 else {
        throw SkiffError("invalid --memory '\(text)': use a size such as 256M or 1G", exitStatus: 64)
    }
    return n * scale
}

/// Escapes spaces and quotes the way the kernel's command-line tokenizer reads them.
func quoteForKernel(_ arg: String) -> String {
    var out = ""
    for c in arg {
        if c == " " || c == "\\" || c == "\"" || c == "'" || c == "\t" { out.append("\\") }
        out.append(c)
    }
    return out.isEmpty ? "''" : out
}

extension VirtualMachine.Machine: ExpressibleByArgument {}
extension Accelerator: ExpressibleByArgument {}
