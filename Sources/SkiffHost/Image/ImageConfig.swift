/// The defaults an image carries for running it: command line, environment, working directory,
/// memory, CPUs and extra boot options. `skiff build` writes them to `/etc/skiff/config` inside
/// the image; `skiff run IMAGE` reads them back and turns them into QEMU settings and kernel
/// boot options (the kernel does not read the file itself yet).
///
/// The file is text, one `key=value` per line, so that a kernel can read it with the byte-level
/// parsing it already has (docs/cli.md, "Image configuration"):
///
///     # Skiff image configuration
///     version=1
///     arg=/usr/bin/python3
///     arg=-c
///     arg=print(42)
///     env=PYTHONDONTWRITEBYTECODE=1
///     cwd=/
///     memory=256
///     cpus=1
///     boot-option=--bootchart
///
/// `arg`, `env` and `boot-option` repeat, in order. Values are taken literally up to the end of
/// the line except for four escapes: `\\` is a backslash, `\n` a newline, `\t` a tab and `\r` a
/// carriage return; so an argument may hold any byte but NUL. Lines starting with `#` and blank lines are ignored;
/// unknown keys are ignored too, so later versions can add keys that older readers skip.
public struct ImageConfig: Equatable, Sendable {
    /// Where the file lives inside the image.
    public static let path = "/etc/skiff/config"

    /// argv of the program to run; empty means "give one on the command line".
    public var command: [String] = []
    /// `NAME=VALUE` pairs.
    public var environment: [String] = []
    public var workingDirectory: String? = nil
    /// MiB of guest RAM; nil uses `skiff run`'s default.
    public var memoryMiB: Int? = nil
    public var cpus: Int? = nil
    /// Kernel boot options such as `--bootchart`, added before the ones given to `skiff run`.
    public var bootOptions: [String] = []

    public init(
        command: [String] = [], environment: [String] = [], workingDirectory: String? = nil, memoryMiB: Int? = nil,
        cpus: Int? = nil, bootOptions: [String] = []
    ) {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.memoryMiB = memoryMiB
        self.cpus = cpus
        self.bootOptions = bootOptions
    }

    public var isEmpty: Bool { self == ImageConfig() }

    /// The file's text.
    public func encoded() -> String {
        var lines = ["# Skiff image configuration (docs/cli.md)", "version=1"]
        lines += command.map { "arg=" + Self.escape($0) }
        lines += environment.map { "env=" + Self.escape($0) }
        if let workingDirectory { lines.append("cwd=" + Self.escape(workingDirectory)) }
        if let memoryMiB { lines.append("memory=\(memoryMiB)") }
        if let cpus { lines.append("cpus=\(cpus)") }
        lines += bootOptions.map { "boot-option=" + Self.escape($0) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads the file's text; a line without `=`, a bad number or an unknown version is an error.
    public init(decoding text: String) throws {
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw SkiffError("\(Self.path) line \(index + 1): expected key=value", exitStatus: ExitStatus.badInput)
            }
            let key = String(line[..<eq])
            let value = Self.unescape(String(line[line.index(after: eq)...]))
            func number() throws -> Int {
                guard let n = Int(value), n > 0 else {
                    throw SkiffError(
                        "\(Self.path) line \(index + 1): \(key) must be a positive number", exitStatus: ExitStatus.badInput)
                }
                return n
            }
            switch key {
            case "version":
                guard value == "1" else {
                    throw SkiffError(
                        "\(Self.path) has version \(value), which this skiff does not know: update skiff",
                        exitStatus: ExitStatus.badInput)
                }
            case "arg": command.append(value)
            case "env": environment.append(value)
            case "cwd": workingDirectory = value
            case "memory": memoryMiB = try number()
            case "cpus": cpus = try number()
            case "boot-option": bootOptions.append(value)
            default: continue
            }
        }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func unescape(_ s: String) -> String {
        var out = ""
        var escaped = false
        for c in s.unicodeScalars {
            if escaped {
                switch c {
                case "n": out += "\n"
                case "t": out += "\t"
                case "r": out += "\r"
                default: out.unicodeScalars.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(c)
            }
        }
        if escaped { out += "\\" }
        return out
    }
}
