import Foundation
import Testing

@testable import SkiffHost

@Suite struct ProjectFileTests {
    static let sample = """
        # A web app
        name = "web"
        command = ["/usr/bin/python3", "/app/main.py", "--port", "8080"]
        cwd = "/app"
        memory = "512M"
        cpus = 2
        boot-options = ["--bootchart"]
        programs = ["/usr/bin/python3"]
        manifests = ["extra.manifest"]
        interpreter-data = true

        [variables]
        assets = "static"

        [env]
        PYTHONUNBUFFERED = "1"
        WORKERS = 4

        [files]
        "/app/main.py" = "main.py"
        "/app/static/**" = "%(assets)s/**"
        "/etc/mnttab" = "->/proc/mounts"
        """

    @Test func everyKey() throws {
        let p = try ProjectFile.parse(Self.sample)
        #expect(p.name == "web")
        #expect(p.config.command == ["/usr/bin/python3", "/app/main.py", "--port", "8080"])
        #expect(p.config.workingDirectory == "/app")
        #expect(p.config.memoryMiB == 512)
        #expect(p.config.cpus == 2)
        #expect(p.config.bootOptions == ["--bootchart"])
        #expect(p.config.environment == ["PYTHONUNBUFFERED=1", "WORKERS=4"])
        #expect(p.programs == ["/usr/bin/python3"])
        #expect(p.manifests == ["extra.manifest"])
        #expect(p.addsInterpreterData)
        #expect(
            p.files == [
                .init(guestPath: "/app/main.py", source: .host("main.py", resolveSymlinks: true), line: 20),
                .init(guestPath: "/app/static", source: .tree("static", resolveSymlinks: true), line: 21),
                .init(guestPath: "/etc/mnttab", source: .symlink(target: "/proc/mounts"), line: 22),
            ])
    }

    @Test func commandLineVariablesWin() throws {
        let p = try ProjectFile.parse(Self.sample, variables: ["assets": "public"])
        #expect(p.files[1].source == .tree("public", resolveSymlinks: true))
    }

    @Test func minimalProjectAndMemoryForms() throws {
        #expect(try ProjectFile.parse("").config == ImageConfig())
        #expect(try ProjectFile.parse("memory = 1024").config.memoryMiB == 1024)
        #expect(try ProjectFile.parse("memory = \"2G\"").config.memoryMiB == 2048)
        #expect(try ProjectFile.parse("command = \"/bin/app\"").config.command == ["/bin/app"])
    }

    @Test(arguments: [
        ("name = \"web\"\nmemmory = \"1G\"", 2, "unknown key memmory (did you mean memory?)"),
        ("cpus = 0", 1, "cpus must be a whole number from 1 to 255"),
        ("cpus = \"2\"", 1, "cpus must be a whole number"),
        ("\nmemory = \"lots\"", 2, "memory 'lots' is not a size"),
        ("memory = true", 1, "memory must be a size"),
        ("command = []", 1, "command must name a program"),
        ("command = [\"/bin/a\", 3]", 1, "command must hold only strings, but has an integer"),
        ("cwd = \"app\"", 1, "cwd must be an absolute guest path"),
        ("name = \"my app\"", 1, "name 'my app' may only use"),
        ("name = \"deadbeef\"", 1, "must not look like an image key"),
        ("boot-options = [\"bootchart\"]", 1, "must start with --"),
        ("interpreter-data = \"no\"", 1, "interpreter-data must be true or false"),
        ("env = \"A=1\"", 1, "env must be a table"),
        ("[env]\nA = [1]", 2, "environment variable A must be a string"),
        ("[files]\n\"/a\" = 1", 2, "the host path for /a must be a string"),
        ("[files]\n\n\"relative\" = \"x\"", 3, "must be absolute"),
        ("[files]\n\"/a\" = \"%(nope)s\"", 2, "unknown variable %(nope)s"),
        ("[variables]\nx = 1", 2, "variable x must be a string"),
        ("name = \"a\"\nname = \"b\"", 2, "defined twice"),
    ])
    func errorsNameTheLine(text: String, line: Int, fragment: String) {
        let error = skiffError { _ = try ProjectFile.parse(text, fileName: "Skiff.toml") }
        #expect(error?.message.hasPrefix("Skiff.toml:\(line): ") == true, "\(String(describing: error))")
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
        #expect(error?.exitStatus == ExitStatus.badInput)
    }

    @Test func planReadsManifestsAndFilesRelativeToTheProject() throws {
        let dir = try TemporaryDirectory()
        try dir.write("main.py", "print(1)")
        try dir.write("static/index.html", "<html>")
        try dir.write("extra.manifest", "[manifest]\n/etc/extra: extra.conf\n")
        try dir.write("extra.conf", "x=1")
        let project = try ProjectFile.parse(
            """
            name = "web"
            command = ["/bin/true"]
            manifests = ["extra.manifest"]
            [files]
            "/app/main.py" = "main.py"
            "/app/static/**" = "static/**"
            """, fileName: dir.path + "/Skiff.toml")
        let plan = try project.plan(baseDirectory: dir.path)
        let spec = try plan.makeSpec()
        #expect(spec["/app/main.py"] == .file(hostPath: dir.path + "/main.py", mode: nil))
        #expect(spec["/app/static/index.html"] == .file(hostPath: dir.path + "/static/index.html", mode: nil))
        #expect(spec["/etc/extra"] == .file(hostPath: dir.path + "/extra.conf", mode: nil))
        #expect(spec.config.command == ["/bin/true"])
    }

    @Test func missingManifestIsReported() throws {
        let dir = try TemporaryDirectory()
        let project = try ProjectFile.parse("manifests = [\"gone.manifest\"]", fileName: "Skiff.toml")
        let error = skiffError { _ = try project.plan(baseDirectory: dir.path) }
        #expect(error?.message == "Skiff.toml: manifest \(dir.path)/gone.manifest does not exist")
        #expect(error?.exitStatus == ExitStatus.missingInput)
    }

    @Test func buildSourceFindsProjectBeforeManifest() throws {
        let dir = try TemporaryDirectory()
        #expect(
            skiffError { _ = try BuildSource.locate(nil, hasOtherInputs: false, currentDirectory: dir.path) }?.exitStatus
                == ExitStatus.usage)
        #expect(try BuildSource.locate(nil, hasOtherInputs: true, currentDirectory: dir.path) == .none)
        try dir.write("usr.manifest", "")
        #expect(
            try BuildSource.locate(nil, hasOtherInputs: false, currentDirectory: dir.path)
                == .manifest(dir.path + "/usr.manifest"))
        try dir.write("Skiff.toml", "")
        #expect(
            try BuildSource.locate(nil, hasOtherInputs: false, currentDirectory: dir.path) == .project(dir.path + "/Skiff.toml"))
        #expect(
            try BuildSource.locate(".", hasOtherInputs: false, currentDirectory: dir.path) == .project(dir.path + "/Skiff.toml"))
        try dir.write("other.manifest", "")
        #expect(
            try BuildSource.locate("other.manifest", hasOtherInputs: false, currentDirectory: dir.path)
                == .manifest(dir.path + "/other.manifest"))
        #expect(
            skiffError { _ = try BuildSource.locate("missing", hasOtherInputs: false, currentDirectory: dir.path) }?.exitStatus
                == ExitStatus.missingInput)
    }

    @Test func imageNames() {
        #expect(ImageName.isValid("web"))
        #expect(ImageName.isValid("py3.11-slim_2"))
        #expect(!ImageName.isValid(""))
        #expect(!ImageName.isValid("-x"))
        #expect(!ImageName.isValid("a/b"))
        #expect(!ImageName.isValid("cafe"))
        #expect(ImageName.isValid("caf"))
    }
}
