import Boot
import Foundation
import Testing

@testable import SkiffHost

@Suite struct ImageConfigTests {
    @Test func roundTripWithEscapes() throws {
        let config = ImageConfig(
            command: ["/usr/bin/python3", "-c", "import sys\nprint('a\\tb')", ""], environment: ["A=1", "PATH=/bin:/usr/bin"],
            workingDirectory: "/app", memoryMiB: 512, cpus: 2, bootOptions: ["--bootchart"])
        let text = config.encoded()
        #expect(text.contains("arg=import sys\\nprint('a\\\\tb')\n"))
        #expect(text.hasPrefix("# Skiff image configuration (docs/cli.md)\nversion=1\narg=/usr/bin/python3\n"))
        #expect(try ImageConfig(decoding: text) == config)
    }

    @Test func unknownKeysAreSkippedAndErrorsNamed() throws {
        #expect(try ImageConfig(decoding: "version=1\nfuture=x\narg=/a\n").command == ["/a"])
        #expect(try ImageConfig(decoding: "").isEmpty)
        #expect(skiffError { _ = try ImageConfig(decoding: "version=2\n") }?.message.contains("update skiff") == true)
        #expect(
            skiffError { _ = try ImageConfig(decoding: "version=1\nmemory=lots\n") }?.message
                == "/etc/skiff/config line 2: memory must be a positive number")
        #expect(
            skiffError { _ = try ImageConfig(decoding: "nonsense\n") }?.message == "/etc/skiff/config line 1: expected key=value")
    }
}

@Suite struct BootCommandLineTests {
    @Test func rendersOptionsThenArguments() {
        let line = BootCommandLine(
            bootOptions: ["--bootchart"], environment: ["GREETING=hello world"], workingDirectory: "/app",
            mounts: [.init(type: "9p", source: "share0", path: "/data")], arguments: ["/bin/echo", "a b", "", "it's"])
        #expect(
            line.rendered()
                == #"--bootchart --env=GREETING=hello\ world --cwd=/app --mount-fs=9p,share0,/data -- /bin/echo a\ b '' it\'s"#)
        #expect(BootCommandLine().rendered() == "")
    }

    /// What `skiff run` writes is what the kernel's parser reads back.
    @Test func roundTripsThroughTheKernelParser() throws {
        let args = ["/usr/bin/python3", "-c", "print(\"x y\")\nprint('\\\\')", "", "--not-an-option", "\ttab"]
        let line = BootCommandLine(
            bootOptions: ["--verbose"], environment: ["A=1 2", "B="], workingDirectory: "/w d",
            mounts: [.init(type: "9p", source: "share0", path: "/data")], arguments: args)
        let parsed = try KernelCommandLine.parse(line.rendered())
        #expect(parsed.arguments == args)
        #expect(parsed.verbose)
        #expect(parsed.environment.map { "\($0.name)=\($0.value)" } == ["A=1 2", "B="])
        #expect(parsed.workingDirectory == "/w d")
        #expect(parsed.mounts.map { "\($0.type),\($0.source),\($0.path)" } == ["9p,share0,/data"])
    }
}

@Suite struct RunSetupTests {
    @Test func imageConfigIsTheDefaultAndOptionsOverrideIt() throws {
        let config = ImageConfig(
            command: ["/app/server"], environment: ["MODE=prod"], workingDirectory: "/app", memoryMiB: 512, cpus: 2,
            bootOptions: ["--bootchart"])
        let vm = try RunSetup.virtualMachine(kernel: "/k.elf", image: "/i.img", config: config, options: RunOptions())
        #expect(vm.memoryMiB == 512 && vm.cpus == 2)
        #expect(vm.initrd == "/i.img")
        #expect(vm.commandLine == "--bootchart --env=MODE=prod --cwd=/app -- /app/server")

        var options = RunOptions()
        options.memoryMiB = 1024
        options.cpus = 1
        options.environment = ["DEBUG=1"]
        options.workingDirectory = "/tmp"
        options.bootOptions = ["--verbose"]
        options.arguments = ["/app/server", "--check"]
        let overridden = try RunSetup.virtualMachine(kernel: "/k.elf", image: "/i.img", config: config, options: options)
        #expect(overridden.memoryMiB == 1024 && overridden.cpus == 1)
        #expect(overridden.commandLine == "--bootchart --verbose --env=MODE=prod --env=DEBUG=1 --cwd=/tmp -- /app/server --check")

        let bare = try RunSetup.virtualMachine(
            kernel: "/k.elf", image: "/i.img", config: ImageConfig(command: ["/a"]), options: RunOptions())
        #expect(bare.memoryMiB == RunSetup.defaultMemoryMiB && bare.cpus == RunSetup.defaultCPUs)
    }

    @Test func noCommandAnywhereIsAnError() {
        let error = skiffError {
            _ = try RunSetup.virtualMachine(kernel: "/k", image: "/i", config: ImageConfig(), options: RunOptions())
        }
        #expect(error?.message.hasPrefix("the image has no default command: give the program to run after the image") == true)
        #expect(error?.exitStatus == ExitStatus.usage)
    }

    @Test func networkSharesDisksAndGDB() throws {
        let dir = try TemporaryDirectory()
        let disk = try dir.write("disk.raw", "")
        let qcow = try dir.writeBytes("disk.qcow2", [0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 3])
        var options = RunOptions()
        options.arguments = ["/bin/app"]
        options.forwards = [try .parse("8080:80"), try .parse("5353:53/udp")]
        options.shares = [try .parse(dir.path + ":/data")]
        options.disks = [disk, qcow]
        options.gdbPort = 1234
        options.waitForDebugger = true
        options.machine = .q35
        let vm = try RunSetup.virtualMachine(kernel: "/k", image: "/i", config: ImageConfig(), options: options)
        // Port forwards imply user networking.
        #expect(vm.network == .user)
        #expect(vm.commandLine == "--mount-fs=9p,share0,/data -- /bin/app")
        let args = vm.arguments(accelerator: .tcg)
        #expect(args.contains("user,id=net0,hostfwd=tcp::8080-:80,hostfwd=udp::5353-:53"))
        #expect(args.contains("virtio-net-pci,netdev=net0"))
        #expect(args.contains("local,id=share0,path=\(dir.path),security_model=none"))
        #expect(args.contains("virtio-9p-pci,fsdev=share0,mount_tag=share0"))
        #expect(args.contains("if=none,id=disk0,file=\(disk),format=raw,cache=unsafe,discard=unmap"))
        #expect(args.contains("if=none,id=disk1,file=\(qcow),format=qcow2,cache=unsafe,discard=unmap"))
        #expect(args.contains("tcp:127.0.0.1:1234") && args.contains("-S"))

        options.forwards = []
        options.network = try .parse("tap:tap7")
        let tap = try RunSetup.virtualMachine(kernel: "/k", image: "/i", config: ImageConfig(), options: options)
        #expect(tap.arguments(accelerator: .tcg).contains("tap,id=net0,script=no,downscript=no,ifname=tap7"))
        options.forwards = [try .parse("80:80")]
        #expect(
            skiffError { _ = try RunSetup.virtualMachine(kernel: "/k", image: "/i", config: ImageConfig(), options: options) }?
                .exitStatus == ExitStatus.usage)

        options = RunOptions()
        options.arguments = ["/a"]
        options.disks = [dir.path + "/missing.img"]
        #expect(
            skiffError { _ = try RunSetup.virtualMachine(kernel: "/k", image: "/i", config: ImageConfig(), options: options) }?
                .exitStatus == ExitStatus.missingInput)
        options.disks = []
        options.shares = [.init(hostPath: dir.path + "/none", guestPath: "/x")]
        #expect(
            skiffError { _ = try RunSetup.virtualMachine(kernel: "/k", image: "/i", config: ImageConfig(), options: options) }?
                .message == "--share \(dir.path)/none: no such directory on the host")
    }

    @Test func optionParsing() throws {
        #expect(try VirtualMachine.Network.parse("user") == .user)
        #expect(try VirtualMachine.Network.parse("tap") == .tap(nil))
        #expect(try VirtualMachine.Network.parse("none") == VirtualMachine.Network.none)
        #expect(try VirtualMachine.PortForward.parse("2222:22") == .init(hostPort: 2222, guestPort: 22))
        #expect(try RunOptions.Share.parse("/srv/www:/www") == .init(hostPath: "/srv/www", guestPath: "/www"))
        #expect(
            try ImagePlan.Mapping.parse("/etc/app.conf", option: "--file")
                == .init(hostPath: "/etc/app.conf", guestPath: "/etc/app.conf"))
        #expect(
            try ImagePlan.Mapping.parse("/x/data.csv:/app/data.csv", option: "--file")
                == .init(hostPath: "/x/data.csv", guestPath: "/app/data.csv"))
        #expect(
            try ImagePlan.Mapping.parse("rel/a", relativeTo: "/base", option: "--file")
                == .init(hostPath: "/base/rel/a", guestPath: "/base/rel/a"))
        #expect(MemorySize.parseMiB("256M") == 256)
        #expect(MemorySize.parseMiB("1G") == 1024)
        #expect(MemorySize.parseMiB("2gib") == 2048)
        #expect(MemorySize.parseMiB("512mb") == 512)
        #expect(MemorySize.parseMiB("64") == 64)
        #expect(MemorySize.parseMiB("0") == nil)
        #expect(MemorySize.parseMiB("1.5G") == nil)
        #expect(MemorySize.human(bytes: 512) == "512 B")
        #expect(MemorySize.human(bytes: 50_638_848) == "48.3 MiB")
    }
}

@Suite struct OptionalValuesTests {
    let rule = OptionalValues.Rule(
        subcommand: "run", option: "--gdb", defaultValue: "1234", accepts: { Int($0) != nil }, valued: ["--memory", "-p"])

    @Test func bareOptionGetsTheDefault() {
        #expect(OptionalValues.rewrite(["run", "--gdb", "/bin/ls"], rules: [rule]) == ["run", "--gdb=1234", "/bin/ls"])
        #expect(
            OptionalValues.rewrite(["run", "--gdb", "4321", "/bin/ls"], rules: [rule]) == ["run", "--gdb", "4321", "/bin/ls"])
        #expect(OptionalValues.rewrite(["run", "--gdb"], rules: [rule]) == ["run", "--gdb=1234"])
        #expect(
            OptionalValues.rewrite(["run", "--memory", "1G", "--gdb", "-p", "80:80", "img"], rules: [rule]) == [
                "run", "--memory", "1G", "--gdb=1234", "-p", "80:80", "img",
            ])
    }

    @Test func theProgramsArgumentsAreNotTouched() {
        #expect(OptionalValues.rewrite(["run", "/bin/gdbserver", "--gdb"], rules: [rule]) == ["run", "/bin/gdbserver", "--gdb"])
        #expect(OptionalValues.rewrite(["run", "--", "--gdb"], rules: [rule]) == ["run", "--", "--gdb"])
        #expect(OptionalValues.rewrite(["run", "--memory", "--gdb", "x"], rules: [rule]) == ["run", "--memory", "--gdb", "x"])
        #expect(OptionalValues.rewrite(["build", "--gdb"], rules: [rule]) == ["build", "--gdb"])
    }
}

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var h = SHA256()
        for _ in 0..<1000 { h.update(String(repeating: "a", count: 1000)) }
        #expect(h.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite struct ProgressTests {
    func output(_ style: ProgressReporter.Style, _ body: (ProgressReporter) -> Void) -> String {
        let pipe = Pipe()
        let progress = ProgressReporter(style: style, output: pipe.fileHandleForWriting)
        body(progress)
        try? pipe.fileHandleForWriting.close()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    @Test func plainLinesWhenNotATerminal() {
        let text = output(.lines) { p in
            p.begin("building image (3 files)")
            p.update(1, of: 3)
            p.update(3, of: 3)
            p.note("added python data /usr/lib/python3.11")
            p.end("built abc (1.0 KiB, 4 files)")
        }
        #expect(
            text
                == "skiff: building image (3 files)\nskiff: added python data /usr/lib/python3.11\nskiff: built abc (1.0 KiB, 4 files)\n"
        )
    }

    @Test func aBarRedrawnInPlaceOnATerminal() {
        let text = output(.bar) { p in
            p.begin("building image")
            p.update(3, of: 3)
            p.end("built")
        }
        #expect(text.contains("\r\u{1B}[Kskiff: building image [##############################] 3/3"))
        #expect(text.hasSuffix("\r\u{1B}[Kskiff: built\n"))
    }

    @Test func silentMeansSilent() {
        #expect(
            output(.silent) { p in
                p.begin("x")
                p.note("y")
                p.end("z")
            } == "")
    }
}

@Suite struct PlanNotesTests {
    @Test func commandOutsideTheImageIsNoted() throws {
        var plan = ImagePlan()
        plan.config.command = ["/app/server"]
        var notes: [String] = []
        _ = try plan.makeSpec { notes.append($0) }
        #expect(
            notes == ["the command's program /app/server is not in the image: add it with programs, --program or a manifest line"]
        )
    }

    @Test(.enabled(if: installed("/bin/ls"))) func programSpecsWithGuestPaths() throws {
        let program = try HostProgram.locate(spec: "/bin/ls:/usr/local/bin/list")
        #expect(program.hostPath == "/bin/ls" && program.guestPath == "/usr/local/bin/list")
        var plan = ImagePlan()
        plan.programs = [program]
        let spec = try plan.makeSpec()
        #expect(spec["/usr/local/bin/list"] == .file(hostPath: HostPath.resolved("/bin/ls"), mode: nil))
        #expect(spec["/bin/ls"] == nil)
    }
}

@Suite struct PreparedRunTests {
    @Test(.enabled(if: installed("/bin/ls"))) func aProgramsImageServesEveryArgumentList() throws {
        let dir = try TemporaryDirectory()
        try dir.write("notes.txt", "n")
        let cache = ImageCache(directory: dir.path + "/cache")
        let first = try PreparedRun.prepare(
            image: nil, arguments: ["/bin/ls", "-l", "/data"], files: [dir.path + "/notes.txt:/data/notes.txt"], cache: cache)
        #expect(!first.cacheHit)
        #expect(first.arguments == ["/bin/ls", "-l", "/data"])
        #expect(first.config.command == ["/bin/ls"])
        let second = try PreparedRun.prepare(
            image: nil, arguments: ["/bin/ls", "/"], files: [dir.path + "/notes.txt:/data/notes.txt"], cache: cache)
        #expect(second.cacheHit && second.imagePath == first.imagePath)
        #expect(second.arguments == ["/bin/ls", "/"])
        let image = try ImageInspector(path: try #require(first.imagePath))
        #expect(try image.contents(of: "/data/notes.txt") == Array("n".utf8))
    }

    /// `--share HOST:/srv/shared` needs /srv/shared in the image to mount on.
    @Test(.enabled(if: installed("/bin/ls"))) func aProgramsImageHasItsSharesMountPoints() throws {
        let dir = try TemporaryDirectory()
        let cache = ImageCache(directory: dir.path + "/cache")
        let prepared = try PreparedRun.prepare(image: nil, arguments: ["/bin/ls"], shares: ["/srv/shared"], cache: cache)
        let image = try ImageInspector(path: try #require(prepared.imagePath))
        #expect(try image.tree().contains { $0.path == "/srv/shared" && $0.type == .directory })
    }

    @Test func imagesByFileNameOrKey() throws {
        let dir = try TemporaryDirectory()
        let cache = ImageCache(directory: dir.path + "/cache")
        var spec = ImageSpec()
        spec.config = ImageConfig(command: ["/bin/app", "--serve"], memoryMiB: 64)
        let built = try cache.image(for: spec, name: "app", source: "t")
        for reference in ["app", String(built.entry.key.prefix(6)), built.path] {
            let byArgument = try PreparedRun.prepare(image: nil, arguments: [reference], cache: cache)
            #expect(byArgument.imagePath == built.path)
            #expect(byArgument.config == spec.config)
            #expect(byArgument.arguments == [])
            let byOption = try PreparedRun.prepare(image: reference, arguments: ["/bin/app", "--check"], cache: cache)
            #expect(byOption.arguments == ["/bin/app", "--check"])
        }
        let withFiles = skiffError {
            _ = try PreparedRun.prepare(image: "app", arguments: [], files: ["/etc/hosts"], cache: cache)
        }
        #expect(withFiles?.exitStatus == ExitStatus.usage)
        #expect(try PreparedRun.prepare(image: nil, arguments: [], kernelOnly: true, cache: cache).imagePath == nil)
        #expect(
            skiffError { _ = try PreparedRun.prepare(image: nil, arguments: [], cache: cache) }?.exitStatus == ExitStatus.usage)
    }
}
