import Foundation
import Testing

@testable import SkiffHost

/// The resolver searches where glibc's ld.so searches, in its order (`LibraryResolver`'s
/// comment): synthetic libraries laid out so that each rule decides which copy is taken, then
/// the same layouts compiled and run under the host's real loader, and ld.so.conf read against
/// the real ldconfig.
@Suite struct LibrarySearchOrderTests {
    /// A resolver that sees only the test's folders: `etc/ld.so.conf` and the system folder `sys`.
    func makeResolver(_ dir: TemporaryDirectory, libraryPath: [String] = []) -> LibraryResolver {
        LibraryResolver(
            ldSoConf: dir.path + "/etc/ld.so.conf", systemDirectories: [dir.path + "/sys"], libraryPath: libraryPath)
    }

    /// Where each library of the closure was taken from, by file name.
    func origins(_ files: [ImageSpec.File]) -> [String: String] {
        var result: [String: String] = [:]
        for f in files.dropFirst() { result[URL(fileURLWithPath: f.guestPath).lastPathComponent] = f.hostPath }
        return result
    }

    @Test func rpathIsInheritedFromTheObjectsAboveInTheChain() throws {
        let dir = try TemporaryDirectory()
        let prog = try dir.writeELF("app/bin/prog", SyntheticELF(needed: ["liba.so"], rpath: "$ORIGIN/../lib"))
        try dir.writeELF("app/lib/liba.so", SyntheticELF(needed: ["libb.so"]))
        try dir.writeELF("app/lib/libb.so", SyntheticELF(needed: ["libc3.so"]))
        try dir.writeLeafLibraries(["app/lib/libc3.so", "sys/libb.so", "sys/libc3.so"])
        // liba.so has no paths of its own: the program's DT_RPATH finds libb.so (and, two levels
        // down, libc3.so) before the system folder does.
        let found = origins(try makeResolver(dir).closure(of: prog))
        #expect(found["libb.so"] == dir.path + "/app/lib/libb.so")
        #expect(found["libc3.so"] == dir.path + "/app/lib/libc3.so")
    }

    @Test func runpathTurnsTheInheritedRpathOff() throws {
        let dir = try TemporaryDirectory()
        let prog = try dir.writeELF("app/bin/prog", SyntheticELF(needed: ["liba.so"], rpath: "$ORIGIN/../lib"))
        try dir.writeELF("app/lib/liba.so", SyntheticELF(needed: ["libb.so"], runpath: "$ORIGIN/../empty"))
        try dir.writeELF("app/lib/libb.so", SyntheticELF())
        // With its own DT_RUNPATH, liba.so gets nothing from the program's DT_RPATH.
        let error = skiffError { _ = try makeResolver(dir).closure(of: prog) }
        #expect(
            error?.message
                == "\(prog) needs the library libb.so, which is not on this machine: install the package that has it (apt-file search libb.so)"
        )
        try dir.writeELF("sys/libb.so", SyntheticELF())
        #expect(origins(try makeResolver(dir).closure(of: prog))["libb.so"] == dir.path + "/sys/libb.so")
    }

    @Test func theChainContinuesThroughAnObjectWithRunpath() throws {
        let dir = try TemporaryDirectory()
        let prog = try dir.writeELF("p/prog", SyntheticELF(needed: ["liba.so"], rpath: dir.path + "/p"))
        // liba.so has DT_RUNPATH (x) and a DT_RPATH (q) that ld.so ignores because of it.
        try dir.writeELF("p/liba.so", SyntheticELF(needed: ["libb.so"], rpath: dir.path + "/q", runpath: dir.path + "/x"))
        try dir.writeELF("q/libb.so", SyntheticELF())
        try dir.writeELF("x/libb.so", SyntheticELF(needed: ["libc3.so", "libd.so"]))
        // libb.so (no paths) was loaded by liba.so, loaded by the program: the program's DT_RPATH
        // (p) counts, liba.so's DT_RUNPATH (x) is its own, and its DT_RPATH (q) counts nowhere.
        try dir.writeLeafLibraries(["p/libc3.so", "x/libc3.so", "q/libd.so", "sys/libd.so"])
        let found = origins(try makeResolver(dir).closure(of: prog))
        #expect(found["libb.so"] == dir.path + "/x/libb.so")
        #expect(found["libc3.so"] == dir.path + "/p/libc3.so")
        #expect(found["libd.so"] == dir.path + "/sys/libd.so")
    }

    @Test func aLibraryIsSearchedForWithThePathsOfTheFirstObjectThatNeedsIt() throws {
        let dir = try TemporaryDirectory()
        // Breadth first, as ld.so loads: the program's own DT_NEEDED entries come before those
        // of its libraries, so the program's DT_RUNPATH finds libc3.so, although liba.so is
        // loaded first, needs it too, and has a DT_RUNPATH that would find the other copy.
        let prog = try dir.writeELF("p/prog", SyntheticELF(needed: ["liba.so", "libc3.so"], runpath: dir.path + "/p"))
        try dir.writeELF("p/liba.so", SyntheticELF(needed: ["libc3.so"], runpath: dir.path + "/x"))
        try dir.writeLeafLibraries(["p/libc3.so", "x/libc3.so"])
        let files = try makeResolver(dir).closure(of: prog)
        #expect(files.map(\.hostPath) == [prog, dir.path + "/p/liba.so", dir.path + "/p/libc3.so"])
    }

    @Test func searchOrderMatchesGlibc() throws {
        let dir = try TemporaryDirectory()
        try dir.write("etc/ld.so.conf", "/conf/one\n/conf/two\n")
        let resolver = makeResolver(dir, libraryPath: ["/env/one", "/env/two"])
        func object(rpath: [String] = [], runpath: [String]? = nil) -> LibraryResolver.ObjectInfo {
            LibraryResolver.ObjectInfo(path: "/x", interpreter: nil, needed: [], rpath: rpath, runpath: runpath)
        }
        let program = object(rpath: ["/prog/rpath"])
        let library = object(rpath: ["/lib/rpath"])
        let withRunpath = object(rpath: ["/ignored/rpath"], runpath: ["/mid/runpath"])
        let tail = ["/env/one", "/env/two"]
        let system = ["/conf/one", "/conf/two", dir.path + "/sys"]
        // The requester's DT_RPATH and those of the objects that loaded it, LD_LIBRARY_PATH, no
        // DT_RUNPATH, ld.so.conf, the system folders.
        #expect(resolver.searchDirectories(for: [library, withRunpath, program]) == ["/lib/rpath", "/prog/rpath"] + tail + system)
        // An empty DT_RUNPATH still turns DT_RPATH off, the requester's and the chain's.
        #expect(resolver.searchDirectories(for: [object(rpath: ["/own"], runpath: []), program]) == tail + system)
        // With DT_RUNPATH: LD_LIBRARY_PATH first, then the requester's DT_RUNPATH.
        #expect(resolver.searchDirectories(for: [withRunpath, program]) == tail + ["/mid/runpath"] + system)
        #expect(resolver.searchDirectories(for: [program]) == ["/prog/rpath"] + tail + system)
    }

    @Test func aModuleSearchesTheRpathOfTheProgramThatOpensIt() throws {
        let dir = try TemporaryDirectory()
        let python = try dir.writeELF("opt/py/bin/python", SyntheticELF(rpath: "$ORIGIN/../lib"))
        let module = try dir.writeELF("opt/py/modules/_ext.so", SyntheticELF(needed: ["libext.so"]))
        try dir.writeLeafLibraries(["opt/py/lib/libext.so", "sys/libext.so"])
        let resolver = makeResolver(dir)
        #expect(origins(try resolver.closure(of: module, loadedBy: python))["libext.so"] == dir.path + "/opt/py/lib/libext.so")
        #expect(origins(try resolver.closure(of: module))["libext.so"] == dir.path + "/sys/libext.so")
        // A module with DT_RUNPATH does not look at the program's DT_RPATH.
        let withRunpath = try dir.writeELF("opt/py/modules/_run.so", SyntheticELF(needed: ["libext.so"], runpath: "/nowhere"))
        #expect(origins(try resolver.closure(of: withRunpath, loadedBy: python))["libext.so"] == dir.path + "/sys/libext.so")
    }

    @Test func ldSoConfFoldersComeBeforeTheSystemFoldersAndInOrder() throws {
        let dir = try TemporaryDirectory()
        try dir.write("etc/ld.so.conf", "\(dir.path)/second\n\(dir.path)/first\n")
        try dir.writeLeafLibraries(["sys/libdup.so.1", "first/libdup.so.1", "second/libdup.so.1"])
        // A 32-bit library of the same name is skipped, as ld.so skips it.
        try dir.writeELF("second/libdup.so.2", SyntheticELF(elfClass: 1))
        try dir.writeELF("first/libdup.so.2", SyntheticELF())
        let prog = try dir.writeELF("bin/prog", SyntheticELF(needed: ["libdup.so.1", "libdup.so.2"]))
        let found = origins(try makeResolver(dir).closure(of: prog))
        #expect(found["libdup.so.1"] == dir.path + "/second/libdup.so.1")
        #expect(found["libdup.so.2"] == dir.path + "/first/libdup.so.2")
    }

    @Test func ldSoConfIsReadAsLdconfigReadsIt() throws {
        let dir = try TemporaryDirectory()
        let d = dir.path
        try dir.write(
            "etc/ld.so.conf",
            """
            # a comment
            \(d)/b/
            include conf.d/*.conf
            hwcap 0 nosegneg
              include \(d)/other.conf   # absolute
            \(d)/a\t# again
            """)
        try dir.write("etc/conf.d/b.conf", "\(d)/c\n\(d)/b\n")
        try dir.write("etc/conf.d/a.conf", "\(d)/a\n")
        try dir.write("etc/conf.d/notes.txt", "\(d)/never\n")
        try dir.write("other.conf", "\(d)/d\n")
        // Lines in order, includes where they stand (matches sorted), a folder's first mention.
        #expect(LdSoConf.directories(d + "/etc/ld.so.conf") == [d + "/b", d + "/a", d + "/c", d + "/d"])
        #expect(LdSoConf.directories(d + "/etc/missing.conf") == [])
    }

    /// The order `ldconfig -p` lists a name's entries in is the order ld.so's cache lookup
    /// tries them; the resolver must prefer the same folder.
    @Test func ldSoConfOrderAgreesWithLdconfig() throws {
        let dir = try TemporaryDirectory()
        let d = dir.path
        let ldconfig = try #require(
            ["/sbin/ldconfig", "/usr/sbin/ldconfig"].first(where: installed),
            "ldconfig (Debian's libc-bin) is missing: the cache order cannot be checked")
        try dir.write("etc/ld.so.conf", "\(d)/z\ninclude \(d)/etc/conf.d/*.conf\n\(d)/a\n")
        try dir.write("etc/conf.d/2.conf", "\(d)/m\n")
        try dir.write("etc/conf.d/1.conf", "\(d)/y\n\(d)/z\n")
        for folder in ["a", "m", "y", "z"] {
            try dir.writeELF("\(folder)/libskiffdup.so.1", SyntheticELF(soname: "libskiffdup.so.1"), mode: 0o644)
        }
        let run = try Subprocess(ldconfig, ["-X", "-f", d + "/etc/ld.so.conf", "-C", d + "/ld.so.cache"]).run()
        #expect(run.status == 0, "ldconfig: \(run.errorText)")
        let listing = try Subprocess(ldconfig, ["-p", "-C", d + "/ld.so.cache"]).run().outputText
        let cacheOrder = listing.split(separator: "\n").filter { $0.contains("libskiffdup.so.1 (") }.compactMap {
            $0.components(separatedBy: " => ").last.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
        }
        #expect(cacheOrder == [d + "/z", d + "/y", d + "/m", d + "/a"])
        #expect(makeResolver(dir).cacheDirectories == cacheOrder)
        let prog = try dir.writeELF("bin/prog", SyntheticELF(needed: ["libskiffdup.so.1"]))
        #expect(origins(try makeResolver(dir).closure(of: prog))["libskiffdup.so.1"] == d + "/z/libskiffdup.so.1")
    }

    @Test func libraryPathComesFromTheImageEnvironment() throws {
        #expect(
            LibraryResolver.libraryPath(environment: ["A=1", "LD_LIBRARY_PATH=/old", "LD_LIBRARY_PATH=/x:/y;/z::", "B=2"])
                == ["/x", "/y", "/z"])
        #expect(LibraryResolver.libraryPath(environment: ["LD_LIBRARY_PATHS=/no"]) == [])

        let dir = try TemporaryDirectory()
        let prog = try dir.writeELF("bin/prog", SyntheticELF(needed: ["libskiffllp.so"]))
        let library = try dir.writeELF("llp/libskiffllp.so", SyntheticELF())
        var plan = ImagePlan()
        plan.programs = [try HostProgram.locate(prog)]
        let error = skiffError { _ = try plan.makeSpec() }
        #expect(error?.message.hasPrefix("\(prog) needs the library libskiffllp.so") == true)
        plan.config.environment = ["LD_LIBRARY_PATH=\(dir.path)/llp"]
        let spec = try plan.makeSpec()
        #expect(spec[DefaultGuestPath.visible(library)] == .file(hostPath: library, mode: nil))
    }

    /// Two of the layouts above compiled and run: the host's loader loads the copy the resolver
    /// picks (each copy of the last library says which folder it is in).
    @Test func theHostLoaderLoadsWhatTheResolverPicks() throws {
        let gcc = try #require(Subprocess.find("gcc"), "gcc is missing: run 'make deps'")
        let dir = try TemporaryDirectory()
        let d = dir.path
        // What to build, in order: the file, the library it links (FOLDER/NAME for -LFOLDER
        // -lNAME), and its path flags. A program prints where(), which it finds with dlsym in
        // whichever copy was loaded; a library without a dependency defines where().
        let builds: [(output: String, links: String?, flags: [String])] = [
            // bin/chain (DT_RPATH p) → p/liba (DT_RUNPATH x) → x/libb → libc3, in p and in x.
            ("p/libskiffc3.so", nil, []),
            ("x/libskiffc3.so", nil, []),
            ("x/libskiffb.so", "p/skiffc3", []),
            ("p/libskiffa.so", "x/skiffb", ["-Wl,--enable-new-dtags,-rpath,\(d)/x"]),
            ("bin/chain", "p/skiffa", ["-Wl,--disable-new-dtags,-rpath,\(d)/p", "-Wl,-rpath-link,\(d)/x:\(d)/p"]),
            // Inheritance alone: bin/inherit (DT_RPATH q) → q/libmid (no paths) → q/libleaf.
            ("q/libskiffleaf.so", nil, []),
            ("q/libskiffmid.so", "q/skiffleaf", []),
            ("bin/inherit", "q/skiffmid", ["-Wl,--disable-new-dtags,-rpath,$ORIGIN/../q"]),
        ]
        for (output, links, flags) in builds {
            let folder = String(output.prefix { $0 != "/" })
            let isProgram = folder == "bin"
            let source =
                isProgram
                ? "#define _GNU_SOURCE\n#include <dlfcn.h>\n#include <stdio.h>\nint main(void) {\n"
                    + "  const char *(*where)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, \"where\");\n"
                    + "  puts(where ? where() : \"none\");\n  return 0;\n}\n"
                : links == nil ? "const char *where(void) { return \"\(folder)\"; }\n" : "int skiff_filler;\n"
            let file = try dir.write("src/" + output.replacingOccurrences(of: "/", with: "_") + ".c", source)
            _ = try dir.mkdir(folder)
            var arguments = ["-o", d + "/" + output, file, "-Wl,--no-as-needed"] + (isProgram ? [] : ["-shared", "-fPIC"])
            if let links {
                let parts = links.split(separator: "/")
                arguments += ["-L\(d)/\(parts[0])", "-l\(parts[1])"]
            }
            let result = try Subprocess(gcc, arguments + flags).run()
            try #require(result.status == 0, "gcc \(output): \(result.errorText)")
        }
        for (program, library, folder) in [("chain", "libskiffc3.so", "p"), ("inherit", "libskiffleaf.so", "q")] {
            let ran = try Subprocess(d + "/bin/" + program, []).run()
            #expect(ran.status == 0, "\(program): \(ran.errorText)")
            #expect(ran.outputText == folder + "\n", "the host's ld.so loaded the copy in \(ran.outputText)")
            let found = origins(try LibraryResolver().closure(of: d + "/bin/" + program))
            #expect(found[library] == d + "/" + folder + "/" + library)
        }
    }
}
