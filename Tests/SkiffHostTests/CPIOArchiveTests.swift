import Foundation
import Testing

@testable import SkiffHost

/// The initramfs writer: byte layout of the newc format, and a round trip through the host's
/// cpio when it is installed.
@Suite struct CPIOArchiveTests {
    @Test func headerLayout() throws {
        var archive = CPIOArchive()
        archive.add("/init", .bytes(Array("hi".utf8)), mode: 0o755)
        let bytes = try archive.encoded()
        let text = String(decoding: bytes, as: UTF8.self)
        // magic, ino 1, mode 0100755, uid, gid, nlink 1, mtime, filesize 2, devs, namesize 5, check
        let fields = ["070701", "00000001", "000081ED", "00000000", "00000000", "00000001", "00000000", "00000002"]
        #expect(text.hasPrefix(fields.joined()))
        #expect(bytes[110..<115].elementsEqual(Array("init".utf8) + [0]))
        // header 110 + name 5 = 115, padded to 116; then the data, padded to 120.
        #expect(bytes[116..<118].elementsEqual(Array("hi".utf8)))
        #expect(bytes.count % 4 == 0)
        #expect(text.contains("TRAILER!!!"))
    }

    @Test func parentsFirstAndFirstEntryWins() {
        var archive = CPIOArchive()
        archive.add("/bin/tools/a", .bytes([1]))
        archive.add("bin/tools/a", .bytes([2]))
        archive.add("/bin/b", .symlink("tools/a"), mode: 0o777)
        #expect(archive.entries.map(\.path) == ["bin", "bin/tools", "bin/tools/a", "bin/b"])
        #expect(archive.entries[2].contents == .bytes([1]))
        #expect(archive.entries[0].contents == .directory)
    }

    @Test func hostCpioReadsIt() throws {
        guard let cpio = Subprocess.find("cpio") else { return }
        let dir = try TemporaryDirectory()
        let host = try dir.write("payload", "hello initramfs\n")
        var archive = CPIOArchive()
        archive.add("/etc/modules", .bytes(Array("/a.ko\n".utf8)), mode: 0o644)
        archive.add("/data/file", .file(host), mode: 0o644)
        archive.add("/link", .symlink("/data/file"), mode: 0o777)
        try archive.write(to: dir.path + "/archive.cpio")
        var list = Subprocess("/bin/sh", ["-c", "\(cpio) -itv --quiet < '\(dir.path)/archive.cpio'"])
        list.timeout = 10
        let result = try list.run()
        #expect(result.status == 0, "\(result.errorText)")
        let lines = result.outputText.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines.contains { $0.hasPrefix("drwxr-xr-x") && $0.hasSuffix(" etc") })
        #expect(lines.contains { $0.hasPrefix("-rw-r--r--") && $0.contains(" 16 ") && $0.hasSuffix(" data/file") })
        #expect(lines.contains { $0.hasPrefix("lrwxrwxrwx") && $0.hasSuffix("link -> /data/file") })
    }
}
