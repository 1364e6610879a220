import Foundation
import ImageFS
import Testing

@testable import SkiffHost

/// Library resolution on the real Debian binaries of the machine the tests run on.
@Suite struct LibraryResolutionTests {
    @Test(.enabled(if: installed("/bin/ls"))) func lsNeedsItsLoaderAndLibc() throws {
        let files = try LibraryResolver().closure(of: "/bin/ls")
        #expect(files[0].guestPath == "/bin/ls")
        let guests = files.map(\.guestPath)
        // PT_INTERP, at the path the kernel will load it from.
        #expect(guests.contains("/lib64/ld-linux-x86-64.so.2"))
        #expect(guests.contains { $0.hasSuffix("/libc.so.6") })
        // DT_NEEDED of ls itself, and transitively of its libraries (libselinux needs libpcre2).
        if let selinux = files.first(where: { $0.guestPath.hasSuffix("/libselinux.so.1") }) {
            #expect(FileManager.default.fileExists(atPath: selinux.hostPath))
            #expect(guests.contains { $0.contains("libpcre2-8.so") })
        }
        // Every host path is a real file (symlinks resolved), every guest path is unique.
        for f in files { #expect(FileInfo(f.hostPath, followSymlinks: false)?.kind == .regular, "\(f)") }
        #expect(Set(guests).count == guests.count)
    }

    /// A program whose DT_RUNPATH uses $ORIGIN, compiled here, run through a symlink elsewhere.
    @Test(.enabled(if: installed("/usr/bin/gcc"))) func runpathWithOrigin() throws {
        let dir = try TemporaryDirectory()
        try dir.write("src/lib.c", "int skiff_test_value(void) { return 42; }\n")
        try dir.write("src/main.c", "int skiff_test_value(void);\nint main(void) { return skiff_test_value(); }\n")
        _ = try dir.mkdir("app/lib")
        _ = try dir.mkdir("app/bin")
        func gcc(_ args: [String]) throws {
            let result = try Subprocess("/usr/bin/gcc", args).run()
            #expect(result.status == 0, "gcc: \(result.errorText)")
        }
        try gcc(["-shared", "-fPIC", "-o", dir.path + "/app/lib/libskifftest.so", dir.path + "/src/lib.c"])
        try gcc([
            "-o", dir.path + "/app/bin/prog", dir.path + "/src/main.c", "-L" + dir.path + "/app/lib", "-lskifftest",
            "-Wl,-rpath,$ORIGIN/../lib", "-Wl,--enable-new-dtags",
        ])
        let info = try LibraryResolver.describe(dir.path + "/app/bin/prog")
        #expect(info.runpath == [dir.path + "/app/bin/../lib"])
        _ = try dir.mkdir("usr/bin")
        let link = try dir.symlink("usr/bin/prog", to: dir.path + "/app/bin/prog")
        for program in [dir.path + "/app/bin/prog", link] {
            let files = try LibraryResolver().closure(of: program)
            let library = try #require(files.first { $0.guestPath.hasSuffix("/libskifftest.so") })
            #expect(library.guestPath == dir.path + "/app/lib/libskifftest.so")
            #expect(library.hostPath == dir.path + "/app/lib/libskifftest.so")
            #expect(files.contains { $0.guestPath.hasSuffix("/libc.so.6") })
        }
    }

    @Test(.enabled(if: installed("/bin/ls"))) func aLinkIntoAnotherFolderStaysALink() throws {
        // Like /usr/bin/java → /usr/lib/jvm/…/bin/java: the program finds its home from its real path.
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path + "/home/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: HostPath.resolved("/bin/ls"), toPath: dir.path + "/home/bin/tool")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/bin/tool", withDestinationPath: "../home/bin/tool")
        var plan = ImagePlan()
        plan.programs = [try HostProgram.locate(dir.path + "/bin/tool")]
        let spec = try plan.makeSpec()
        let real = HostPath.resolved(dir.path + "/home/bin/tool")
        // The temporary folder may be under /tmp, which the image moves to /host/tmp.
        let visible = DefaultGuestPath.visible
        #expect(spec[visible(dir.path + "/bin/tool")] == .symlink(target: visible(real)))
        #expect(spec[visible(real)] == .file(hostPath: real, mode: nil))
    }

    @Test(.enabled(if: installed("/bin/ls"))) func programFoundInPathKeepsItsName() throws {
        let program = try HostProgram.locate("ls", searchPath: "/nonexistent:/usr/bin:/bin")
        #expect(program.hostPath == "/usr/bin/ls" || program.hostPath == "/bin/ls")
        #expect(program.guestPath == program.hostPath)
        #expect(program.commandPrefix == [program.hostPath])
        #expect(program.interpreter == nil)
    }

    @Test(.enabled(if: installed("/usr/bin/python3"))) func python3ImageHoldsInterpreterLibrariesAndStdlib() throws {
        let dir = try TemporaryDirectory()
        var plan = ImagePlan()
        plan.programs = [try HostProgram.locate("/usr/bin/python3")]
        plan.config.command = plan.programs[0].commandPrefix + ["-c", "print(42)"]
        var notes: [String] = []
        let spec = try plan.makeSpec { notes.append($0) }
        let built = try ImageCache(directory: dir.path + "/cache").image(for: spec, name: nil, source: "python3")
        let image = try ImageInspector(path: built.path)
        let tree = try image.tree()
        let paths = Set(tree.map(\.path))

        // The program under the name it was given, with the contents of what the link points to.
        let real = HostPath.resolved("/usr/bin/python3")
        let node = tree.first { $0.path == "/usr/bin/python3" }
        #expect(node?.type == .regular)
        #expect(node?.size == UInt64(FileInfo(real)!.size))
        #expect(node.map { $0.permissions & 0o111 != 0 } == true)
        // Its loader and libraries.
        #expect(paths.contains("/lib64/ld-linux-x86-64.so.2"))
        #expect(paths.contains { $0.hasSuffix("/libc.so.6") })
        #expect(paths.contains { $0.hasSuffix("/libm.so.6") })
        #expect(paths.contains("/etc/ld.so.cache"))
        // The standard library, found from the version in the resolved name (python3 → python3.11).
        let version = URL(fileURLWithPath: real).lastPathComponent.dropFirst("python".count)
        let stdlib = "/usr/lib/python\(version)"
        #expect(paths.contains(stdlib + "/os.py"))
        #expect(paths.contains(stdlib + "/encodings/utf_8.py"))
        #expect(paths.contains(stdlib + "/json/__init__.py"))
        #expect(!paths.contains(stdlib + "/test"))  // the test suite is left out
        #expect(notes.contains { $0.hasPrefix("added python data \(stdlib)") })
        // C extension modules bring their own libraries (_ssl → libssl).
        if paths.contains(where: { $0.hasPrefix(stdlib + "/lib-dynload/_ssl.") }) {
            #expect(paths.contains { $0.contains("/libssl.so") })
        }
        // And the command line to run it.
        #expect(try image.config().command == ["/usr/bin/python3", "-c", "print(42)"])
    }

    @Test(.enabled(if: installed("/usr/bin/python3"))) func interpreterDataCanBeTurnedOff() throws {
        var plan = ImagePlan()
        plan.programs = [try HostProgram.locate("/usr/bin/python3")]
        plan.addsInterpreterData = false
        let spec = try plan.makeSpec()
        #expect(!spec.paths.contains { $0.hasPrefix("/usr/lib/python3") })
    }

    @Test func interpreterTableMatchesNamesAndVersions() throws {
        func entry(_ path: String) -> (String, String?)? {
            InterpreterData.entry(for: HostProgram(hostPath: path)).map { ($0.0.name, $0.1) }
        }
        #expect(entry("/nonexistent/python3.12")! == ("python", "3.12"))
        #expect(entry("/nonexistent/python3")! == ("python", nil))
        #expect(entry("/nonexistent/perl")! == ("perl", nil))
        #expect(entry("/nonexistent/lua5.4")! == ("lua", "5.4"))
        #expect(entry("/nonexistent/tclsh8.6")! == ("tcl", "8.6"))
        #expect(entry("/nonexistent/ruby")! == ("ruby", nil))
        #expect(entry("/nonexistent/ls") == nil)
        #expect(entry("/nonexistent/python2.7") == nil)
        if installed("/usr/bin/python3") {
            // The resolved name carries the version.
            #expect(entry("/usr/bin/python3")?.1 != nil)
        }
    }

    @Test func interpreterDirectoriesFollowTheTemplate() throws {
        let dir = try TemporaryDirectory()
        try dir.write("opt/py/bin/python3.9", "", mode: 0o755)
        try dir.write("opt/py/lib/python3.9/os.py", "")
        _ = try dir.mkdir("opt/py/share/data/5.30.0")
        _ = try dir.mkdir("opt/py/share/data/5.8.1")
        _ = try dir.symlink("opt/py/share/data/5.30", to: "5.30.0")
        let data = InterpreterData(
            name: "test", programPattern: #"^python(?<version>3\.[0-9]+)$"#,
            directories: ["{prefix}/lib/python{version}", "{prefix}/share/data/5.*", "{prefix}/missing"])
        let program = HostProgram(hostPath: dir.path + "/opt/py/bin/python3.9")
        let (found, version) = try #require(InterpreterData.entry(for: program, table: [data]))
        #expect(found.name == "test" && version == "3.9")
        // The newest real version folder (numerically: 5.30.0 > 5.8.1) and the link to it.
        #expect(
            data.directories(for: program, version: version) == [
                dir.path + "/opt/py/lib/python3.9", dir.path + "/opt/py/share/data/5.30", dir.path + "/opt/py/share/data/5.30.0",
            ])
    }

    @Test(.enabled(if: installed("/usr/bin/perl"))) func perlGetsItsModuleFolders() throws {
        var plan = ImagePlan()
        plan.programs = [try HostProgram.locate("/usr/bin/perl")]
        let spec = try plan.makeSpec()
        // perl-base holds strict.pm on Debian; a fuller install has more.
        #expect(spec.paths.contains { $0.hasSuffix("/strict.pm") })
    }
}
