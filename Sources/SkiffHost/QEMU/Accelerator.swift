import Foundation

/// How QEMU executes the guest.
public enum Accelerator: String, CaseIterable, Sendable {
    case auto, kvm, tcg
}

/// Chooses KVM when it really works and TCG otherwise.
///
/// `/dev/kvm` existing is not enough: under nested virtualization KVM can start and then fail on
/// the first SSE or x87 instruction ("KVM internal error. Suberror: 1"). So the probe boots the
/// kernel's `accel-check` test, which runs exactly such instructions, and uses KVM only if it
/// prints its result and exits cleanly. The answer is cached per host boot and QEMU binary.
public enum AcceleratorProbe {
    public struct Decision: Sendable {
        public var accelerator: Accelerator
        public var reason: String
    }

    public static func resolve(_ requested: Accelerator, kernel: String, qemu: String) -> Decision {
        switch requested {
        case .tcg:
            return Decision(accelerator: .tcg, reason: "requested")
        case .kvm:
            return Decision(accelerator: .kvm, reason: "requested")
        case .auto:
            if let forced = ProcessInfo.processInfo.environment["SKIFF_ACCEL"],
                let a = Accelerator(rawValue: forced), a != .auto
            {
                return Decision(accelerator: a, reason: "SKIFF_ACCEL=\(forced)")
            }
            guard FileManager.default.isReadableFile(atPath: "/dev/kvm"),
                FileManager.default.isWritableFile(atPath: "/dev/kvm")
            else {
                return Decision(accelerator: .tcg, reason: "/dev/kvm is not available")
            }
            let cache = cachePath(qemu: qemu)
            if let cached = try? String(contentsOfFile: cache, encoding: .utf8) {
                let parts = cached.split(separator: "\n", maxSplits: 1).map(String.init)
                if let a = parts.first.flatMap({ Accelerator(rawValue: $0) }) {
                    return Decision(accelerator: a, reason: (parts.count > 1 ? parts[1] : "") + " (cached)")
                }
            }
            let decision = probe(kernel: kernel, qemu: qemu)
            try? "\(decision.accelerator.rawValue)\n\(decision.reason)".write(
                toFile: cache, atomically: true, encoding: .utf8)
            return decision
        }
    }

    static func probe(kernel: String, qemu: String) -> Decision {
        var vm = VirtualMachine(kernel: kernel)
        vm.commandLine = "--quiet --kernel-test=accel-check"
        vm.machine = .microvm
        vm.memoryMiB = 64
        vm.timeout = 15
        vm.qemu = qemu
        do {
            let result = try vm.run(accelerator: .kvm)
            if result.exitStatus == 0 && result.console.contains("accel-check: ok") {
                return Decision(accelerator: .kvm, reason: "KVM self-check passed")
            }
            let detail =
                result.timedOut
                ? "timed out" : result.qemuErrors.split(separator: "\n").first.map(String.init) ?? "status \(result.exitStatus ?? -1)"
            return Decision(accelerator: .tcg, reason: "KVM self-check failed: \(detail)")
        } catch {
            return Decision(accelerator: .tcg, reason: "KVM self-check could not run: \(error)")
        }
    }

    static func cachePath(qemu: String) -> String {
        let bootID = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        let stamp = (try? FileManager.default.attributesOfItem(atPath: qemu)[.modificationDate] as? Date)?
            .map { Int($0.timeIntervalSince1970) } ?? 0
        return NSTemporaryDirectory() + "skiff-accel-\(bootID)-\(stamp)"
    }
}
