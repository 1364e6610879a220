import Foundation

/// A `Skiff.toml` project file: what an image holds and how it runs (docs/cli.md, "Project file").
///
///     name = "hello"
///     command = ["/usr/bin/python3", "/app/main.py"]
///     cwd = "/app"
///     memory = "512M"
///     cpus = 2
///     programs = ["/usr/bin/python3"]
///     manifests = ["usr.manifest"]
///
///     [env]
///     PYTHONUNBUFFERED = "1"
///
///     [files]
///     "/app/main.py" = "main.py"
///     "/app/static/**" = "static/**"
///
/// Parsing is pure: it checks every key and value, with line numbers, without touching the host.
/// `plan(baseDirectory:)` then looks the programs and manifests up.
public struct ProjectFile: Equatable {
    public static let defaultFileName = "Skiff.toml"

    public var fileName: String
    public var name: String?
    /// Host programs (`HOST` or `HOST:GUEST`) put in with their libraries and interpreter data.
    public var programs: [String] = []
    /// OSv manifests whose entries are added, relative to the project file.
    public var manifests: [String] = []
    /// The `[files]` table, decoded with the manifest rules.
    public var files: [Manifest.Entry] = []
    public var config = ImageConfig()
    /// `interpreter-data = false` turns off the automatic data directories.
    public var addsInterpreterData = true
    /// The `[variables]` table merged with `-D` definitions (which win).
    public var variables: [String: String] = [:]

    static let knownKeys = [
        "name", "command", "cwd", "memory", "cpus", "boot-options", "programs", "manifests", "manifest", "files", "env",
        "variables", "interpreter-data",
    ]

    public static func parse(_ text: String, fileName: String = defaultFileName, variables: [String: String] = [:]) throws
        -> ProjectFile
    {
        let root: TOMLTable
        do { root = try TOMLParser.parse(text) } catch {
            throw SkiffError("\(fileName):\(error.line): \(error.message)", exitStatus: ExitStatus.badInput)
        }
        var project = ProjectFile(fileName: fileName)
        func fail(_ key: String, _ message: String, in table: TOMLTable? = nil) -> SkiffError {
            SkiffError("\(fileName):\((table ?? root).line(of: key)): \(message)", exitStatus: ExitStatus.badInput)
        }
        func string(_ key: String) throws -> String? {
            guard let value = root[key] else { return nil }
            guard case .string(let s) = value, !s.isEmpty else {
                throw fail(key, "\(key) must be a non-empty string, not \(value.typeName)")
            }
            return s
        }
        func strings(_ key: String) throws -> [String] {
            guard let value = root[key] else { return [] }
            if case .string(let s) = value { return [s] }
            guard case .array(let elements) = value else {
                throw fail(key, "\(key) must be an array of strings, such as [\"a\", \"b\"]")
            }
            return try elements.map { element in
                guard case .string(let s) = element else {
                    throw fail(key, "\(key) must hold only strings, but has \(element.typeName)")
                }
                return s
            }
        }

        for key in root.keys where !knownKeys.contains(key) {
            let hint = knownKeys.min { editDistance($0, key) < editDistance($1, key) }
            let suggestion = hint.map { editDistance($0, key) <= 3 ? " (did you mean \($0)?)" : "" } ?? ""
            throw fail(key, "unknown key \(key)\(suggestion); docs/cli.md lists the keys")
        }

        // Variables first: [files] uses them.
        if let value = root["variables"] {
            guard case .table(let table) = value else { throw fail("variables", "variables must be a table: [variables]") }
            for key in table.keys {
                guard case .string(let s)? = table[key] else {
                    throw fail(key, "variable \(key) must be a string", in: table)
                }
                project.variables[key] = s
            }
        }
        for (k, v) in variables { project.variables[k] = v }

        if let name = try string("name") {
            guard ImageName.isValid(name) else {
                throw fail(
                    "name", "name '\(name)' may only use letters, digits, '.', '_' and '-' and must not look like an image key")
            }
            project.name = name
        }
        project.config.command = try strings("command")
        if root["command"] != nil, project.config.command.isEmpty || project.config.command[0].isEmpty {
            throw fail("command", "command must name a program, such as [\"/usr/bin/python3\", \"main.py\"]")
        }
        if let cwd = try string("cwd") {
            guard cwd.hasPrefix("/") else { throw fail("cwd", "cwd must be an absolute guest path") }
            project.config.workingDirectory = cwd
        }
        switch root["memory"] {
        case nil: break
        case .string(let s)?:
            guard let mib = MemorySize.parseMiB(s) else {
                throw fail("memory", "memory '\(s)' is not a size such as \"256M\" or \"1G\"")
            }
            project.config.memoryMiB = mib
        case .integer(let n)? where n > 0:
            project.config.memoryMiB = n
        default:
            throw fail("memory", "memory must be a size such as \"256M\" (or a number of MiB)")
        }
        switch root["cpus"] {
        case nil: break
        case .integer(let n)? where n >= 1 && n <= 255: project.config.cpus = n
        default: throw fail("cpus", "cpus must be a whole number from 1 to 255")
        }
        project.config.bootOptions = try strings("boot-options")
        for option in project.config.bootOptions where !option.hasPrefix("--") {
            throw fail("boot-options", "boot option '\(option)' must start with -- (such as --bootchart)")
        }
        project.programs = try strings("programs")
        project.manifests = try strings("manifests") + strings("manifest")
        switch root["interpreter-data"] {
        case nil: break
        case .boolean(let b)?: project.addsInterpreterData = b
        default: throw fail("interpreter-data", "interpreter-data must be true or false")
        }
        if let value = root["env"] {
            guard case .table(let table) = value else {
                throw fail("env", "env must be a table: [env] with NAME = \"value\" lines")
            }
            for key in table.keys {
                switch table[key]! {
                case .string(let s): project.config.environment.append("\(key)=\(s)")
                case .integer(let n): project.config.environment.append("\(key)=\(n)")
                case .boolean(let b): project.config.environment.append("\(key)=\(b ? "1" : "0")")
                case let other: throw fail(key, "environment variable \(key) must be a string, not \(other.typeName)", in: table)
                }
                guard !key.contains("=") else { throw fail(key, "environment variable names cannot contain '='", in: table) }
            }
        }
        if let value = root["files"] {
            guard case .table(let table) = value else {
                throw fail("files", "files must be a table: [files] with \"/guest/path\" = \"host/path\" lines")
            }
            for key in table.keys {
                guard case .string(let host)? = table[key] else {
                    throw fail(key, "the host path for \(key) must be a string", in: table)
                }
                project.files.append(
                    try Manifest.entry(
                        guest: key, host: host, line: table.line(of: key), variables: project.variables, fileName: fileName))
            }
        }
        return project
    }

    /// Reads and parses a project file.
    public static func load(_ path: String, variables: [String: String] = [:]) throws -> ProjectFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SkiffError("cannot read \(path): check that it exists", exitStatus: ExitStatus.missingInput)
        }
        return try parse(String(decoding: data, as: UTF8.self), fileName: path, variables: variables)
    }

    /// Looks up programs and reads manifests; host paths are relative to `baseDirectory`.
    public func plan(baseDirectory: String) throws -> ImagePlan {
        var plan = ImagePlan()
        plan.config = config
        plan.addsInterpreterData = addsInterpreterData
        for path in manifests {
            let full = HostPath.absolute(path, relativeTo: baseDirectory)
            guard let data = FileManager.default.contents(atPath: full) else {
                throw SkiffError("\(fileName): manifest \(full) does not exist", exitStatus: ExitStatus.missingInput)
            }
            let manifest = try Manifest.parse(String(decoding: data, as: UTF8.self), variables: variables, fileName: full)
            plan.manifests.append((manifest, URL(fileURLWithPath: full).deletingLastPathComponent().path))
        }
        if !files.isEmpty {
            plan.manifests.append((Manifest(fileName: fileName, entries: files), baseDirectory))
        }
        for program in programs {
            plan.programs.append(try HostProgram.locate(spec: program, relativeTo: baseDirectory))
        }
        return plan
    }
}

/// Image names: what `skiff build --name` and the project file's `name` accept.
public enum ImageName {
    /// Letters, digits, `.`, `_`, `-`, up to 128 characters, starting with a letter or digit,
    /// and not 4+ hex digits only (which would read as an image key).
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first.isNumber, name.count <= 128 else { return false }
        guard name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "_" || $0 == "-" }) else {
            return false
        }
        return !(name.count >= 4 && name.allSatisfy(\.isHexDigit))
    }
}

/// Levenshtein distance, for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
