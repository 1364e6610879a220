import Foundation
import SkiffHost

/// The QEMU settings both systems get in one `make bench` run.
struct MachineSettings {
    var machine: VirtualMachine.Machine
    var memoryMiB: Int
    var cpus: Int
    var accelerator: Accelerator
}

/// One system under test: its kernel, its images, and how a program's exit status is read.
struct GuestSystem {
    var kind: SystemKind
    var kernel: String
    var images: [BenchImage: String]
    /// Kernel command-line words before `--` and the program.
    var bootOptions: [String]

    /// Linux's /init prints this before powering off (GuestTests/linux/init.c).
    static let linuxStatusPrefix = "skiff-bench-init: exit status "

    /// The VM for `image` running `arguments`; `extraBootOptions` go after the system's own (the
    /// guest's address on the run's network).
    func virtualMachine(
        image: BenchImage, arguments: [String], settings: MachineSettings, disk: String?, timeout: Double,
        extraBootOptions: [String] = []
    ) -> VirtualMachine {
        var vm = VirtualMachine(kernel: kernel)
        vm.machine = settings.machine
        vm.memoryMiB = settings.memoryMiB
        vm.cpus = settings.cpus
        vm.initrd = images[image]
        vm.timeout = timeout
        if let disk { vm.disks = [VirtualMachine.Disk(path: disk)] }
        var line = BootCommandLine(arguments: arguments).rendered()
        let options = bootOptions + extraBootOptions
        if !options.isEmpty { line = options.joined(separator: " ") + " " + line }
        vm.commandLine = line
        return vm
    }

    /// The program's exit status: Skiff's is QEMU's (`VirtualMachine.Outcome`); Linux's /init
    /// prints it. Nil when the VM did not finish normally (a timeout, a panic, QEMU failing).
    func status(of outcome: VirtualMachine.Outcome) -> Int32? {
        if outcome.timedOut { return nil }
        switch kind {
        case .skiff:
            return outcome.exitStatus
        case .linux:
            guard let line = outcome.console.split(separator: "\n").last(where: { $0.hasPrefix(Self.linuxStatusPrefix) })
            else { return nil }
            return Int32(line.dropFirst(Self.linuxStatusPrefix.count).trimmingCharacters(in: .whitespaces))
        }
    }
}
