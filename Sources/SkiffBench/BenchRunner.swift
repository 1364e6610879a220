import Foundation
import SkiffHost

/// Boots one workload on one system under the run's QEMU settings and reads its results.
struct BenchRunner {
    var settings: MachineSettings
    /// The raw disk image attached for workloads that need one.
    var disk: String
    /// Where the ext4 volume is made for workloads that write one.
    var ext4Disk: String
    var timeout: Double
    /// What workloads with a host load (`Workload.hostLoad`) attach their NIC to; nil when the run
    /// has none.
    var network: BenchNetwork?

    func run(_ workload: Workload, on system: GuestSystem) throws -> WorkloadResult {
        var attached: String? = nil
        switch workload.disk {
        case .none: break
        case .raw: attached = disk
        case .ext4:
            try? FileManager.default.removeItem(atPath: ext4Disk)
            let made = try Subprocess(E2fsprogs.path("mke2fs") ?? "mke2fs", ["-q", "-F", "-t", "ext4", ext4Disk, "256M"]).run()
            guard made.status == 0 else { throw SkiffError("mke2fs failed: \(made.errorText)") }
            attached = ext4Disk
        }
        let load = workload.hostLoad
        var vm = system.virtualMachine(
            image: workload.image, arguments: workload.arguments, settings: settings, disk: attached, timeout: timeout,
            extraBootOptions: load == nil ? [] : network?.bootOptions(for: system.kind) ?? [])
        let measured = Outcome<Result<[String: Double], SkiffBenchError>>()
        let loadDone = DispatchSemaphore(value: 0)
        let guestEnded = Flag()
        var loading = false
        if let load, let network {
            loading = true
            let endpoint = network.attach(&vm, guestPort: load.guestPort)
            let deadline = Date().addingTimeInterval(timeout)
            Thread.detachNewThread {
                measured.value = load.run(endpoint, deadline: deadline, guestEnded: guestEnded)
                loadDone.signal()
            }
        }
        let outcome: VirtualMachine.Outcome
        do {
            outcome = try vm.run(accelerator: settings.accelerator)
            guestEnded.raise()
        } catch {
            guestEnded.raise()
            throw error
        }
        let status = system.status(of: outcome)
        var result = WorkloadResult.parse(console: outcome.console)
        if loading {
            loadDone.wait()
            switch measured.value {
            case .success(let values)?: result.values.merge(values) { _, host in host }
            case .failure(let error)?:
                for metric in workload.metrics where result.values[metric] == nil && result.unavailable[metric] == nil {
                    result.unavailable[metric] = "(" + error.message + ")"
                }
            case nil: break
            }
        }
        result.totalSeconds = outcome.elapsed
        if let marker = workload.bootMarker { result.bootSeconds = outcome.timeline.elapsed(untilLineContaining: marker) }
        var problems: [String] = []
        if outcome.timedOut {
            problems.append("timed out after \(Int(timeout)) s")
        } else if status != 0 {
            problems.append("exit status \(status.map(String.init) ?? "unknown (no status from the guest, QEMU \(outcome.qemuStatus))")")
        }
        for metric in workload.metrics where result.values[metric] == nil && result.unavailable[metric] == nil {
            problems.append("no result for \(metric)")
        }
        if workload.bootMarker != nil && result.bootSeconds == nil { problems.append("no boot marker line") }
        guard problems.isEmpty else {
            let tail = outcome.console.split(separator: "\n", omittingEmptySubsequences: false).suffix(15)
                .joined(separator: "\n    | ")
            var message = "\(system.kind.title) \(workload.name): \(problems.joined(separator: "; "))\n    | \(tail)"
            if !outcome.qemuErrors.isEmpty { message += "\n    qemu: " + outcome.qemuErrors.trimmingCharacters(in: .whitespacesAndNewlines) }
            throw SkiffError(message)
        }
        return result
    }

    /// Whether `system` boots the hello image with `memoryMiB` and the program prints its line
    /// and exits 0.
    func helloSucceeds(on system: GuestSystem, memoryMiB: Int, timeout: Double) throws -> Bool {
        var small = settings
        small.memoryMiB = memoryMiB
        let vm = system.virtualMachine(image: .hello, arguments: ["/bin/hello"], settings: small, disk: nil, timeout: timeout)
        let outcome = try vm.run(accelerator: settings.accelerator)
        return system.status(of: outcome) == 0 && outcome.console.contains(Workload.helloMarker)
    }
}
