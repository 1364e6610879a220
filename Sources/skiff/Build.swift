import ArgumentParser
import Foundation
import SkiffHost

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build an image from a Skiff.toml project file, an OSv usr.manifest, or programs.",
        discussion: """
            SOURCE is a project file (*.toml), a manifest (any other file), or a folder holding Skiff.toml or usr.manifest (default: the current folder). Images are cached by their inputs, so building again without changes is instant. Arguments after -- become the image's default command.

              skiff build                      # ./Skiff.toml or ./usr.manifest
              skiff build app/usr.manifest -D dir=/opt --name app -- /app/server
              skiff build --program /usr/bin/python3 --dir src:/app --name py
            """)

    @Argument(help: "A Skiff.toml, a usr.manifest, or a folder with one.") var source: String?
    @Option(
        name: .customShort("D"),
        help: ArgumentHelp("Set a manifest variable, used as %(NAME)s (repeatable).", valueName: "name=value"))
    var defines: [String] = []
    @Option(help: "Name the image, to run it with skiff run NAME.") var name: String?
    @Option(name: .shortAndLong, help: "Also write the image to this file.") var output: String?
    @Option(help: "Also write the image's files as an ext4 volume (a writable root for --rootfs=ext).") var ext4: String?
    @Option(help: "Add a host program with its libraries: NAME|PATH[:GUEST] (repeatable).") var program: [String] = []
    @Option(help: "Add a host file: HOST[:GUEST] (repeatable).") var file: [String] = []
    @Option(help: "Add a host folder: HOST[:GUEST] (repeatable).") var dir: [String] = []
    @Flag(name: .customLong("no-interpreter-data"), help: "Do not add interpreters' standard libraries.")
    var noInterpreterData = false
    @Option(help: "Default environment variable: NAME=VALUE (repeatable).") var env: [String] = []
    @Option(help: "Default working directory in the guest.") var cwd: String?
    @Option(help: "Default memory, such as 512M.") var memory: String?
    @Option(help: "Default number of CPUs.") var cpus: Int?
    @Option(name: .customLong("boot-option"), help: "Default kernel boot option (repeatable).") var bootOptions: [String] = []
    @Flag(help: "Print a JSON summary (image path, size, files, cache hit).") var json = false
    @Flag(name: .shortAndLong, help: "No progress output.") var quiet = false
    @Argument(parsing: .postTerminator, help: ArgumentHelp("The image's default command, after --.", valueName: "command"))
    var command: [String] = []

    func run() throws {
        try failing(json: json) {
            let progress = ProgressReporter.automatic(quiet: quiet || json)
            var variables: [String: String] = [:]
            for d in defines {
                guard let eq = d.firstIndex(of: "="), eq > d.startIndex else {
                    throw SkiffError("invalid -D '\(d)': use NAME=VALUE", exitStatus: ExitStatus.usage)
                }
                variables[String(d[..<eq])] = String(d[d.index(after: eq)...])
            }
            let input = try BuildSource.locate(source, hasOtherInputs: !program.isEmpty || !file.isEmpty || !dir.isEmpty)
            var plan: ImagePlan
            var imageName = name
            let sourceText: String
            switch input {
            case .project(let path):
                let project = try ProjectFile.load(path, variables: variables)
                plan = try project.plan(baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
                imageName = imageName ?? project.name
                sourceText = path
            case .manifest(let path):
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw SkiffError("cannot read \(path)", exitStatus: ExitStatus.missingInput)
                }
                plan = ImagePlan()
                let manifest = try Manifest.parse(String(decoding: data, as: UTF8.self), variables: variables, fileName: path)
                plan.manifests = [(manifest, URL(fileURLWithPath: path).deletingLastPathComponent().path)]
                sourceText = path
            case .none:
                plan = ImagePlan()
                sourceText = (program + file + dir).joined(separator: " ")
            }
            if let name, !ImageName.isValid(name) {
                throw SkiffError(
                    "invalid --name '\(name)': use letters, digits, '.', '_' and '-' (and not only hex digits)",
                    exitStatus: ExitStatus.usage)
            }
            plan.programs += try program.map { try HostProgram.locate(spec: $0) }
            plan.files += try file.map { try ImagePlan.Mapping.parse($0, option: "--file") }
            plan.directories += try dir.map { try ImagePlan.Mapping.parse($0, option: "--dir") }
            if noInterpreterData { plan.addsInterpreterData = false }
            if !command.isEmpty { plan.config.command = command }
            plan.config.environment += try environmentPairs(env)
            if let cwd {
                guard cwd.hasPrefix("/") else {
                    throw SkiffError("invalid --cwd '\(cwd)': use an absolute guest path", exitStatus: ExitStatus.usage)
                }
                plan.config.workingDirectory = cwd
            }
            if let memory { plan.config.memoryMiB = try MemorySize.parse(memory, option: "--memory") }
            if let cpus {
                guard cpus >= 1 && cpus <= 255 else {
                    throw SkiffError("invalid --cpus \(cpus): use 1 to 255", exitStatus: ExitStatus.usage)
                }
                plan.config.cpus = cpus
            }
            plan.config.bootOptions += bootOptions

            let result = try ImageBuild.build(
                plan: plan, name: imageName, source: sourceText, cache: ImageCache(), progress: progress)
            if let output {
                do {
                    _ = try? FileManager.default.removeItem(atPath: output)
                    try FileManager.default.copyItem(atPath: result.path, toPath: output)
                } catch {
                    throw SkiffError(
                        "cannot write \(output): check that its folder exists and is writable", exitStatus: ExitStatus.cannotWrite
                    )
                }
            }
            if let ext4 {
                try ImageConverter.convert(input: result.path, output: ext4, format: .ext4, progress: progress)
            }
            if json {
                var object: [String: Any] = [
                    "image": result.path, "key": result.entry.key, "size": result.entry.size, "files": result.entry.files,
                    "cacheHit": result.cacheHit, "seconds": result.seconds,
                ]
                object["name"] = imageName
                object["output"] = output
                object["ext4"] = ext4
                printJSON(object)
            } else {
                let label = imageName ?? result.entry.shortKey
                let how = result.cacheHit ? "cached" : "built"
                print(
                    "\(label): \(result.path) (\(MemorySize.human(bytes: result.entry.size)), \(result.entry.files) files, \(how))"
                )
                if plan.config.command.isEmpty && !quiet {
                    FileHandle.standardError.write(
                        Data(
                            "skiff: the image has no default command; run it with skiff run \(label) /path/to/program, or build with -- COMMAND\n"
                                .utf8))
                }
            }
        }
    }
}
