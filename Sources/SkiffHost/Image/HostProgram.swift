import ELF
import Foundation

/// A program on the host that `skiff run` or `skiff build --program` puts into an image: found
/// by path or in PATH, checked to be something Skiff can run, with the interpreter of a script
/// (`#!`) found the same way.
public struct HostProgram: Equatable {
    /// The absolute host path as given or found in PATH (symlinks not resolved, so
    /// `/usr/bin/python3` keeps its name in the image).
    public var hostPath: String
    /// Where the program goes in the image (default: the same path as on the host).
    public var guestPath: String
    /// For a script: its interpreter and the optional argument on the `#!` line.
    public var interpreter: Interpreter?

    public struct Interpreter: Equatable {
        public var program: [HostProgram]
        public var argument: String?
    }

    public init(hostPath: String, guestPath: String? = nil, interpreter: Interpreter? = nil) {
        self.hostPath = hostPath
        self.guestPath = guestPath ?? hostPath
        self.interpreter = interpreter
    }

    /// The argv prefix that runs this program in the guest: `[guestPath]` for an ELF program,
    /// `[interpreter, arg?, guestPath]` for a script (the guest kernel is not asked to read `#!`).
    /// Paths are where the image has them (`DefaultGuestPath.visible`).
    public var commandPrefix: [String] {
        let path = DefaultGuestPath.visible(guestPath)
        guard let interpreter, let program = interpreter.program.first else { return [path] }
        return program.commandPrefix + (interpreter.argument.map { [$0] } ?? []) + [path]
    }

    /// Every host program involved: the interpreter chain, then this one.
    public var allPrograms: [HostProgram] {
        (interpreter?.program.first?.allPrograms ?? []) + [self]
    }

    /// Finds `name` (a path, or a name looked up in `searchPath`) and checks it can run.
    public static func locate(
        _ name: String, guestPath: String? = nil, searchPath: String? = nil, depth: Int = 0
    ) throws -> HostProgram {
        let path: String
        if name.contains("/") {
            path = HostPath.absolute(name)
            guard FileInfo(path) != nil else {
                throw SkiffError("program \(name) not found: no such file on this machine", exitStatus: ExitStatus.notFound)
            }
        } else {
            let search = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            guard let found = find(name, in: search) else {
                throw SkiffError(
                    "program \(name) not found in PATH: give its full path, or install it on this machine",
                    exitStatus: ExitStatus.notFound)
            }
            path = found
        }
        guard let info = FileInfo(path), info.kind == .regular else {
            throw SkiffError("\(path) is a directory, not a program", exitStatus: ExitStatus.cannotExecute)
        }
        guard access(path, X_OK) == 0 else {
            throw SkiffError(
                "\(path) is not executable: chmod +x it, or run its interpreter with it", exitStatus: ExitStatus.cannotExecute)
        }
        let head = readHead(path, count: 256)
        if head.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
            try checkELF(path)
            return HostProgram(hostPath: path, guestPath: guestPath)
        }
        if head.starts(with: [0x23, 0x21]) {  // "#!"
            guard depth < 4 else {
                throw SkiffError("\(path): too many levels of #! interpreters", exitStatus: ExitStatus.cannotExecute)
            }
            let (interpreterPath, argument) = try parseShebang(head, path: path)
            var interpreter: HostProgram
            var interpreterArgument = argument
            if HostPath.absolute(interpreterPath).hasSuffix("/env"), let command = argument,
                !command.hasPrefix("-")
            {
                // `#!/usr/bin/env python3`: run python3 (from PATH) directly.
                interpreter = try locate(command, searchPath: searchPath, depth: depth + 1)
                interpreterArgument = nil
            } else {
                interpreter = try locate(interpreterPath, depth: depth + 1)
            }
            return HostProgram(
                hostPath: path, guestPath: guestPath,
                interpreter: Interpreter(program: [interpreter], argument: interpreterArgument))
        }
        throw SkiffError(
            "\(path) is not an x86_64 Linux program (neither an ELF file nor a #! script)", exitStatus: ExitStatus.cannotExecute)
    }

    /// `NAME`, `PATH` or either with `:GUEST` (an absolute guest path), as `--program` and a
    /// project's `programs` take them; relative paths are relative to `base`.
    public static func locate(spec: String, relativeTo base: String? = nil) throws -> HostProgram {
        var name = spec
        var guest: String? = nil
        if let colon = spec.lastIndex(of: ":"), spec[spec.index(after: colon)...].hasPrefix("/") {
            name = String(spec[..<colon])
            guest = String(spec[spec.index(after: colon)...])
        }
        if name.contains("/") { name = HostPath.absolute(name, relativeTo: base) }
        return try locate(name, guestPath: guest)
    }

    /// The first executable `name` in the colon-separated `search` path.
    public static func find(_ name: String, in search: String) -> String? {
        for dir in search.split(separator: ":", omittingEmptySubsequences: false) {
            let base = dir.isEmpty ? "." : String(dir)
            let candidate = HostPath.absolute(base + "/" + name)
            if let info = FileInfo(candidate), info.kind == .regular, access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Throws the ELF parser's reason when the file is not a 64-bit x86_64 ELF.
    static func checkELF(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SkiffError("cannot read \(path): check its permissions", exitStatus: ExitStatus.cannotExecute)
        }
        try [UInt8](data).withUnsafeBytes { raw throws in
            do throws(ELFError) {
                _ = try ELFFile(raw)
            } catch {
                throw SkiffError("\(path) is not an x86_64 ELF program: \(error.message)", exitStatus: ExitStatus.cannotExecute)
            }
        }
    }

    static func parseShebang(_ head: [UInt8], path: String) throws -> (String, String?) {
        let firstLine = head.dropFirst(2).prefix { $0 != 0x0A }
        let text = String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            throw SkiffError("\(path) starts with #! but names no interpreter", exitStatus: ExitStatus.cannotExecute)
        }
        // Linux passes everything after the interpreter's name as one argument.
        let parts = text.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        return (String(parts[0]), argument?.isEmpty == true ? nil : argument)
    }

    static func readHead(_ path: String, count: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
    }
}
