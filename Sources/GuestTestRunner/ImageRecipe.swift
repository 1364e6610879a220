import Foundation
import SkiffHost

/// What a guest test's image holds beyond its test programs: host programs (with the libraries
/// and interpreter data they need, as `skiff run` packs them), symlinks and generated files.
struct ImageRecipe {
    var name: String
    /// Host programs placed at the guest path given.
    var hostPrograms: [(host: String, guest: String)] = []
    var symlinks: [(path: String, target: String)] = []
    var files: [(path: String, contents: String)] = []
    /// Empty directories (mount points).
    var directories: [String] = []
    /// Host programs the test's host side runs against the guest (redis-cli, curl, wrk).
    var hostTools: [String] = []
    /// Files `make guest-programs` builds into build/guest (a jar), by name, and their guest paths.
    var builtFiles: [(name: String, guest: String)] = []

    /// Host files the recipe needs (`make deps` installs them).
    var requiredHostFiles: [String] { hostPrograms.map(\.host) + hostTools }
}

extension ImageRecipe {
    /// The image spec for `testPrograms` (built guest programs) plus this recipe; built files
    /// come from `builtDirectory`.
    static func spec(testPrograms: [(host: String, guest: String)], recipe: ImageRecipe?, builtDirectory: String) throws -> ImageSpec {
        var plan = ImagePlan()
        for p in testPrograms + (recipe?.hostPrograms ?? []) {
            plan.programs.append(try HostProgram.locate(p.host, guestPath: p.guest))
        }
        var spec = try plan.makeSpec()
        for link in recipe?.symlinks ?? [] { spec.set(link.path, .symlink(target: link.target)) }
        for file in recipe?.files ?? [] { spec.set(file.path, .contents(Array(file.contents.utf8), mode: 0o644)) }
        for directory in recipe?.directories ?? [] { spec.set(directory, .directory) }
        for built in recipe?.builtFiles ?? [] {
            let path = builtDirectory + "/" + built.name
            guard FileManager.default.fileExists(atPath: path) else {
                throw SkiffError("\(path) is missing: run 'make guest-programs'")
            }
            spec.set(built.guest, .file(hostPath: path, mode: nil))
        }
        return spec
    }
}
