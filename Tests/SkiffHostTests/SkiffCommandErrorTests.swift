import Foundation
import Testing

@testable import SkiffHost

/// Every failure of the built `skiff` is exactly one line on standard error, `skiff: WHAT: WHAT
/// TO DO`, nothing on standard output, and the documented exit status — checked for the
/// commands that fail before any VM would start.
@Suite struct SkiffCommandErrorTests {
    /// Runs `arguments` in the project and checks the status and the one line: `pattern` with
    /// `{dir}` standing for the project folder and `{hex}` for a hexadecimal number.
    func expectFailure(
        _ project: SampleProject, _ arguments: [String], line pattern: String, status: Int32,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let output = try project.run(arguments)
        let command = "skiff " + arguments.joined(separator: " ")
        #expect(output.status == status, "\(command): \(output)", sourceLocation: sourceLocation)
        #expect(output.standardOutput == "", "\(command)", sourceLocation: sourceLocation)
        #expect(output.errorLines.count == 1, "\(command): \(output)", sourceLocation: sourceLocation)
        let parts = pattern.replacingOccurrences(of: "{dir}", with: project.path).components(separatedBy: "{hex}")
        let regex = try Regex(parts.map(NSRegularExpression.escapedPattern(for:)).joined(separator: "[0-9a-f]+"))
        #expect(output.errorLines.first?.wholeMatch(of: regex) != nil, "\(command): \(output)", sourceLocation: sourceLocation)
    }

    @Test func programNotFound() throws {
        let project = try SampleProject()
        let name = "no-such-program-for-skiff"
        try expectFailure(
            project, ["build", "--program", name],
            line: "skiff: program \(name) not found in PATH: give its full path, or install it on this machine",
            status: ExitStatus.notFound)
        try expectFailure(
            project, ["run", "--kernel", "/nonexistent/kernel", name],
            line: "skiff: \(name) is neither an image (skiff images lists them) nor a program in PATH: give a path, an image name or a key",
            status: ExitStatus.notFound)
        try expectFailure(
            project, ["run", "--kernel", "/nonexistent/kernel", "./bin/\(name)"],
            line: "skiff: program ./bin/\(name) not found: no such file on this machine", status: ExitStatus.notFound)
    }

    @Test func notAnX86_64Program() throws {
        let project = try SampleProject()
        // An ELF header for aarch64 (e_machine 183).
        var header = [UInt8](repeating: 0, count: 64)
        header.replaceSubrange(0..<7, with: [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1])
        header[16] = 2
        header[18] = 183
        try project.dir.writeBytes("arm-tool", header, mode: 0o755)
        for arguments in [["build", "--program", "./arm-tool"], ["run", "--kernel", "/nonexistent/kernel", "./arm-tool"]] {
            try expectFailure(
                project, arguments,
                line: "skiff: {dir}/arm-tool is not an x86_64 ELF program: built for aarch64; Skiff runs x86_64 programs",
                status: ExitStatus.cannotExecute)
        }
        try project.dir.write("notes.txt", "hello\n", mode: 0o755)
        try expectFailure(
            project, ["build", "--program", "./notes.txt:/notes"],
            line: "skiff: {dir}/notes.txt is not an x86_64 Linux program (neither an ELF file nor a #! script)",
            status: ExitStatus.cannotExecute)
    }

    @Test func corruptImage() throws {
        let project = try SampleProject()
        let image = try project.imagePath(printedBy: try project.buildManifest())
        // One byte of the metadata (the root folder's record) changed.
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: image)))
        bytes[200] ^= 0xFF
        try project.dir.writeBytes("bad.img", bytes)
        let corrupt =
            "is corrupt (metadata checksum mismatch: stored 0x{hex}, computed 0x{hex}): rebuild it with skiff build, or remove it with skiff images rm"
        for arguments in [
            ["images", "inspect", "bad.img"], ["convert", "bad.img", "-o", "out.raw"],
            ["run", "--kernel", "/nonexistent/kernel", "bad.img"],
        ] {
            try expectFailure(project, arguments, line: "skiff: {dir}/bad.img \(corrupt)", status: ExitStatus.badInput)
        }
        #expect(FileInfo(project.path + "/out.raw") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.path).filter { $0.hasPrefix("out.raw") } == [])

        // The cached image itself damaged: found by name, reported by its path.
        try project.dir.writeBytes(String(image.dropFirst(project.path.count + 1)), bytes)
        for arguments in [["images", "inspect", "demo"], ["run", "--kernel", "/nonexistent/kernel", "demo"]] {
            try expectFailure(project, arguments, line: "skiff: \(image) \(corrupt)", status: ExitStatus.badInput)
        }
    }

    @Test func notAnImageAndUsageErrors() throws {
        let project = try SampleProject()
        try project.dir.writeBytes("disk.qcow2", [0x51, 0x46, 0x49, 0xFB] + [UInt8](repeating: 0, count: 508))
        try expectFailure(
            project, ["images", "inspect", "disk.qcow2"],
            line: "skiff: {dir}/disk.qcow2 is not a Skiff image: it is a qcow2 disk; attach it with --disk, or boot the image it was converted from",
            status: ExitStatus.badInput)
        try expectFailure(
            project, ["images", "inspect", "no-such-image"],
            line: "skiff: no image no-such-image: skiff images lists the cached ones", status: ExitStatus.missingInput)
        try expectFailure(
            project, ["images", "inspect"], line: "skiff: missing expected argument '<image>': see skiff images inspect --help",
            status: ExitStatus.usage)
        try expectFailure(
            project, ["build", "usr.manifest", "--cpus", "0", "-D", "src=app"], line: "skiff: invalid --cpus 0: use 1 to 255",
            status: ExitStatus.usage)
        try expectFailure(
            project, ["build", "usr.manifest"],
            line: "skiff: {dir}/usr.manifest:2: unknown variable %(src)s: define it with -D src=VALUE", status: ExitStatus.badInput)
    }
}
