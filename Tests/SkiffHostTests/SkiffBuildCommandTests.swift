import Foundation
import Testing

@testable import SkiffHost

/// `skiff build` and `skiff images` as a user runs them: the built binary in a project folder,
/// its exact output, and the cache it leaves.
@Suite struct SkiffBuildCommandTests {
    @Test func manifestBuildIsCachedTheSecondTime() throws {
        let project = try SampleProject()
        let first = try project.buildManifest()
        #expect(first.status == 0, "\(first)")
        let image = try project.imagePath(printedBy: first)
        let key = SampleProject.key(ofImage: image)
        let info = try #require(FileInfo(image))
        let size = MemorySize.human(bytes: Int(info.size))
        // Three host files and the generated /etc/skiff/config.
        #expect(first.standardOutput == "demo: \(image) (\(size), 4 files, built)\n")
        #expect(first.errorLines.count == 2, "\(first)")
        #expect(first.errorLines.first == "skiff: building image (3 files from \(project.path)/usr.manifest)")
        #expect(
            first.errorLines.last.map { $0.hasPrefix("skiff: built \(key.prefix(12)) (\(size), 4 files) in ") && $0.hasSuffix(" s") }
                == true)

        // Nothing changed: the same image, not written again, and no progress at all.
        let second = try project.buildManifest()
        #expect(second.status == 0)
        #expect(second.standardOutput == "demo: \(image) (\(size), 4 files, cached)\n")
        #expect(second.standardError == "")
        let again = try #require(FileInfo(image))
        #expect(again.inode == info.inode && again.modificationTime == info.modificationTime)
    }

    @Test func imagesListsAndInspectsTheBuild() throws {
        let project = try SampleProject()
        let image = try project.imagePath(printedBy: try project.buildManifest())
        let key = SampleProject.key(ofImage: image)
        let size = MemorySize.human(bytes: Int(try #require(FileInfo(image)).size))

        let list = try project.run(["images"])
        #expect(list.status == 0 && list.standardError == "", "\(list)")
        let rows = list.standardOutput.split(separator: "\n").map {
            $0.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        #expect(rows.count == 2)
        #expect(rows.first == ["NAME", "KEY", "SIZE", "FILES", "CREATED", "COMMAND"])
        let row = try #require(rows.last)
        #expect(row.count == 6 && Array(row[0..<4]) + [row[5]] == ["demo", String(key.prefix(12)), size, "4", "/app/run.sh"])
        #expect(row.count == 6 && row[4].hasSuffix("s ago"))

        let inspect = try project.run(["images", "inspect", "demo", "--verify"])
        #expect(inspect.status == 0 && inspect.standardError == "", "\(inspect)")
        let lines = inspect.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let tree = try ImageInspector(path: image).tree()
        let regular = tree.filter { $0.type == .regular }
        let data = MemorySize.human(bytes: regular.reduce(0) { $0 + Int($1.size) })
        #expect(
            Array(lines.prefix(12)) == [
                "image:   \(image)",
                "names:   demo",
                "key:     \(key)",
                "source:  \(project.path)/usr.manifest",
                "size:    \(size) (\(regular.count) files, \(data) of data)",
                "verify:  data checksum ok",
                "config:  /etc/skiff/config",
                "  command:     /app/run.sh",
                "  memory:      (default)",
                "  cpus:        (default)",
                "files:",
                "drwxr-xr-x             /",
            ])
        // Every node of the image is one line of the tree: mode, size, path (and a link's target).
        let files = lines.dropFirst(11).filter { !$0.isEmpty }
        #expect(files.count == tree.count)
        func line(_ path: String) -> [String]? {
            files.first { $0.hasSuffix("  " + path) || $0.contains("  " + path + " -> ") }?
                .split(separator: " ").map(String.init)
        }
        #expect(line("/app/run.sh") == ["-rwxr-xr-x", "18", "B", "/app/run.sh"])
        #expect(line("/app/assets/sub/b.txt") == ["-rw-r--r--", "6", "B", "/app/assets/sub/b.txt"])
        #expect(line("/etc/mnttab") == ["lrwxrwxrwx", "/etc/mnttab", "->", "/proc/mounts"])
        #expect(line("/app/assets/sub/") == ["drwxr-xr-x", "/app/assets/sub/"])
    }

    @Test func projectFileBuildsFromTheCurrentFolder() throws {
        let project = try SampleProject()
        let first = try project.run(["build"])
        #expect(first.status == 0, "\(first)")
        let image = try project.imagePath(printedBy: first)
        let size = MemorySize.human(bytes: Int(try #require(FileInfo(image)).size))
        #expect(first.standardOutput == "web: \(image) (\(size), 5 files, built)\n")
        #expect(first.errorLines.first == "skiff: building image (4 files from \(project.path)/Skiff.toml)")
        let second = try project.run(["build", "Skiff.toml"])
        #expect(second.standardOutput == "web: \(image) (\(size), 5 files, cached)\n")
        #expect(second.standardError == "")

        // The project's defaults are in the image.
        let config = try ImageInspector(path: image).config()
        #expect(config.command == ["/app/run.sh", "--port", "8080"])
        #expect(config.environment == ["GREETING=hello world"])
        #expect(config.workingDirectory == "/app")
        #expect(config.memoryMiB == 512 && config.cpus == 2)
        #expect(config.bootOptions == ["--bootchart"])
        #expect(try ImageInspector(path: image).tree().contains { $0.path == "/app/extra.txt" && $0.size == 6 })

        // A changed input makes a new image, which takes the name; the old one keeps no name.
        try project.dir.write("extra.txt", "extra, changed\n")
        let third = try project.run(["build", "-q"])
        #expect(third.status == 0 && third.standardError == "", "\(third)")
        let rebuilt = try project.imagePath(printedBy: third)
        #expect(rebuilt != image)
        #expect(third.standardOutput.hasSuffix(", 5 files, built)\n"))
        let list = try project.run(["images"]).standardOutput.split(separator: "\n")
        #expect(list.count == 3)
        #expect(list.filter { $0.hasPrefix("web ") }.count == 1)
        #expect(list.contains { $0.hasPrefix("web ") && $0.contains(SampleProject.key(ofImage: rebuilt).prefix(12)) })
        #expect(list.contains { $0.hasPrefix("<none> ") && $0.contains(SampleProject.key(ofImage: image).prefix(12)) })
    }
}
