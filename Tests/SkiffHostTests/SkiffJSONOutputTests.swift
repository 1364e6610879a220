import Foundation
import Testing

@testable import SkiffHost

/// `--json` of every command that has it: one JSON value on standard output, parsed here, with
/// the fields docs/cli.md lists and the values of what was done. (`skiff run --json` is in
/// `SkiffRunCommandTests`, which needs a stand-in for QEMU.)
@Suite struct SkiffJSONOutputTests {
    static func date(_ value: Any?) -> Date? {
        (value as? String).flatMap { ImageCache.dateFormatter.date(from: $0) }
    }

    @Test func buildReportsTheImageAndWhetherItWasCached() throws {
        let project = try SampleProject()
        let first = try project.buildManifest(["--json", "-o", "copy.img"])
        #expect(first.status == 0 && first.standardError == "", "\(first)")
        let built = try first.jsonObject()
        #expect(Set(built.keys) == ["image", "key", "name", "size", "files", "cacheHit", "seconds", "output"])
        let image = try #require(built["image"] as? String)
        #expect(image.hasPrefix(project.cache + "/") && FileInfo(image) != nil)
        #expect(built["key"] as? String == SampleProject.key(ofImage: image))
        #expect((built["key"] as? String)?.count == 64)
        #expect(built["name"] as? String == "demo")
        #expect(built["size"] as? Int == FileInfo(image).map { Int($0.size) })
        #expect(built["files"] as? Int == 4)
        #expect(built["cacheHit"] as? Bool == false)
        #expect((built["seconds"] as? Double).map { $0 >= 0 } == true)
        #expect(built["output"] as? String == "copy.img")
        #expect(FileManager.default.contents(atPath: project.path + "/copy.img") == FileManager.default.contents(atPath: image))

        let second = try project.buildManifest(["--json"]).jsonObject()
        #expect(Set(second.keys) == ["image", "key", "name", "size", "files", "cacheHit", "seconds"])
        #expect(second["cacheHit"] as? Bool == true)
        #expect(second["image"] as? String == image && second["key"] as? String == built["key"] as? String)
    }

    @Test func imagesListsEveryCachedImage() throws {
        let project = try SampleProject()
        #expect(try project.run(["images", "--json"]).json() as? [Any] != nil)
        #expect((try project.run(["images", "--json"]).json() as? [Any])?.isEmpty == true)
        let image = try project.imagePath(printedBy: try project.run(["build"]))
        let list = try project.run(["images", "--json"])
        #expect(list.status == 0 && list.standardError == "", "\(list)")
        let entries = try #require(try list.json() as? [[String: Any]])
        let entry = try #require(entries.first)
        #expect(entries.count == 1)
        #expect(
            Set(entry.keys) == [
                "key", "names", "source", "path", "size", "files", "created", "lastUsed", "command", "environment", "memoryMiB",
                "cpus",
            ])
        #expect(entry["key"] as? String == SampleProject.key(ofImage: image))
        #expect(entry["names"] as? [String] == ["web"])
        #expect(entry["source"] as? String == project.path + "/Skiff.toml")
        #expect(entry["path"] as? String == image)
        #expect(entry["size"] as? Int == FileInfo(image).map { Int($0.size) })
        #expect(entry["files"] as? Int == 5)
        #expect(entry["command"] as? [String] == ["/app/run.sh", "--port", "8080"])
        #expect(entry["environment"] as? [String] == ["GREETING=hello world"])
        #expect(entry["memoryMiB"] as? Int == 512)
        #expect(entry["cpus"] as? Int == 2)
        let created = try #require(Self.date(entry["created"]), "created: \(entry["created"] ?? "nil")")
        let lastUsed = try #require(Self.date(entry["lastUsed"]), "lastUsed: \(entry["lastUsed"] ?? "nil")")
        #expect(created <= lastUsed && abs(created.timeIntervalSinceNow) < 600)
    }

    @Test func inspectGivesTheConfigurationAndTheTree() throws {
        let project = try SampleProject()
        let image = try project.imagePath(printedBy: try project.run(["build"]))
        let inspect = try project.run(["images", "inspect", "web", "--json"])
        #expect(inspect.status == 0 && inspect.standardError == "", "\(inspect)")
        let object = try inspect.jsonObject()
        #expect(Set(object.keys) == ["image", "config", "files", "cache"])
        #expect(object["image"] as? String == image)
        let config = try #require(object["config"] as? [String: Any])
        #expect(Set(config.keys) == ["command", "environment", "cwd", "memoryMiB", "cpus", "bootOptions"])
        #expect(config["command"] as? [String] == ["/app/run.sh", "--port", "8080"])
        #expect(config["environment"] as? [String] == ["GREETING=hello world"])
        #expect(config["cwd"] as? String == "/app")
        #expect(config["memoryMiB"] as? Int == 512 && config["cpus"] as? Int == 2)
        #expect(config["bootOptions"] as? [String] == ["--bootchart"])
        let files = try #require(object["files"] as? [[String: Any]])
        #expect(files.count == (try ImageInspector(path: image).tree().count))
        func node(_ path: String) -> [String: Any]? { files.first { $0["path"] as? String == path } }
        let script = try #require(node("/app/run.sh"))
        #expect(Set(script.keys) == ["path", "type", "mode", "size"])
        #expect(script["type"] as? String == "regular" && script["mode"] as? String == "755" && script["size"] as? Int == 18)
        #expect(node("/app/extra.txt")?["size"] as? Int == 6)
        let link = try #require(node("/etc/mnttab"))
        #expect(link["type"] as? String == "symlink" && link["target"] as? String == "/proc/mounts")
        #expect(node("/app/assets/sub")?["type"] as? String == "directory")
        let cache = try #require(object["cache"] as? [String: Any])
        #expect(cache["key"] as? String == SampleProject.key(ofImage: image) && cache["names"] as? [String] == ["web"])

        // An image file outside the cache has no cache record.
        try FileManager.default.copyItem(atPath: image, toPath: project.path + "/web.img")
        let file = try project.run(["images", "inspect", "web.img", "--json"]).jsonObject()
        #expect(Set(file.keys) == ["image", "config", "files"])
        #expect(file["image"] as? String == project.path + "/web.img")
    }

    @Test func pruneNamesWhatItRemoved() throws {
        let project = try SampleProject()
        let old = try project.imagePath(printedBy: try project.run(["build", "-q"]))
        try project.dir.write("extra.txt", "extra, changed\n")
        let current = try project.imagePath(printedBy: try project.run(["build", "-q"]))
        let oldSize = try #require(FileInfo(old)).size
        let prune = try project.run(["images", "prune", "--json"])
        #expect(prune.status == 0 && prune.standardError == "", "\(prune)")
        let object = try prune.jsonObject()
        #expect(Set(object.keys) == ["removed", "bytes"])
        #expect(object["removed"] as? [String] == [SampleProject.key(ofImage: old)])
        #expect(object["bytes"] as? Int == Int(oldSize))
        #expect(FileInfo(old) == nil && FileInfo(current) != nil)
        let again = try project.run(["images", "prune", "--json"]).jsonObject()
        #expect(again["removed"] as? [String] == [] && again["bytes"] as? Int == 0)
    }

    @Test func convertReportsTheFileWritten() throws {
        let project = try SampleProject()
        _ = try project.run(["build", "-q"])
        let convert = try project.run(["convert", "web", "-o", "web.raw", "--json"])
        #expect(convert.status == 0 && convert.standardError == "", "\(convert)")
        let object = try convert.jsonObject()
        #expect(Set(object.keys) == ["output", "format", "size"])
        #expect(object["output"] as? String == project.path + "/web.raw")
        #expect(object["format"] as? String == "raw")
        #expect(object["size"] as? Int == FileInfo(project.path + "/web.raw").map { Int($0.size) })
    }

    /// A failure is `{"error", "exitStatus"}` on standard output as well as the line on standard
    /// error, with the exit status it names.
    @Test func failuresAreJSONToo() throws {
        let project = try SampleProject()
        try project.dir.write("bad.img", "SKIFFIMG" + String(repeating: "x", count: 5000))
        let cases: [(arguments: [String], status: Int32)] = [
            (["build", "--json", "--program", "no-such-program-for-skiff"], ExitStatus.notFound),
            (["images", "inspect", "--json", "bad.img"], ExitStatus.badInput),
            (["images", "inspect", "--json", "no-such-image"], ExitStatus.missingInput),
            (["convert", "--json", "bad.img", "-o", "out.raw"], ExitStatus.badInput),
            (["run", "--json", "--kernel", "/nonexistent/kernel", "no-such-program-for-skiff"], ExitStatus.notFound),
        ]
        for (arguments, status) in cases {
            let output = try project.run(arguments)
            #expect(output.status == status, "skiff \(arguments.joined(separator: " ")): \(output)")
            let object = try output.jsonObject()
            #expect(Set(object.keys) == ["error", "exitStatus"])
            #expect(object["exitStatus"] as? Int == Int(status))
            let message = try #require(object["error"] as? String)
            #expect(output.standardError == "skiff: \(message)\n", "skiff \(arguments.joined(separator: " "))")
        }
    }
}
