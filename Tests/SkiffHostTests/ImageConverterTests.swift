import Foundation
import Testing

@testable import SkiffHost

/// `skiff convert --format ext4`: the image's files in an ext4 volume e2fsck accepts.
@Suite struct ImageConverterTests {
    static func e2fsprogs(_ tool: String) -> String { E2fsprogs.path(tool) ?? tool }

    @Test func ext4VolumeHoldsTheImageFiles() throws {
        let dir = try TemporaryDirectory()
        var spec = ImageSpec()
        let tool = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        spec.set("/bin/tool", .contents(tool, mode: 0o755))
        spec.set("/etc/mnttab", .symlink(target: "/proc/mounts"))
        spec.set("/data", .directory)
        let image = dir.path + "/app.img"
        try ImageComposer.write(spec, to: image)
        let volume = dir.path + "/app.ext4"
        try ImageConverter.convert(input: image, output: volume, format: .ext4)

        let check = try Subprocess(Self.e2fsprogs("e2fsck"), ["-fn", volume]).run()
        #expect(check.status == 0, "e2fsck -fn: \(check.outputText)")
        let dumped = dir.path + "/tool"
        let dump = try Subprocess(Self.e2fsprogs("debugfs"), ["-R", "dump -p /bin/tool \(dumped)", volume]).run()
        #expect(dump.status == 0)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: dumped))) == tool)
        #expect(FileInfo(dumped).map { $0.mode & 0o7777 } == 0o755)
        let listing = try Subprocess(Self.e2fsprogs("debugfs"), ["-R", "stat /etc/mnttab", volume]).run().outputText
        #expect(listing.contains("Fast link dest: \"/proc/mounts\""))
        #expect(try Subprocess(Self.e2fsprogs("debugfs"), ["-R", "ls /", volume]).run().outputText.contains("data"))
        // Twice the 70 KB of files plus 32 MiB.
        #expect(FileInfo(volume)?.size == 33 << 20)
    }

    @Test func ext4SizeTooSmallSaysWhatToDo() throws {
        let dir = try TemporaryDirectory()
        var spec = ImageSpec()
        spec.set("/big", .contents([UInt8](repeating: 1, count: 3 << 20), mode: 0o644))
        let image = dir.path + "/app.img"
        try ImageComposer.write(spec, to: image)
        let error = skiffError { try ImageConverter.convert(input: image, output: dir.path + "/v.ext4", format: .ext4, sizeMiB: 1) }
        #expect(error?.message.contains("is --size large enough") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/v.ext4"))
    }
}
