import Foundation
import ImageFS
import Testing

@testable import SkiffHost

@Suite struct ImageCacheKeyTests {
    func spec(_ dir: TemporaryDirectory) -> ImageSpec {
        var spec = ImageSpec()
        spec.set("/app/data", .file(hostPath: dir.path + "/data", mode: nil))
        spec.set("/etc/link", .symlink(target: "/proc/mounts"))
        spec.set("/srv", .directory)
        spec.config.command = ["/app/run"]
        return spec
    }

    @Test func sameInputsSameKey() throws {
        let dir = try TemporaryDirectory()
        try dir.write("data", "hello")
        let key = ImageCache.key(spec(dir))
        #expect(key.count == 64)
        #expect(ImageCache.key(spec(dir)) == key)
        // Insertion order does not matter; the image does not depend on it either.
        var reordered = ImageSpec()
        reordered.set("/srv", .directory)
        reordered.set("/etc/link", .symlink(target: "/proc/mounts"))
        reordered.set("/app/data", .file(hostPath: dir.path + "/data", mode: nil))
        reordered.config.command = ["/app/run"]
        #expect(ImageCache.key(reordered) == key)
    }

    @Test func contentChangeEvenWithTheSameSizeAndMtimeChangesTheKey() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("data", "hello")
        let before = ImageCache.key(spec(dir))
        let mtime = FileInfo(path)!.modificationTime
        usleep(20_000)
        try "HELLO".write(toFile: path, atomically: false, encoding: .utf8)
        // Put the old mtime back, as `touch -r` or a careless copy would: ctime still moves.
        var times = [
            timespec(tv_sec: Int(mtime.seconds), tv_nsec: Int(mtime.nanoseconds)),
            timespec(tv_sec: Int(mtime.seconds), tv_nsec: Int(mtime.nanoseconds)),
        ]
        utimensat(AT_FDCWD, path, &times, 0)
        #expect(FileInfo(path)!.modificationTime == mtime)
        #expect(ImageCache.key(spec(dir)) != before)
    }

    @Test func metadataChangesTheKey() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("data", "hello")
        let before = ImageCache.key(spec(dir))
        usleep(20_000)
        chmod(path, 0o600)
        let afterChmod = ImageCache.key(spec(dir))
        #expect(afterChmod != before)
        usleep(20_000)
        var times = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
        utimensat(AT_FDCWD, path, &times, 0)
        #expect(ImageCache.key(spec(dir)) != afterChmod)
    }

    @Test func everyKindOfInputIsPartOfTheKey() throws {
        let dir = try TemporaryDirectory()
        try dir.write("data", "hello")
        try dir.write("other", "hello")
        let base = spec(dir)
        let key = ImageCache.key(base)
        var changes: [ImageSpec] = []
        var s = base
        s.config.command = ["/app/run", "x"]
        changes.append(s)
        s = base
        s.config.memoryMiB = 512
        changes.append(s)
        s = base
        s.config.environment = ["A=1"]
        changes.append(s)
        s = base
        s.set("/etc/link", .symlink(target: "/proc/self/mounts"))
        changes.append(s)
        s = base
        s.set("/srv2", .directory)
        changes.append(s)
        s = base
        s.set("/app/data", .file(hostPath: dir.path + "/other", mode: nil))
        changes.append(s)
        s = base
        s.set("/app/data", .file(hostPath: dir.path + "/data", mode: 0o755))
        changes.append(s)
        s = base
        s.set("/gen", .contents([1, 2, 3], mode: 0o644))
        changes.append(s)
        let keys = changes.map(ImageCache.key)
        #expect(!keys.contains(key))
        #expect(Set(keys).count == keys.count)
    }
}

@Suite struct ImageCacheTests {
    func plan(_ dir: TemporaryDirectory) throws -> ImageSpec {
        try dir.write("app/hello.txt", "hello")
        var plan = ImagePlan()
        plan.directories = [.init(hostPath: dir.path + "/app", guestPath: "/app")]
        plan.config = ImageConfig(command: ["/app/run"], memoryMiB: 128)
        return try plan.makeSpec()
    }

    @Test func secondBuildIsACacheHitAndTheImageHoldsTheConfig() throws {
        let dir = try TemporaryDirectory()
        let cache = ImageCache(directory: dir.path + "/cache")
        let spec = try plan(dir)
        let first = try cache.image(for: spec, name: "hello", source: "test")
        #expect(!first.cacheHit)
        #expect(first.path.hasPrefix(dir.path + "/cache/"))
        let modified = FileInfo(first.path)!.modificationTime
        let second = try cache.image(for: spec, name: "hello", source: "test")
        #expect(second.cacheHit)
        #expect(second.path == first.path)
        #expect(FileInfo(first.path)!.modificationTime == modified)

        let inspector = try ImageInspector(path: first.path)
        #expect(try inspector.config() == ImageConfig(command: ["/app/run"], memoryMiB: 128))
        #expect(try inspector.contents(of: "/app/hello.txt") == Array("hello".utf8))
        #expect(try inspector.tree().contains { $0.path == "/etc/skiff/config" && $0.type == .regular })
    }

    @Test func namesMoveToTheNewestBuildAndPruneRemovesUnnamed() throws {
        let dir = try TemporaryDirectory()
        let cache = ImageCache(directory: dir.path + "/cache")
        var spec = try plan(dir)
        let old = try cache.image(for: spec, name: "app", source: "test")
        spec.config.cpus = 2
        let new = try cache.image(for: spec, name: "app", source: "test")
        #expect(old.entry.key != new.entry.key)
        #expect(try cache.find("app")?.key == new.entry.key)
        #expect(try cache.find(String(old.entry.key.prefix(8)))?.key == old.entry.key)
        #expect(try cache.find("nope") == nil)
        #expect(cache.list().count == 2)
        #expect(cache.list().first { $0.key == old.entry.key }?.names == [])

        spec.config.cpus = 3
        _ = try cache.image(for: spec, name: nil, source: "run")
        try "junk".write(toFile: dir.path + "/cache/abc.img.tmp-1", atomically: false, encoding: .utf8)
        let removed = try cache.prune(all: false)
        #expect(Set(removed.map(\.key)).count == 2)
        #expect(cache.list().map(\.key) == [new.entry.key])
        #expect(FileInfo(dir.path + "/cache/abc.img.tmp-1") == nil)
        #expect(try cache.prune(all: true).count == 1)
        #expect(cache.list().isEmpty)
    }

    @Test func ambiguousKeyPrefixIsAnError() throws {
        let dir = try TemporaryDirectory()
        let cache = ImageCache(directory: dir.path + "/cache")
        try cache.createDirectory()
        for key in ["abcd" + String(repeating: "1", count: 60), "abcd" + String(repeating: "2", count: 60)] {
            try "x".write(toFile: cache.imagePath(key: key), atomically: false, encoding: .utf8)
            try cache.writeEntry(
                .init(
                    key: key, names: [], source: "t", size: 1, files: 1, created: Date(), lastUsed: Date(), command: [],
                    environment: []))
        }
        let error = skiffError { _ = try cache.find("abcd") }
        #expect(error?.message == "image key abcd is ambiguous (2 images start with it): give more characters")
        #expect(try cache.find("abcd1")?.key.hasPrefix("abcd1") == true)
        #expect(try cache.find("abc") == nil)  // too short to be a key
    }

    @Test func corruptImagesAreReportedWithWhatToDo() throws {
        let dir = try TemporaryDirectory()
        let cache = ImageCache(directory: dir.path + "/cache")
        let built = try cache.image(for: try plan(dir), name: nil, source: "t")
        var bytes = [UInt8](FileManager.default.contents(atPath: built.path)!)
        bytes[200] ^= 0xFF
        let broken = try dir.writeBytes("broken.img", bytes)
        let error = skiffError { _ = try ImageInspector(path: broken) }
        #expect(
            error?.message.hasPrefix("\(broken) is corrupt (metadata checksum mismatch") == true, "\(String(describing: error))")
        #expect(error?.message.hasSuffix("rebuild it with skiff build, or remove it with skiff images rm") == true)
        #expect(error?.exitStatus == ExitStatus.badInput)

        let truncated = try dir.writeBytes("short.img", Array(bytes.prefix(64)))
        #expect(skiffError { _ = try ImageInspector(path: truncated) }?.message.contains("is corrupt") == true)
        #expect(!ImageInspector.isImage(dir.path + "/app/hello.txt"))
        let notImage = skiffError { _ = try ImageInspector(path: dir.path + "/app/hello.txt") }
        #expect(notImage?.message == "\(dir.path)/app/hello.txt is not a Skiff image: give an image made by skiff build")
        let qcow = try dir.writeBytes("disk.qcow2", [0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 3])
        #expect(
            skiffError { _ = try ImageInspector(path: qcow) }?.message.contains("it is a qcow2 disk; attach it with --disk")
                == true)
        #expect(ImageInspector.isImage(built.path))
    }

    @Test func treeListing() throws {
        let dir = try TemporaryDirectory()
        var spec = ImageSpec()
        spec.set("/bin/tool", .contents(Array(repeating: 7, count: 5000), mode: 0o755))
        spec.set("/etc/mnttab", .symlink(target: "/proc/mounts"))
        let path = dir.path + "/t.img"
        try ImageComposer.write(spec, to: path)
        let text = ImageInspector.format(try ImageInspector(path: path).tree())
        #expect(text.contains("-rwxr-xr-x    4.9 KiB  /bin/tool"))
        #expect(text.contains("lrwxrwxrwx             /etc/mnttab -> /proc/mounts"))
        #expect(text.contains("drwxrwxrwt             /tmp/"))
        #expect(text.hasPrefix("drwxr-xr-x             /\n"))
    }

    @Test func everyImageHasAccountsAndHostsUnlessItBringsItsOwn() throws {
        let dir = try TemporaryDirectory()
        var spec = ImageSpec()
        spec.set("/etc/hosts", .contents(Array("10.0.0.1 db\n".utf8), mode: 0o644))
        let path = dir.path + "/t.img"
        try ImageComposer.write(spec, to: path)
        let image = try ImageInspector(path: path)
        let passwd = String(decoding: try image.contents(of: "/etc/passwd") ?? [], as: UTF8.self)
        #expect(passwd.hasPrefix("root:x:0:0:root:/root:"))
        #expect(passwd.contains("\nnobody:x:65534:65534:"))
        #expect(String(decoding: try image.contents(of: "/etc/group") ?? [], as: UTF8.self).contains("nogroup:x:65534:"))
        #expect(try image.contents(of: "/etc/hosts") == Array("10.0.0.1 db\n".utf8))
    }
}
