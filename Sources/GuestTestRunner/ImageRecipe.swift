import Foundation
import SkiffHost

/// What a guest test's image holds beyond its test programs: host programs (with the libraries
/// they need), host directories, symlinks and generated files.
struct ImageRecipe {
    var name: String
    /// Host programs placed at their own path (or the guest path given).
    var hostPrograms: [(host: String, guest: String)] = []
    /// Host directories copied recursively, skipping the names in `skip`.
    var hostDirectories: [(host: String, guest: String)] = []
    var skip: Set<String> = []
    var symlinks: [(path: String, target: String)] = []
    var files: [(path: String, contents: String)] = []

    /// The host programs this recipe needs; a test is skipped with a clear failure when one is
    /// missing (make deps installs them).
    var requiredHostFiles: [String] { hostPrograms.map(\.host) + hostDirectories.map(\.host) }

    func spec() throws -> ImageSpec {
        var spec = ImageSpec()
        let resolver = LibraryResolver()
        for p in hostPrograms {
            for f in try resolver.closure(of: p.host, guestPath: p.guest) { spec.add(f) }
        }
        for d in hostDirectories {
            try addDirectory(host: d.host, guest: d.guest, to: &spec)
        }
        spec.symlinks = symlinks.map { (guestPath: $0.path, target: $0.target) }
        spec.generated = files.map { ($0.path, Array($0.contents.utf8)) }
        return spec
    }

    private func addDirectory(host: String, guest: String, to spec: inout ImageSpec) throws {
        let fm = FileManager.default
        spec.directories.append(guest)
        for name in try fm.contentsOfDirectory(atPath: host).sorted() where !skip.contains(name) {
            let h = host + "/" + name
            let g = guest + "/" + name
            var isDirectory: ObjCBool = false
            let attributes = try fm.attributesOfItem(atPath: h)
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                spec.symlinks.append((g, try fm.destinationOfSymbolicLink(atPath: h)))
            } else if fm.fileExists(atPath: h, isDirectory: &isDirectory), isDirectory.boolValue {
                try addDirectory(host: h, guest: g, to: &spec)
            } else {
                spec.add(ImageSpec.File(guestPath: g, hostPath: h))
            }
        }
    }
}
