/// The kernel command line `skiff run` passes with `-append`: OSv-style boot options, then `--`,
/// then the program's argv (grammar in Sources/Boot/KernelCommandLine.swift).
public struct BootCommandLine: Equatable {
    /// A file system the kernel mounts at boot (`--mount-fs=TYPE,SOURCE,/PATH`).
    public struct Mount: Equatable {
        public var type: String
        public var source: String
        public var path: String
        public init(type: String, source: String, path: String) {
            self.type = type
            self.source = source
            self.path = path
        }
    }

    /// Options such as `--bootchart` or `--ip=eth0,10.0.0.2,255.255.255.0`, as given.
    public var bootOptions: [String] = []
    /// `NAME=VALUE` pairs, passed as `--env=NAME=VALUE`.
    public var environment: [String] = []
    public var workingDirectory: String? = nil
    public var mounts: [Mount] = []
    public var arguments: [String] = []

    public init(
        bootOptions: [String] = [], environment: [String] = [], workingDirectory: String? = nil, mounts: [Mount] = [],
        arguments: [String] = []
    ) {
        self.bootOptions = bootOptions
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.mounts = mounts
        self.arguments = arguments
    }

    /// The line, each token quoted so the kernel's tokenizer gives it back unchanged.
    public func rendered() -> String {
        var tokens = bootOptions
        tokens += environment.map { "--env=" + $0 }
        if let workingDirectory { tokens.append("--cwd=" + workingDirectory) }
        tokens += mounts.map { "--mount-fs=\($0.type),\($0.source),\($0.path)" }
        var line = tokens.map(Self.quote)
        if !arguments.isEmpty {
            line.append("--")
            line += arguments.map(Self.quote)
        }
        return line.joined(separator: " ")
    }

    /// Escapes whitespace, quotes and backslashes with a backslash, the way the kernel's
    /// command-line tokenizer reads them; an empty argument becomes `''`.
    public static func quote(_ arg: String) -> String {
        if arg.isEmpty { return "''" }
        var out = ""
        for c in arg.unicodeScalars {
            switch c {
            case " ", "\\", "\"", "'", "\t", "\n", "\r": out.unicodeScalars.append("\\")
            default: break
            }
            out.unicodeScalars.append(c)
        }
        return out
    }
}
