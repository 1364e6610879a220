import Foundation
import Testing

@testable import SkiffHost

/// A small application folder for the command-line tests: an OSv `usr.manifest` (a script, a
/// folder tree, a symlink into the guest's /proc, a `%(src)s` variable) and a `Skiff.toml` that
/// includes it and sets every run default, with a `skiff` of its own cache to build them.
struct SampleProject {
    let dir: TemporaryDirectory
    let skiff: SkiffCommand
    var path: String { dir.path }
    var cache: String { dir.path + "/cache/images" }

    init() throws {
        dir = try TemporaryDirectory()
        skiff = SkiffCommand(cacheDirectory: dir.path + "/cache")
        try dir.write("app/run.sh", "#!/bin/sh\necho hi\n", mode: 0o755)
        try dir.write("app/assets/a.txt", "alpha\n")
        try dir.write("app/assets/sub/b.txt", "beta!\n")
        try dir.write("extra.txt", "extra\n")
        try dir.write(
            "usr.manifest",
            """
            [manifest]
            /app/run.sh: %(src)s/run.sh
            /app/assets/**: %(src)s/assets/**
            /etc/mnttab: ->/proc/mounts

            """)
        try dir.write(
            "Skiff.toml",
            """
            name = "web"
            command = ["/app/run.sh", "--port", "8080"]
            cwd = "/app"
            memory = "512M"
            cpus = 2
            boot-options = ["--bootchart"]
            manifests = ["usr.manifest"]

            [env]
            GREETING = "hello world"

            [variables]
            src = "app"

            [files]
            "/app/extra.txt" = "extra.txt"

            """)
    }

    /// `skiff ARGUMENTS` run in the project folder.
    func run(_ arguments: [String]) throws -> SkiffCommand.Output {
        try skiff.run(arguments, in: path)
    }

    /// `skiff build` of the manifest alone, named `demo`, with a default command.
    func buildManifest(_ extra: [String] = []) throws -> SkiffCommand.Output {
        try run(["build", "usr.manifest", "-D", "src=app", "--name", "demo"] + extra + ["--", "/app/run.sh"])
    }

    /// The image file a build printed (`NAME: PATH (…)`), checked to be in the project's cache.
    func imagePath(printedBy output: SkiffCommand.Output, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let line = output.standardOutput
        let start = try #require(line.range(of: ": ")?.upperBound, "no path in \(line)", sourceLocation: sourceLocation)
        let end = try #require(line.range(of: ".img (")?.lowerBound, "no path in \(line)", sourceLocation: sourceLocation)
        let image = String(line[start..<end]) + ".img"
        #expect(image.hasPrefix(cache + "/"), sourceLocation: sourceLocation)
        return image
    }

    /// The key of a cached image file: its name without `.img`.
    static func key(ofImage path: String) -> String {
        String(URL(fileURLWithPath: path).lastPathComponent.dropLast(4))
    }
}
