import Foundation
import SkiffHost

/// The circumstances of a benchmark run, printed above the table and recorded with it.
struct BenchContext: Codable {
    var date: String
    var host: String
    var hostCPUs: Int
    var qemu: String
    var accelerator: String
    var acceleratorReason: String
    var machine: String
    var memoryMiB: Int
    var cpus: Int
    var runs: Int
    var quick: Bool
    var skiffKernel: String
    var linuxKernel: String
    var linuxCommandLine: String
    /// The network the workloads with a server in the guest used (`BenchNetwork.summary`).
    var network: String

    static func hostCPUModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line?.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    }

    static func qemuVersion() -> String {
        guard let qemu = Subprocess.find("qemu-system-x86_64"),
            let result = try? Subprocess(qemu, ["--version"]).run()
        else { return "unknown" }
        return result.outputText.split(separator: "\n").first.map(String.init) ?? "unknown"
    }

    var summary: String {
        """
        machine \(machine), \(cpus) vCPUs, \(memoryMiB) MiB, accelerator \(accelerator) (\(acceleratorReason))
        \(quick ? "QUICK mode: 1 run, tiny iteration counts, coarse memory search — a smoke test, not a measurement" : "median of \(runs) runs per system, Skiff and Linux alternating")
        host: \(host), \(hostCPUs) CPUs; \(qemu)
        Skiff: \(skiffKernel); Linux: \(linuxKernel) with '\(linuxCommandLine)'
        network: \(network)
        """
    }
}
