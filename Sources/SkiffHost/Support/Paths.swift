import Foundation

/// Where the CLI finds the kernel and QEMU.
public enum Paths {
    /// `--kernel`, then `$SKIFF_KERNEL`, then `share/skiff/skiff-kernel.elf` next to the `skiff`
    /// binary's folder, then `build/skiff-kernel.elf` in the current directory.
    public static func kernel(explicit: String?) throws -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["SKIFF_KERNEL"] { return env }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidates = [
            exe.deletingLastPathComponent().appendingPathComponent("../share/skiff/skiff-kernel.elf").path
        ]
        // A SwiftPM build directory (.build/debug/skiff) inside the repository.
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("build/skiff-kernel.elf").path)
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/build/skiff-kernel.elf")
        for c in candidates where FileManager.default.fileExists(atPath: c) {
            return URL(fileURLWithPath: c).standardizedFileURL.path
        }
        throw SkiffError(
            "cannot find the Skiff kernel: build it with 'make kernel', or pass --kernel PATH or set SKIFF_KERNEL",
            exitStatus: ExitStatus.unavailable)
    }
}
