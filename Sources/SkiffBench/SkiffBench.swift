import Foundation
import SkiffHost

/// `make bench`: runs the same static programs on Skiff and on a Debian Linux guest under the
/// same QEMU settings, alternating the two, and prints each metric's median side by side.
/// Method and results: docs/benchmarks.md.
@main
struct SkiffBench {
    static func main() {
        do {
            if try !run(try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))) { exit(1) }
        } catch let error as SkiffError {
            say("error: \(error.message)")
            exit(error.exitStatus)
        } catch {
            say("error: \(error)")
            exit(1)
        }
    }

    /// Runs the benchmark; false when a number is missing from the table.
    static func run(_ options: BenchOptions) throws -> Bool {
        let started = Date()
        let output = options.outputDirectory
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let skiffKernel = options.skiffKernel ?? output + "/skiff-kernel.elf"
        guard FileManager.default.fileExists(atPath: skiffKernel) else {
            throw SkiffError("\(skiffKernel) is missing: build it with 'make bench'", exitStatus: ExitStatus.missingInput)
        }
        let linux = try LinuxKernel.find(explicit: options.linuxKernel)
        let decision = AcceleratorProbe.resolve(options.accelerator, kernel: skiffKernel, qemu: "qemu-system-x86_64")
        let settings = MachineSettings(
            machine: options.machine, memoryMiB: options.memoryMiB, cpus: options.cpus, accelerator: decision.accelerator)

        // Inputs both systems get: the data file the read benchmark reads and the disk for the
        // block benchmark.
        let dataMiB = options.quick ? 1 : 16
        let dataFile = output + "/data-\(dataMiB)M.bin"
        try BenchImageBuilder.makeDataFile(at: dataFile, mebibytes: dataMiB)
        let disk = output + "/disk-64M.raw"
        try BenchImageBuilder.makeDataFile(at: disk, mebibytes: 64)

        let builder = BenchImageBuilder(
            programDirectory: output + "/programs", outputDirectory: output, dataFile: dataFile,
            linuxModules: try linux.blockModules(machine: options.machine))
        var skiffImages: [BenchImage: String] = [:]
        var linuxImages: [BenchImage: String] = [:]
        for image in BenchImage.allCases {
            skiffImages[image] = try builder.skiffImage(image)
            linuxImages[image] = try builder.linuxInitramfs(image)
        }
        var linuxBoot = ["console=ttyS0", "quiet", "panic=-1"]
        if decision.accelerator == .tcg, let khz = LinuxKernel.hostTSCkHz() {
            linuxBoot += ["tsc_early_khz=\(khz)", "tsc=reliable"]
        }
        let systems = [
            GuestSystem(kind: .skiff, kernel: skiffKernel, images: skiffImages, bootOptions: []),
            GuestSystem(kind: .linux, kernel: linux.path, images: linuxImages, bootOptions: linuxBoot),
        ]

        var workloads = Workload.all(quick: options.quick)
        if !options.only.isEmpty {
            let unknown = options.only.filter { name in !workloads.contains { $0.name == name } }
            guard unknown.isEmpty else {
                throw SkiffError(
                    "--only: no workload \(unknown.joined(separator: ", ")) (there are \(workloads.map(\.name).joined(separator: ", ")))",
                    exitStatus: ExitStatus.usage)
            }
            workloads = workloads.filter { options.only.contains($0.name) }
        }
        // Made only when a workload needs it, and removed however the run ends.
        let network = workloads.contains { $0.hostLoad != nil } ? BenchNetwork.setUp(tap: options.tapNetwork) : nil
        defer { network?.tearDown() }
        if case .user(let reason)? = network, options.tapNetwork {
            say("warning: both systems get QEMU's user network with port forwards instead of a tap: \(reason)")
        }

        let runs = options.quick ? 1 : options.runs
        let context = BenchContext(
            date: ISO8601DateFormatter().string(from: started), host: BenchContext.hostCPUModel(),
            hostCPUs: ProcessInfo.processInfo.activeProcessorCount, qemu: BenchContext.qemuVersion(),
            accelerator: decision.accelerator.rawValue, acceleratorReason: decision.reason,
            machine: options.machine.rawValue, memoryMiB: options.memoryMiB, cpus: options.cpus, runs: runs,
            quick: options.quick, skiffKernel: skiffKernel, linuxKernel: linux.path,
            linuxCommandLine: linuxBoot.joined(separator: " "), network: network?.summary ?? "none")
        say("skiff-bench: " + context.summary.replacingOccurrences(of: "\n", with: "\n             "))

        var results = BenchResults()
        let runner = BenchRunner(
            settings: settings, disk: disk, ext4Disk: output + "/ext4-256M.img", timeout: options.quick ? 120 : 600,
            network: network)
        for run in 0..<runs {
            for workload in workloads {
                // Alternate which system goes first, so neither always follows the other.
                for system in run % 2 == 0 ? systems : systems.reversed() {
                    let result = try runWithRetry(workload, on: system, runner: runner, quick: options.quick)
                    results.add(result, of: workload, on: system.kind)
                    let shown = workload.metrics.map { name in
                        result.values[name].map { "\(name) \(BenchReport.format($0))" } ?? "\(name) n/a"
                    }
                    say(
                        "run \(run + 1)/\(runs)  \(system.kind.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0))  "
                            + "\(workload.name.padding(toLength: 10, withPad: " ", startingAt: 0))  "
                            + String(format: "%6.2f s  ", result.totalSeconds) + shown.joined(separator: ", "))
                }
            }
        }

        if options.memorySearch {
            let search = MemoryFloorSearch(start: options.memoryMiB, resolution: options.quick ? 16 : 1)
            for system in systems {
                let found = try search.run { mebibytes in
                    let works = try runner.helloSucceeds(on: system, memoryMiB: mebibytes, timeout: options.quick ? 60 : 120)
                    say("memory \(system.kind.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0))  -m \(mebibytes)M: \(works ? "ok" : "fails")")
                    return works
                }
                if let found {
                    results.add("memory-floor", system.kind, Double(found.floor))
                } else {
                    results.markUnavailable("memory-floor", system.kind, reason: "(hello fails even with \(search.ceiling) MiB)")
                }
            }
        }

        // Sizes as booted: the kernel file QEMU loads, and it plus the hello image.
        for system in systems {
            let kernel = Double(FileInfo(system.kernel)?.size ?? 0) / 1024
            let image = Double(system.images[.hello].flatMap { FileInfo($0)?.size } ?? 0) / 1024
            results.add("kernel-size", system.kind, kernel)
            results.add("image-size", system.kind, kernel + image)
        }

        let report = BenchReport(context: context, results: results)
        let suffix = options.quick ? "-quick" : ""
        say("")
        say(report.text)
        try report.json().write(to: URL(fileURLWithPath: output + "/results\(suffix).json"))
        try (report.markdown).write(toFile: output + "/results\(suffix).md", atomically: true, encoding: .utf8)
        let minutes = Date().timeIntervalSince(started) / 60
        say(String(format: "skiff-bench: %.1f minutes; results in %@/results%@.{json,md}", minutes, output, suffix))
        let missing = report.missing(skipping: options.memorySearch ? [] : ["memory-floor"], linuxMayFail: options.quick)
        if !missing.isEmpty && options.only.isEmpty {
            say("error: no numbers for \(missing.joined(separator: ", "))")
            return false
        }
        return true
    }

    /// A VM that fails is booted once more before the run is abandoned: a TCG guest on a loaded
    /// host misses a timer now and then. A second failure is reported with its console. In quick
    /// mode (`make check`'s smoke test of the benchmark) a second failure of the Linux guest
    /// leaves that workload's Linux numbers out, with the reason, instead of failing the check:
    /// it tests Skiff, and Debian's kernel under this host's QEMU is not the system under test.
    static func runWithRetry(_ workload: Workload, on system: GuestSystem, runner: BenchRunner, quick: Bool) throws -> WorkloadResult {
        do {
            return try runner.run(workload, on: system)
        } catch let error as SkiffError {
            say("warning: \(error.message)\nretrying once")
        }
        do {
            return try runner.run(workload, on: system)
        } catch let error as SkiffError where quick && system.kind == .linux {
            say("warning: \(error.message)\nquick run: Linux \(workload.name) left out")
            var result = WorkloadResult()
            for metric in workload.metrics { result.unavailable[metric] = "(the Linux guest failed twice)" }
            return result
        }
    }

    /// Prints a line at once (standard output is a pipe under make, and progress should show).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
