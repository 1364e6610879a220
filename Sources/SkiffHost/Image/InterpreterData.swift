import Foundation

/// Data directories that well-known interpreters cannot start without — Python's standard
/// library, Perl's and Lua's module trees, the JVM's home — which `skiff run` and `skiff build --program` add
/// when they put such an interpreter into an image. The table below is the whole mechanism:
/// supporting another interpreter is one more entry (docs/cli.md lists them).
public struct InterpreterData: Sendable {
    /// Short name for messages and `--no-data` (e.g. `python`).
    public var name: String
    /// Matched against the program's file name and the file name of its resolved path (so
    /// `/usr/bin/python3` → `python3.11` matches). A `version` capture group fills `{version}`.
    public var programPattern: String
    /// Host directories to copy, at the same paths in the image. `{prefix}` is the folder above
    /// the program's `bin` (`/usr` for `/usr/bin/python3.11`), `{version}` the captured version
    /// (`*` when nothing was captured), `{multiarch}` `x86_64-linux-gnu`. A `*` is a glob; when
    /// several directories match, the highest version wins. Directories that do not exist are
    /// skipped.
    public var directories: [String]
    /// Paths below each directory left out (test suites, GUI toolkits).
    public var exclude: Set<String> = []
    /// Whether shared objects in the directories (Python's `lib-dynload`, Perl's XS modules) get
    /// their libraries resolved too. A module whose library is not installed on the host is left
    /// without it, as it could not load on the host either.
    public var resolvesModuleLibraries = true

    public static let table: [InterpreterData] = [
        InterpreterData(
            name: "python",
            programPattern: #"^python(?<version>3\.[0-9]+)?[dmu]*$|^python3$"#,
            directories: ["{prefix}/lib/python{version}"],
            exclude: [
                "test", "idlelib", "turtledemo", "tkinter", "ensurepip", "lib2to3/tests", "distutils/tests",
                "unittest/test", "ctypes/test", "sqlite3/test", "config-{version}-x86_64-linux-gnu",
            ]),
        InterpreterData(
            name: "perl",
            programPattern: #"^perl(?<version>5\.[0-9]+(\.[0-9]+)?)?$"#,
            directories: [
                "/etc/perl", "{prefix}/lib/{multiarch}/perl-base", "{prefix}/lib/{multiarch}/perl/5.*",
                "{prefix}/share/perl/5.*", "{prefix}/lib/{multiarch}/perl5/5.*", "{prefix}/share/perl5",
            ]),
        InterpreterData(
            name: "lua",
            programPattern: #"^lua(?<version>5\.[0-9])$|^luajit"#,
            directories: ["{prefix}/share/lua/{version}", "{prefix}/lib/{multiarch}/lua/{version}"]),
        InterpreterData(
            name: "ruby",
            programPattern: #"^ruby(?<version>[0-9]+\.[0-9]+)?$"#,
            directories: ["{prefix}/lib/ruby/[0-9]*", "{prefix}/lib/{multiarch}/ruby/[0-9]*", "{prefix}/lib/ruby/vendor_ruby"]),
        InterpreterData(
            // The JVM: the launcher finds libjvm.so and the class library (`lib/modules`)
            // from its own path, so its home comes whole, less sources and desktop libraries.
            name: "java",
            programPattern: #"^java$"#,
            directories: ["{prefix}/lib", "{prefix}/conf"],
            exclude: [
                "src.zip", "ct.sym", "libatk-wrapper.so", "libawt_xawt.so", "libsplashscreen.so", "libjsound.so",
            ]),
        InterpreterData(
            name: "tcl",
            programPattern: #"^tclsh(?<version>8\.[0-9])$"#,
            directories: ["{prefix}/share/tcltk/tcl{version}"]),
    ]

    /// The entry for `program` and the version it captured, or nil.
    public static func entry(for program: HostProgram, table: [InterpreterData] = table) -> (InterpreterData, String?)? {
        let names = [
            URL(fileURLWithPath: program.hostPath).lastPathComponent,
            URL(fileURLWithPath: HostPath.resolved(program.hostPath)).lastPathComponent,
        ]
        var best: (InterpreterData, String?)? = nil
        for entry in table {
            guard let regex = try? Regex(entry.programPattern) else { continue }
            // The resolved name usually carries the version (python3 → python3.11); prefer a match with one.
            for name in names.reversed() {
                guard let match = try? regex.wholeMatch(in: name) else { continue }
                let version = match.output["version"]?.substring.map(String.init)
                if best == nil || (best?.1 == nil && version != nil) { best = (entry, version) }
            }
            if best != nil { return best }
        }
        return nil
    }

    /// The host directories this entry adds for `program`. When a glob matches several version
    /// folders, the newest; symlinks among the matches that lead to it come along (as symlinks).
    public func directories(for program: HostProgram, version: String?) -> [String] {
        let resolved = HostPath.resolved(program.hostPath)
        let bin = URL(fileURLWithPath: resolved).deletingLastPathComponent()
        let prefix = bin.lastPathComponent == "bin" ? bin.deletingLastPathComponent().path : "/usr"
        var result: [String] = []
        for template in directories {
            let pattern = template.replacingOccurrences(of: "{prefix}", with: prefix == "/" ? "" : prefix)
                .replacingOccurrences(of: "{version}", with: version ?? "*")
                .replacingOccurrences(of: "{multiarch}", with: "x86_64-linux-gnu")
            let isGlob = pattern.contains("*") || pattern.contains("[")
            guard isGlob else {
                if FileInfo(pattern)?.kind == .directory && !result.contains(pattern) { result.append(pattern) }
                continue
            }
            // A glob may match a version folder and symlinks to it (perl's 5.36 → 5.36.0): take
            // the newest real folder, and the symlinks that lead to it, which the program may
            // look for by their names.
            let matches = Self.glob(pattern)
            let folders = matches.filter { FileInfo($0, followSymlinks: false)?.kind == .directory }
            guard let newest = folders.max(by: { $0.compare($1, options: .numeric) == .orderedAscending }) else { continue }
            let target = HostPath.resolved(newest)
            for match in matches where match == newest || HostPath.resolved(match) == target {
                if !result.contains(match) { result.append(match) }
            }
        }
        return result
    }

    /// The exclusions with `{version}` filled in.
    public func exclusions(version: String?) -> Set<String> {
        Set(exclude.map { $0.replacingOccurrences(of: "{version}", with: version ?? "") })
    }

    static func glob(_ pattern: String) -> [String] {
        guard pattern.contains("*") || pattern.contains("[") else { return FileInfo(pattern) != nil ? [pattern] : [] }
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }
}
