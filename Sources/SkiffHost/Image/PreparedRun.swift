/// What `skiff run` boots: the image, its configuration, and the argv for this run.
public struct PreparedRun {
    /// Nil when only the kernel boots (`skiff run --boot-option=--help`).
    public var imagePath: String?
    public var config: ImageConfig
    /// The command for this run; empty means the image's default.
    public var arguments: [String]
    public var cacheHit: Bool

    /// Resolves `skiff run`'s arguments — `--image IMAGE [COMMAND…]`, `TARGET [ARGS…]`, or
    /// nothing but boot options — and builds a program's image (with `files` and `directories`,
    /// `HOST[:GUEST]`, and the mount points of `--mount-fs` boot options and of `shares`, the
    /// guest folders of `--share`) through the cache.
    public static func prepare(
        image: String?, arguments: [String], files: [String] = [], directories: [String] = [], interpreterData: Bool = true,
        kernelOnly: Bool = false, bootOptions: [String] = [], shares: [String] = [], cache: ImageCache,
        progress: ProgressReporter = ProgressReporter(style: .silent)
    ) throws -> PreparedRun {
        var args = arguments
        let target: RunTarget
        if let image {
            let found = try RunTarget.image(image, cache: cache)
            target = .image(path: found.path, entry: found.entry)
        } else if let first = args.first {
            target = try RunTarget.resolve(first, cache: cache)
            args.removeFirst()
        } else if kernelOnly {
            return PreparedRun(imagePath: nil, config: ImageConfig(), arguments: [], cacheHit: true)
        } else {
            throw SkiffError(
                "nothing to run: give a program or an image, such as skiff run /bin/ls", exitStatus: ExitStatus.usage)
        }
        switch target {
        case .image(let path, let entry):
            guard files.isEmpty && directories.isEmpty else {
                throw SkiffError(
                    "--file and --dir add to the images of programs; for an image, add the files to its manifest or project file",
                    exitStatus: ExitStatus.usage)
            }
            let config = try ImageInspector(path: path).config()
            if let entry { cache.touch(entry) }
            return PreparedRun(imagePath: path, config: config, arguments: args, cacheHit: true)
        case .program(let program):
            var plan = ImagePlan()
            plan.programs = [program]
            plan.files = try files.map { try ImagePlan.Mapping.parse($0, option: "--file") }
            plan.directories = try directories.map { try ImagePlan.Mapping.parse($0, option: "--dir") }
            plan.addsInterpreterData = interpreterData
            plan.mountPoints = mountPoints(in: bootOptions) + shares
            // The image records how to start the program; the arguments are this run's, so one
            // image serves every argument list.
            plan.config.command = program.commandPrefix
            let built = try ImageBuild.build(plan: plan, name: nil, source: program.hostPath, cache: cache, progress: progress)
            return PreparedRun(
                imagePath: built.path, config: plan.config, arguments: program.commandPrefix + args, cacheHit: built.cacheHit)
        }
    }

    /// The directories `--mount-fs=TYPE,SOURCE,PATH` boot options mount on, which an image built
    /// for the run must have (the image is read-only, so the kernel cannot make them).
    public static func mountPoints(in bootOptions: [String]) -> [String] {
        bootOptions.compactMap { option in
            guard option.hasPrefix("--mount-fs=") else { return nil }
            let parts = option.dropFirst("--mount-fs=".count).split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[2].hasPrefix("/"), parts[2].count > 1 else { return nil }
            return String(parts[2])
        }
    }
}
