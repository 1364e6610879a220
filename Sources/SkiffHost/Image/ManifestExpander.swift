import Foundation

/// Turns manifest entries into image contents by looking at the host: files are copied, host
/// directories become empty directories, trees are walked, symlinks are followed (or kept, for
/// `!path`). Relative host paths are taken relative to `baseDirectory`, the manifest's folder.
public struct ManifestExpander {
    public var baseDirectory: String

    public init(baseDirectory: String) {
        self.baseDirectory = baseDirectory
    }

    /// Adds every entry of `manifest` to `spec`; later entries replace earlier ones.
    public func expand(_ manifest: Manifest, into spec: inout ImageSpec) throws {
        for entry in manifest.entries {
            func missing(_ path: String) -> SkiffError {
                SkiffError(
                    "\(manifest.fileName):\(entry.line): \(path) does not exist on the host (host paths are relative to \(baseDirectory))",
                    exitStatus: ExitStatus.missingInput)
            }
            switch entry.source {
            case .symlink(let target):
                spec.set(entry.guestPath, .symlink(target: target))
            case .host(let path, let resolve):
                let host = HostPath.absolute(path, relativeTo: baseDirectory)
                guard let node = try Self.node(for: host, resolveSymlinks: resolve) else { throw missing(host) }
                spec.set(entry.guestPath, node)
            case .tree(let path, let resolve):
                let host = HostPath.absolute(path, relativeTo: baseDirectory)
                guard let info = FileInfo(host), info.kind == .directory else {
                    if FileInfo(host) == nil { throw missing(host) }
                    throw SkiffError(
                        "\(manifest.fileName):\(entry.line): \(host) is not a directory, so it cannot be copied with /**",
                        exitStatus: ExitStatus.badInput)
                }
                try Self.addTree(host: host, guest: entry.guestPath, resolveSymlinks: resolve, into: &spec)
            }
        }
    }

    /// What a single host path becomes in the image; nil when it does not exist.
    static func node(for host: String, resolveSymlinks: Bool) throws -> ImageSpec.Node? {
        guard let link = FileInfo(host, followSymlinks: false) else { return nil }
        if link.kind == .symlink && !resolveSymlinks {
            guard let target = HostPath.readLink(host) else { return nil }
            return .symlink(target: target)
        }
        guard let info = FileInfo(host) else {
            // A dangling symlink: keep it as one.
            return HostPath.readLink(host).map { .symlink(target: $0) }
        }
        switch info.kind {
        case .directory: return .directory
        case .regular: return .file(hostPath: link.kind == .symlink ? HostPath.resolved(host) : host, mode: nil)
        default:
            throw SkiffError("\(host) is a device, FIFO or socket, which an image cannot hold", exitStatus: ExitStatus.badInput)
        }
    }

    /// Adds everything below `host` at `guest`. Symlinks to files are copied as files unless
    /// `resolveSymlinks` is false; symlinks to directories stay symlinks (so a tree with a loop
    /// still ends), as do dangling ones. Device nodes and sockets are skipped, and so are the
    /// paths in `exclude`, given relative to `host` (`test`, `lib2to3/tests`).
    public static func addTree(
        host: String, guest: String, resolveSymlinks: Bool, exclude: Set<String> = [], into spec: inout ImageSpec
    ) throws {
        try addTree(host: host, guest: guest, relative: "", resolveSymlinks: resolveSymlinks, exclude: exclude, into: &spec)
    }

    private static func addTree(
        host: String, guest: String, relative: String, resolveSymlinks: Bool, exclude: Set<String>, into spec: inout ImageSpec
    ) throws {
        spec.set(guest, .directory)
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: host).sorted() } catch {
            throw SkiffError("cannot list \(host): check its permissions", exitStatus: ExitStatus.missingInput)
        }
        for name in names {
            let relativeChild = relative.isEmpty ? name : relative + "/" + name
            if exclude.contains(relativeChild) { continue }
            let hostChild = host + "/" + name
            let guestChild = guest == "/" ? "/" + name : guest + "/" + name
            guard let link = FileInfo(hostChild, followSymlinks: false) else { continue }
            switch link.kind {
            case .directory:
                try addTree(
                    host: hostChild, guest: guestChild, relative: relativeChild, resolveSymlinks: resolveSymlinks,
                    exclude: exclude,
                    into: &spec)
            case .regular:
                spec.set(guestChild, .file(hostPath: hostChild, mode: nil))
            case .symlink:
                let target = FileInfo(hostChild)
                if resolveSymlinks, let target, target.kind == .regular {
                    spec.set(guestChild, .file(hostPath: HostPath.resolved(hostChild), mode: nil))
                } else if let text = HostPath.readLink(hostChild) {
                    spec.set(guestChild, .symlink(target: text))
                }
            case .other:
                continue
            }
        }
    }
}
