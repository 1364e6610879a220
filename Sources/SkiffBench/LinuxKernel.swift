import Foundation
import SkiffHost

/// Debian's kernel (`linux-image-amd64`) as the Linux guest boots it, and what it needs from
/// the host: its version, its virtio modules, and under TCG the TSC frequency.
struct LinuxKernel {
    var path: String
    /// "6.1.0-56-amd64", from the file name (`vmlinuz-VERSION`).
    var version: String

    /// The newest /boot/vmlinuz-*, or `explicit`.
    static func find(explicit: String?) throws -> LinuxKernel {
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw SkiffError("Linux kernel \(explicit) does not exist", exitStatus: ExitStatus.missingInput)
            }
            let name = URL(fileURLWithPath: explicit).lastPathComponent
            return LinuxKernel(path: explicit, version: name.hasPrefix("vmlinuz-") ? String(name.dropFirst(8)) : name)
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/boot")) ?? []
        let versions = names.filter { $0.hasPrefix("vmlinuz-") }.map { String($0.dropFirst(8)) }
        guard let newest = versions.max(by: { $0.compare($1, options: .numeric) == .orderedAscending }) else {
            throw SkiffError(
                "no Linux kernel in /boot: install one with 'apt-get install linux-image-amd64' (or 'make deps')",
                exitStatus: ExitStatus.unavailable)
        }
        return LinuxKernel(path: "/boot/vmlinuz-" + newest, version: newest)
    }

    /// The modules to load for a virtio-blk disk with ext4 and virtio-net on `machine`, dependencies first
    /// (`modprobe --show-depends`), as host paths.
    func blockModules(machine: VirtualMachine.Machine) throws -> [String] {
        let transport = machine == .microvm ? "virtio_mmio" : "virtio_pci"
        guard let modprobe = Subprocess.find("modprobe") ?? Subprocess.find("/sbin/modprobe") else {
            throw SkiffError("modprobe is missing: install kmod", exitStatus: ExitStatus.unavailable)
        }
        var modules: [String] = []
        for module in [transport, "virtio_blk", "virtio_net", "ext4"] {
            let result = try Subprocess(modprobe, ["-S", version, "--show-depends", module]).run()
            guard result.status == 0 else {
                throw SkiffError("modprobe cannot resolve \(module) for Linux \(version): \(result.errorText)")
            }
            for line in result.outputText.split(separator: "\n") {
                let words = line.split(separator: " ")
                // "insmod PATH [params]"; "builtin NAME" needs nothing.
                if words.count >= 2, words[0] == "insmod", !modules.contains(String(words[1])) {
                    modules.append(String(words[1]))
                }
            }
        }
        return modules
    }

    /// The host's TSC frequency in kHz when the host says it is constant and known. Under TCG the
    /// guest reads the host's TSC, and Linux's PIT calibration of it fails now and then on a
    /// loaded host (then, with no HPET on microvm, the boot hangs): `tsc_early_khz` skips it.
    static func hostTSCkHz() -> Int? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        var mhz: Double? = nil
        var known = false
        for line in info.split(separator: "\n") {
            if mhz == nil, line.hasPrefix("cpu MHz"), let value = line.split(separator: ":").last {
                mhz = Double(value.trimmingCharacters(in: .whitespaces))
            }
            // Without APERF/MPERF, "cpu MHz" is the kernel's cpu_khz, which equals tsc_khz when the
            // TSC frequency is known; with them it is the current clock, which can differ.
            if line.hasPrefix("flags"), line.contains(" tsc_known_freq"), line.contains(" constant_tsc"),
                !line.contains(" aperfmperf")
            {
                known = true
            }
        }
        guard known, let mhz else { return nil }
        return Int((mhz * 1000).rounded())
    }
}
