import Foundation

/// A stand-in for `qemu-system-x86_64`, first in the PATH of a `skiff` under test: a script that
/// records the arguments it was given, prints a console (CR LF, as the serial port sends it) and
/// exits as QEMU does — `isa-debug-exit` gives status << 1 | 1, so 15 is the guest program's 7.
struct QEMUStandIn {
    let project: SampleProject
    /// The project's `skiff`, finding the stand-in before any real QEMU.
    var skiff: SkiffCommand

    var kernel: String { project.path + "/kernel.elf" }
    var argumentsFile: String { project.path + "/qemu-arguments" }

    /// QEMU's exit status and standard error for the runs.
    init(project: SampleProject, qemuStatus: Int = 15, qemuError: String = "") throws {
        self.project = project
        skiff = project.skiff
        skiff.environment["PATH"] = project.path + "/fake-bin"
        skiff.environment["SKIFF_ACCEL"] = nil
        try project.dir.write("kernel.elf", "not really a kernel")
        try project.dir.write(
            "fake-bin/qemu-system-x86_64",
            """
            #!/bin/sh
            printf '%s\\n' "$@" > '\(argumentsFile)'
            printf 'hello from the guest\\r\\nsecond line\\r\\n'
            printf '%s' '\(qemuError)' >&2
            exit \(qemuStatus)

            """, mode: 0o755)
    }

    /// `skiff run` with TCG (no accelerator probe) and the fake kernel, then `arguments`.
    func run(_ arguments: [String]) throws -> SkiffCommand.Output {
        try skiff.run(["run", "--accel", "tcg", "--kernel", kernel] + arguments, in: project.path)
    }

    /// The arguments QEMU was started with.
    func qemuArguments() throws -> [String] {
        try String(contentsOfFile: argumentsFile, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    /// The value after `option` in QEMU's arguments.
    func qemuOption(_ option: String) throws -> String? {
        let arguments = try qemuArguments()
        return arguments.firstIndex(of: option).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }
}
