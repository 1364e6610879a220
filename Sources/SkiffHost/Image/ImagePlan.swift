import Foundation

/// Everything `skiff build` and `skiff run PROGRAM` put into an image, before the host is
/// looked at: programs (with their libraries and interpreter data), manifests, single files and
/// directories, and the image configuration. `makeSpec` turns it into the exact tree.
public struct ImagePlan {
    /// A host path and where it goes in the image.
    public struct Mapping: Equatable {
        public var hostPath: String
        public var guestPath: String
        public init(hostPath: String, guestPath: String) {
            self.hostPath = hostPath
            self.guestPath = guestPath
        }

        /// `HOST[:GUEST]`: the guest path defaults to the absolute host path.
        public static func parse(_ text: String, relativeTo base: String? = nil, option: String) throws -> Mapping {
            var host = text
            var guest: String? = nil
            if let colon = text.lastIndex(of: ":"), text[text.index(after: colon)...].hasPrefix("/") {
                host = String(text[..<colon])
                guest = String(text[text.index(after: colon)...])
            }
            guard !host.isEmpty else {
                throw SkiffError(
                    "\(option) \(text): expected HOST[:GUEST] with an absolute GUEST path", exitStatus: ExitStatus.usage)
            }
            let absolute = HostPath.absolute(host, relativeTo: base)
            return Mapping(hostPath: absolute, guestPath: guest ?? absolute)
        }
    }

    public var programs: [HostProgram] = []
    public var files: [Mapping] = []
    public var directories: [Mapping] = []
    /// Empty directories to create (mount points for `--mount-fs` volumes).
    public var mountPoints: [String] = []
    public var manifests: [(manifest: Manifest, baseDirectory: String)] = []
    public var config = ImageConfig()
    /// Add the data directories of known interpreters (`InterpreterData.table`).
    public var addsInterpreterData = true
    public var interpreterTable = InterpreterData.table

    public init() {}

    /// Builds the tree. `note` receives one line per thing worth telling the user (an
    /// interpreter's data directory added, a module library left out).
    public func makeSpec(note: (String) -> Void = { _ in }) throws -> ImageSpec {
        var spec = ImageSpec()
        spec.config = config
        for (manifest, base) in manifests {
            try ManifestExpander(baseDirectory: base).expand(manifest, into: &spec)
        }
        // The guest's loader searches the image's LD_LIBRARY_PATH too.
        let resolver = LibraryResolver(libraryPath: LibraryResolver.libraryPath(environment: config.environment))
        for top in programs {
            for program in top.allPrograms {
                let closure = try resolver.closure(of: program.hostPath, guestPath: program.guestPath)
                let resolved = HostPath.resolved(program.hostPath)
                if program.guestPath == program.hostPath,
                    URL(fileURLWithPath: resolved).deletingLastPathComponent() != URL(fileURLWithPath: program.hostPath).deletingLastPathComponent()
                {
                    // A link into another folder (/usr/bin/java → the JDK's bin/java) stays a link:
                    // the program finds its libraries and home from its real path ($ORIGIN).
                    spec.set(resolved, .file(hostPath: resolved, mode: nil))
                    spec.set(program.guestPath, .symlink(target: resolved))
                } else {
                    spec.set(program.guestPath, .file(hostPath: resolved, mode: nil))
                }
                for file in closure.dropFirst() { spec.add(file) }
                guard addsInterpreterData, let (entry, version) = InterpreterData.entry(for: program, table: interpreterTable)
                else {
                    continue
                }
                for directory in entry.directories(for: program, version: version) where spec[directory] == nil {
                    var tree = ImageSpec()
                    var source = directory
                    if FileInfo(directory, followSymlinks: false)?.kind == .symlink {
                        // Keep the link and copy what it points to, at that path.
                        source = HostPath.resolved(directory)
                        spec.add(directory, .symlink(target: HostPath.readLink(directory) ?? source))
                        if spec[source] != nil { continue }
                    }
                    try ManifestExpander.addTree(
                        host: source, guest: source, resolveSymlinks: true, exclude: entry.exclusions(version: version),
                        into: &tree)
                    for (path, node) in tree.entries { spec.add(path, node) }
                    note("added \(entry.name) data \(source) (\(tree.files.count) files)")
                    if entry.resolvesModuleLibraries {
                        try addModuleLibraries(of: tree, loadedBy: program, resolver: resolver, to: &spec, note: note)
                    }
                }
            }
        }
        // glibc's loader finds libraries through the cache, which maps names to the same paths
        // the image uses.
        if spec.files.contains(where: { $0.guestPath.hasPrefix("/lib64/ld-linux") || $0.guestPath.contains("/ld-linux-") }),
            FileInfo("/etc/ld.so.cache") != nil
        {
            spec.add(ImageSpec.File(guestPath: "/etc/ld.so.cache", hostPath: "/etc/ld.so.cache"))
        }
        for mapping in files {
            guard let info = FileInfo(mapping.hostPath) else {
                throw SkiffError("--file \(mapping.hostPath): no such file", exitStatus: ExitStatus.missingInput)
            }
            guard info.kind == .regular else {
                throw SkiffError(
                    "--file \(mapping.hostPath) is not a regular file: use --dir for a directory", exitStatus: ExitStatus.usage)
            }
            spec.set(mapping.guestPath, .file(hostPath: HostPath.resolved(mapping.hostPath), mode: nil))
        }
        for mapping in directories {
            guard let info = FileInfo(mapping.hostPath) else {
                throw SkiffError("--dir \(mapping.hostPath): no such directory", exitStatus: ExitStatus.missingInput)
            }
            guard info.kind == .directory else {
                throw SkiffError(
                    "--dir \(mapping.hostPath) is not a directory: use --file for a file", exitStatus: ExitStatus.usage)
            }
            try ManifestExpander.addTree(host: mapping.hostPath, guest: mapping.guestPath, resolveSymlinks: true, into: &spec)
        }
        spec.moveHiddenEntries(note: note)
        for path in mountPoints where spec[path] == nil { spec.set(path, .directory) }
        if let program = config.command.first, program.hasPrefix("/"), spec[program] == nil {
            note("the command's program \(program) is not in the image: add it with programs, --program or a manifest line")
        }
        return spec
    }

    /// Libraries the shared objects in `tree` need (Python's C extension modules and the like),
    /// which `program` opens with dlopen.
    private func addModuleLibraries(
        of tree: ImageSpec, loadedBy program: HostProgram, resolver: LibraryResolver, to spec: inout ImageSpec,
        note: (String) -> Void
    ) throws {
        // A module may need a library of the same tree by name only, found at run time because
        // it is loaded already (libjava.so needs libjvm.so, which lives in lib/server).
        let inTree = Set(tree.files.map { URL(fileURLWithPath: $0.guestPath).lastPathComponent })
        for file in tree.files where file.guestPath.contains(".so") && LibraryResolver.isX86_64ELF(file.hostPath) {
            do {
                for library in try resolver.closure(
                    of: file.hostPath, guestPath: file.guestPath, loadedBy: program.hostPath, provided: inTree
                ).dropFirst() {
                    spec.add(library)
                }
            } catch let error as SkiffError {
                note("left out the libraries of \(file.guestPath): \(error.message)")
            }
        }
    }
}
