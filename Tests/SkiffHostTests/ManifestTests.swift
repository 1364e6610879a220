import Foundation
import Testing

@testable import SkiffHost

@Suite struct ManifestParsingTests {
    @Test func everySyntaxForm() throws {
        let text = """
            [manifest]
            # a comment
              # an indented comment
            ; an ini-style comment

            /usr/bin/app: build/app
            /etc/config:/with/colon: conf/app.conf
            /usr/share/app/**: assets/**
            /&/etc/hosts: static/&
            /usr/lib/&/libfoo.so.1: out/&
            /etc/mnttab: ->/proc/mounts
            /lib/libbar.so: !lib/libbar.so
            /usr/lib/libgcc_s.so.1: %(gcc_dir)s/libgcc_s.so.1
            /data/%(name)s/**: !%(name)s-data/**
            /tmp: static
            /percent: file%%1
            """
        let m = try Manifest.parse(text, variables: ["gcc_dir": "/usr/lib/gcc", "name": "web"])
        #expect(
            m.entries == [
                .init(guestPath: "/usr/bin/app", source: .host("build/app", resolveSymlinks: true), line: 6),
                .init(guestPath: "/etc/config:/with/colon", source: .host("conf/app.conf", resolveSymlinks: true), line: 7),
                .init(guestPath: "/usr/share/app", source: .tree("assets", resolveSymlinks: true), line: 8),
                .init(guestPath: "/etc/hosts", source: .host("static/etc/hosts", resolveSymlinks: true), line: 9),
                .init(guestPath: "/usr/lib/libfoo.so.1", source: .host("out/libfoo.so.1", resolveSymlinks: true), line: 10),
                .init(guestPath: "/etc/mnttab", source: .symlink(target: "/proc/mounts"), line: 11),
                .init(guestPath: "/lib/libbar.so", source: .host("lib/libbar.so", resolveSymlinks: false), line: 12),
                .init(
                    guestPath: "/usr/lib/libgcc_s.so.1", source: .host("/usr/lib/gcc/libgcc_s.so.1", resolveSymlinks: true),
                    line: 13),
                .init(guestPath: "/data/web", source: .tree("web-data", resolveSymlinks: false), line: 14),
                .init(guestPath: "/tmp", source: .host("static", resolveSymlinks: true), line: 15),
                .init(guestPath: "/percent", source: .host("file%1", resolveSymlinks: true), line: 16),
            ])
    }

    @Test func headerIsOptional() throws {
        let m = try Manifest.parse("/a: b\n")
        #expect(m.entries.count == 1)
    }

    @Test(arguments: [
        ("/a: b\n[manifest]", 2, "must come before the first entry"),
        ("[other]", 1, "unknown section [other]"),
        ("/a b", 1, "expected '/guest/path: host/path'"),
        ("relative: b", 1, "must be absolute"),
        ("/a:", 1, "has no host path"),
        ("/a: ->", 1, "has no target"),
        ("/a: !", 1, "has no host path after '!'"),
        ("/a/**: b", 1, "both sides of a tree entry must end in /**"),
        ("/a: b/**", 1, "both sides of a tree entry must end in /**"),
        ("/a/**: ->/x/**", 1, "a symlink cannot be a tree"),
        ("/&/a: b", 1, "host path must end in &"),
        ("/x: b/&", 1, "needs /&/ in the guest path"),
        ("/&/: b/&", 1, "nothing follows /&/"),
        ("# c\n\n/a: %(missing)s/x", 3, "unknown variable %(missing)s: define it with -D missing=VALUE"),
        ("/a: 50%", 1, "a lone % must be written %%"),
    ])
    func errorsNameTheFileAndLine(text: String, line: Int, fragment: String) {
        let error = skiffError { _ = try Manifest.parse(text, fileName: "app/usr.manifest") }
        #expect(error?.message.hasPrefix("app/usr.manifest:\(line): ") == true, "\(String(describing: error))")
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
        #expect(error?.exitStatus == ExitStatus.badInput)
    }
}

@Suite struct ManifestExpansionTests {
    @Test func filesDirectoriesTreesLinksAndSymlinkResolution() throws {
        let dir = try TemporaryDirectory()
        try dir.write("build/app", "binary", mode: 0o755)
        try dir.write("assets/css/site.css", "body{}")
        try dir.write("assets/index.html", "<html>")
        _ = try dir.symlink("assets/latest.html", to: "index.html")
        _ = try dir.symlink("assets/dangling", to: "nowhere")
        _ = try dir.mkdir("assets/empty")
        _ = try dir.mkdir("static")
        try dir.write("static/etc/hosts", "127.0.0.1 localhost")
        try dir.write("lib/libbar.so.1", "lib")
        _ = try dir.symlink("lib/libbar.so", to: "libbar.so.1")
        let manifest = try Manifest.parse(
            """
            [manifest]
            /usr/bin/app: build/app
            /srv/**: assets/**
            /&/etc/hosts: static/&
            /etc/mnttab: ->/proc/mounts
            /lib/libbar.so: !lib/libbar.so
            /lib/libbar-copy.so: lib/libbar.so
            /tmp: static
            """)
        var spec = ImageSpec()
        try ManifestExpander(baseDirectory: dir.path).expand(manifest, into: &spec)
        #expect(spec["/usr/bin/app"] == .file(hostPath: dir.path + "/build/app", mode: nil))
        #expect(spec["/srv"] == .directory)
        #expect(spec["/srv/css"] == .directory)
        #expect(spec["/srv/empty"] == .directory)
        #expect(spec["/srv/css/site.css"] == .file(hostPath: dir.path + "/assets/css/site.css", mode: nil))
        // A symlink to a file in a tree is copied as the file; a dangling one stays a symlink.
        #expect(spec["/srv/latest.html"] == .file(hostPath: dir.path + "/assets/index.html", mode: nil))
        #expect(spec["/srv/dangling"] == .symlink(target: "nowhere"))
        #expect(spec["/etc/hosts"] == .file(hostPath: dir.path + "/static/etc/hosts", mode: nil))
        #expect(spec["/etc/mnttab"] == .symlink(target: "/proc/mounts"))
        #expect(spec["/lib/libbar.so"] == .symlink(target: "libbar.so.1"))
        #expect(spec["/lib/libbar-copy.so"] == .file(hostPath: dir.path + "/lib/libbar.so.1", mode: nil))
        #expect(spec["/tmp"] == .directory)
    }

    @Test func laterEntriesReplaceEarlierOnes() throws {
        let dir = try TemporaryDirectory()
        try dir.write("one", "1")
        try dir.write("two", "2")
        var spec = ImageSpec()
        try ManifestExpander(baseDirectory: dir.path).expand(try Manifest.parse("/f: one\n/f: two\n"), into: &spec)
        #expect(spec["/f"] == .file(hostPath: dir.path + "/two", mode: nil))
        #expect(spec.entries.count == 1)
    }

    @Test func missingHostPathsNameTheLine() throws {
        let dir = try TemporaryDirectory()
        let m = try Manifest.parse("[manifest]\n/a: nothere\n", fileName: "usr.manifest")
        var spec = ImageSpec()
        let error = skiffError { try ManifestExpander(baseDirectory: dir.path).expand(m, into: &spec) }
        #expect(
            error?.message.hasPrefix("usr.manifest:2: \(dir.path)/nothere does not exist on the host") == true,
            "\(String(describing: error))")
        #expect(error?.exitStatus == ExitStatus.missingInput)

        try dir.write("file", "x")
        let tree = try Manifest.parse("/t/**: file/**\n")
        let treeError = skiffError { try ManifestExpander(baseDirectory: dir.path).expand(tree, into: &spec) }
        #expect(treeError?.message.contains("is not a directory, so it cannot be copied with /**") == true)
    }

    @Test func treeExclusionsAreRelativePaths() throws {
        let dir = try TemporaryDirectory()
        try dir.write("lib/test/a.py", "")
        try dir.write("lib/pkg/test/b.py", "")
        try dir.write("lib/pkg/c.py", "")
        var spec = ImageSpec()
        try ManifestExpander.addTree(
            host: dir.path + "/lib", guest: "/lib", resolveSymlinks: true, exclude: ["test"], into: &spec)
        #expect(spec["/lib/test"] == nil)
        #expect(spec["/lib/pkg/test/b.py"] != nil)
        #expect(spec["/lib/pkg/c.py"] != nil)
    }
}
