import Foundation

/// What `skiff build SOURCE` names.
public enum BuildSource: Equatable {
    case project(String)
    case manifest(String)
    case none

    /// A project file (`*.toml`), a manifest (any other file), or a folder with `Skiff.toml`
    /// (preferred) or `usr.manifest`; nil means the current folder. `.none` when there is
    /// nothing there but other inputs (`--program`, …) were given.
    public static func locate(_ source: String?, hasOtherInputs: Bool, currentDirectory: String? = nil) throws -> BuildSource {
        func inFolder(_ dir: String) -> BuildSource? {
            for name in [ProjectFile.defaultFileName, "usr.manifest"] {
                let path = HostPath.absolute(name, relativeTo: dir)
                if FileInfo(path)?.kind == .regular { return name.hasSuffix(".toml") ? .project(path) : .manifest(path) }
            }
            return nil
        }
        guard let source else {
            if let found = inFolder(currentDirectory ?? FileManager.default.currentDirectoryPath) { return found }
            if hasOtherInputs { return .none }
            throw SkiffError(
                "nothing to build: no Skiff.toml or usr.manifest here; give one, or add programs with --program",
                exitStatus: ExitStatus.usage)
        }
        let path = HostPath.absolute(source, relativeTo: currentDirectory)
        guard let info = FileInfo(path) else {
            throw SkiffError(
                "\(source) does not exist: give a Skiff.toml, a usr.manifest or a folder with one",
                exitStatus: ExitStatus.missingInput)
        }
        if info.kind == .directory {
            if let found = inFolder(path) { return found }
            throw SkiffError("\(source) has no Skiff.toml or usr.manifest", exitStatus: ExitStatus.missingInput)
        }
        return path.hasSuffix(".toml") ? .project(path) : .manifest(path)
    }
}
