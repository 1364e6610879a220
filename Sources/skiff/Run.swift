import ArgumentParser
import Foundation
import SkiffHost

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a host program or an image in a fresh Skiff VM; exits with the program's status.",
        discussion: """
            TARGET is an image file, the name or key of a cached image (skiff images), or a host program (a path, or a name looked up in PATH). A program is packed into an image with its interpreter, libraries and, for known interpreters such as python3, their standard library. Options go before TARGET; everything after it belongs to the program. Arguments after an image replace its default command.

              skiff run /usr/bin/python3 -c 'print(42)'
              skiff run --file data.csv ./report data.csv
              skiff run --memory 1G -p 8080:80 myapp
            """)

    @Option(help: "Virtual CPUs (default: the image's, else 1).") var cpus: Int?
    @Option(help: "Memory such as 256M or 1G (default: the image's, else 256M).") var memory: String?
    @Option(help: "QEMU machine: microvm or q35.") var machine: VirtualMachine.Machine = .microvm
    @Option(help: "Accelerator: auto (KVM if its self-check passes, else TCG), kvm or tcg.")
    var accel: Accelerator = .auto
    @Option(help: "Network: user (NAT), tap, tap:IFNAME or none (default: none, user with -p).") var net: String?
    @Option(
        name: [.customShort("p"), .customLong("publish")],
        help: "Forward a host port to the guest: HOST:GUEST[/udp] (repeatable).")
    var ports: [String] = []
    @Option(help: "Share a host folder over virtio-9p: HOSTDIR:GUESTDIR (repeatable).") var share: [String] = []
    @Option(help: "Attach a disk image as virtio-blk (raw or qcow2; repeatable).") var disk: [String] = []
    @Option(help: "Add a host file to the image: HOST[:GUEST] (repeatable; programs only).") var file: [String] = []
    @Option(help: "Add a host folder to the image: HOST[:GUEST] (repeatable; programs only).") var dir: [String] = []
    @Flag(name: .customLong("no-interpreter-data"), help: "Do not add interpreters' standard libraries (python3's, perl's, …).")
    var noInterpreterData = false
    @Option(help: "Set an environment variable in the guest: NAME=VALUE (repeatable).") var env: [String] = []
    @Option(help: "The program's working directory in the guest.") var cwd: String?
    @Option(name: .customLong("boot-option"), help: "A kernel boot option such as --bootchart (repeatable).")
    var bootOptions: [String] = []
    @Option(help: ArgumentHelp("Start QEMU's GDB stub on PORT (default 1234).", valueName: "port")) var gdb: Int?
    @Flag(name: .customLong("gdb-wait"), help: "With --gdb: stop at the first instruction until GDB continues.")
    var gdbWait = false
    @Option(help: "Stop the VM after this many seconds (exit status 124).") var timeout: Double?
    @Option(
        name: .customLong("trace-file"),
        help: ArgumentHelp("Where to save the trace dump of a traced run (--boot-option=--trace=… or --sampler=…).", valueName: "path"))
    var traceFile = "skiff-trace.dump"
    @Option(help: "The kernel ELF (default: $SKIFF_KERNEL, or the one built next to this tool).") var kernel: String?
    @Option(help: "The image to boot; all arguments are then the command.") var image: String?
    @Flag(help: "Print a JSON summary (exit status, timings, the program's output) instead of streaming output.")
    var json = false
    @Flag(name: .shortAndLong, help: "No progress output.") var quiet = false
    @Flag(help: "Print which accelerator was chosen and why.") var verbose = false
    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("An image or a host program, and its arguments.", valueName: "target-and-arguments"))
    var command: [String] = []

    /// Options that take a value (for the `--gdb [PORT]` rewrite in `Skiff.main`).
    static let valuedOptions: Set<String> = [
        "--cpus", "--memory", "--machine", "--accel", "--net", "-p", "--publish", "--share", "--disk", "--file", "--dir",
        "--env", "--cwd", "--boot-option", "--timeout", "--kernel", "--image", "--trace-file",
    ]

    func validate() throws {
        // The pass-through argument captures --help too, as it would a program's own option.
        if let first = command.first, first == "--help" || first == "-h" { throw CleanExit.helpRequest(self) }
    }

    func run() throws {
        let started = Date()
        let outcome = try failing(json: json) { () throws -> (VirtualMachine.Outcome, [String: Any]) in
            let progress = ProgressReporter.automatic(quiet: quiet || json)
            var args = command
            if args.first == "--" { args.removeFirst() }
            var options = RunOptions()
            options.cpus = cpus
            options.memoryMiB = try memory.map { try MemorySize.parse($0, option: "--memory") }
            options.machine = machine
            options.network = try net.map(VirtualMachine.Network.parse) ?? .none
            options.forwards = try ports.map(VirtualMachine.PortForward.parse)
            options.shares = try share.map(RunOptions.Share.parse)
            options.disks = disk
            options.gdbPort = gdb
            options.waitForDebugger = gdbWait
            options.bootOptions = bootOptions
            options.environment = try environmentPairs(env)
            options.workingDirectory = cwd
            options.timeout = timeout
            let kernelPath = try Paths.kernel(explicit: kernel)

            let prepared = try PreparedRun.prepare(
                image: image, arguments: args, files: file, directories: dir, interpreterData: !noInterpreterData,
                kernelOnly: !bootOptions.isEmpty, bootOptions: bootOptions, shares: options.shares.map(\.guestPath),
                cache: ImageCache(), progress: progress)
            options.arguments = prepared.arguments
            var summary: [String: Any] = ["cacheHit": prepared.cacheHit]
            summary["image"] = prepared.imagePath
            let preparedAt = Date()
            var vm = try RunSetup.virtualMachine(
                kernel: kernelPath, image: prepared.imagePath, config: prepared.config, options: options)
            let filter = json ? nil : ConsoleTraceFilter(output: FileHandle.standardOutput)
            vm.echo = filter?.sink
            let decision = AcceleratorProbe.resolve(accel, kernel: kernelPath, qemu: vm.qemu)
            if verbose {
                FileHandle.standardError.write(
                    Data("skiff: accelerator \(decision.accelerator.rawValue) (\(decision.reason))\n".utf8))
                FileHandle.standardError.write(Data("skiff: kernel command line: \(vm.commandLine)\n".utf8))
            }
            if let port = gdb {
                progress.note("GDB stub on localhost:\(port)\(gdbWait ? "; the CPU waits for 'continue'" : "")")
            }
            var result = try vm.run(accelerator: decision.accelerator)
            filter?.finish()
            if let saved = try TraceDumpSaver.save(console: &result.console, to: traceFile) {
                progress.note("trace dump (\(saved) bytes) saved to \(traceFile): skiff trace \(traceFile)")
            }
            summary["accelerator"] = decision.accelerator.rawValue
            summary["timings"] = [
                "prepareSeconds": preparedAt.timeIntervalSince(started),
                "vmSeconds": result.elapsed,
                "totalSeconds": Date().timeIntervalSince(started),
            ]
            summary["exitStatus"] = Int(try result.programStatus(timeout: timeout))
            return (result, summary)
        }
        let (result, summary) = outcome
        if json {
            var object = summary
            object["output"] = result.console
            printJSON(object)
        }
        throw ExitCode(Int32(summary["exitStatus"] as? Int ?? Int(ExitStatus.vmFailed)))
    }
}
