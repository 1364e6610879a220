import Foundation
import SkiffHost

/// What `skiff-bench` was asked to do (`make bench` passes the BENCH_* variables).
struct BenchOptions {
    /// Runs of each workload on each system; the table shows medians.
    var runs = 5
    /// One run, small iteration counts and a coarse memory search: a smoke test, not a measurement.
    var quick = false
    var accelerator = Accelerator.auto
    var machine = VirtualMachine.Machine.microvm
    var memoryMiB = 256
    var cpus = 2
    var buildDirectory = "build"
    /// Skiff's kernel as benchmarked (`make bench` strips the debug sections, which are not loaded).
    var skiffKernel: String? = nil
    /// Linux's kernel: the newest /boot/vmlinuz-* unless given.
    var linuxKernel: String? = nil
    var memorySearch = true
    /// The network of the workloads with a server in the guest: a tap in a network namespace of
    /// the run's own (falling back to QEMU's user network when it cannot be made), or, when
    /// false, the user network.
    var tapNetwork = true
    /// Only these workloads (`--only boot,http`); all when empty. The report then lacks the
    /// others' numbers, so such a run is for investigating, not for the record.
    var only: [String] = []

    var outputDirectory: String { buildDirectory + "/bench" }

    static let usage = """
        usage: skiff-bench [--runs N] [--quick] [--accel auto|kvm|tcg] [--machine microvm|q35] [--memory MiB]
                           [--cpus N] [--build DIR] [--skiff-kernel PATH] [--linux-kernel PATH] [--no-memory-search]
                           [--network tap|user] [--only WORKLOAD,...]
        """

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        var args = arguments[...]
        func value(_ name: String) throws -> String {
            guard let v = args.popFirst() else { throw SkiffError("\(name) needs a value\n\(usage)", exitStatus: ExitStatus.usage) }
            return v
        }
        func number(_ name: String, minimum: Int) throws -> Int {
            let text = try value(name)
            guard let n = Int(text), n >= minimum else {
                throw SkiffError("\(name) \(text): expected a number of at least \(minimum)", exitStatus: ExitStatus.usage)
            }
            return n
        }
        while let arg = args.popFirst() {
            switch arg {
            case "--runs": options.runs = try number(arg, minimum: 1)
            case "--quick": options.quick = true
            case "--accel":
                let text = try value(arg)
                guard let a = Accelerator(rawValue: text) else {
                    throw SkiffError("--accel \(text): use auto, kvm or tcg", exitStatus: ExitStatus.usage)
                }
                options.accelerator = a
            case "--machine":
                let text = try value(arg)
                guard let m = VirtualMachine.Machine(rawValue: text) else {
                    throw SkiffError("--machine \(text): use microvm or q35", exitStatus: ExitStatus.usage)
                }
                options.machine = m
            case "--memory": options.memoryMiB = try number(arg, minimum: 16)
            case "--cpus": options.cpus = try number(arg, minimum: 1)
            case "--build": options.buildDirectory = try value(arg)
            case "--skiff-kernel": options.skiffKernel = try value(arg)
            case "--linux-kernel": options.linuxKernel = try value(arg)
            case "--no-memory-search": options.memorySearch = false
            case "--network":
                let text = try value(arg)
                guard text == "tap" || text == "user" else {
                    throw SkiffError("--network \(text): use tap or user", exitStatus: ExitStatus.usage)
                }
                options.tapNetwork = text == "tap"
            case "--only": options.only = try value(arg).split(separator: ",").map(String.init)
            case "--help", "-h":
                print(usage)
                exit(0)
            default: throw SkiffError("unknown option \(arg)\n\(usage)", exitStatus: ExitStatus.usage)
            }
        }
        return options
    }
}
