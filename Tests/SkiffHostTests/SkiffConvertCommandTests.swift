import Foundation
import Testing

@testable import SkiffHost

/// `skiff convert` to raw and qcow2 disk files, run as the built binary. qcow2 goes through
/// qemu-img, which `make deps` installs: without it these tests fail, saying so.
@Suite struct SkiffConvertCommandTests {
    static func qemuImg() throws -> String {
        try #require(Subprocess.find("qemu-img"), "qemu-img is not installed: run 'make deps' (Debian's qemu-utils)")
    }

    @Test func rawIsTheImageByteForByte() throws {
        let project = try SampleProject()
        let image = try project.imagePath(printedBy: try project.buildManifest())
        let convert = try project.run(["convert", "demo", "--format", "raw", "-o", "demo.raw"])
        #expect(convert.status == 0, "\(convert)")
        let bytes = try #require(FileManager.default.contents(atPath: image))
        #expect(convert.standardOutput == "demo.raw: raw, \(MemorySize.human(bytes: bytes.count))\n")
        #expect(convert.standardError == "skiff: converting to raw\n")
        #expect(FileManager.default.contents(atPath: project.path + "/demo.raw") == bytes)
        // Raw is the default, an image file converts as a cached one does, and -q is quiet.
        let byFile = try project.run(["convert", image, "-o", "again.raw", "-q"])
        #expect(byFile.status == 0, "\(byFile)")
        #expect(byFile.standardOutput == "again.raw: raw, \(MemorySize.human(bytes: bytes.count))\n")
        #expect(byFile.standardError == "")
        #expect(FileManager.default.contents(atPath: project.path + "/again.raw") == bytes)
    }

    @Test func qcow2HoldsTheImage() throws {
        let qemuImg = try Self.qemuImg()
        let project = try SampleProject()
        let image = try project.imagePath(printedBy: try project.buildManifest())
        let bytes = try #require(FileManager.default.contents(atPath: image))
        let convert = try project.run(["convert", "demo", "--format", "qcow2", "-o", "demo.qcow2"])
        #expect(convert.status == 0, "\(convert)")
        let written = try #require(FileInfo(project.path + "/demo.qcow2"))
        #expect(convert.standardOutput == "demo.qcow2: qcow2, \(MemorySize.human(bytes: Int(written.size)))\n")
        #expect(convert.standardError == "skiff: converting to qcow2\n")

        let info = try Subprocess(qemuImg, ["info", "--output=json", project.path + "/demo.qcow2"]).run()
        #expect(info.status == 0, "qemu-img info: \(info.errorText)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.standardOutput)) as? [String: Any])
        #expect(object["format"] as? String == "qcow2")
        #expect(object["virtual-size"] as? Int == bytes.count)
        // Read back through qemu-img, the disk holds the image's bytes.
        let back = try Subprocess(qemuImg, ["convert", "-f", "qcow2", "-O", "raw", project.path + "/demo.qcow2", project.path + "/back.raw"])
            .run()
        #expect(back.status == 0, "qemu-img convert: \(back.errorText)")
        #expect(FileManager.default.contents(atPath: project.path + "/back.raw") == bytes)
    }

    @Test func qcow2WithoutQemuImgSaysWhatToInstall() throws {
        let project = try SampleProject()
        _ = try project.buildManifest(["-q"])
        var skiff = project.skiff
        skiff.environment["PATH"] = try project.dir.mkdir("empty-bin")
        let convert = try skiff.run(["convert", "demo", "--format", "qcow2", "-o", "demo.qcow2"], in: project.path)
        #expect(convert.status == ExitStatus.unavailable)
        #expect(convert.standardOutput == "")
        #expect(convert.standardError == "skiff: qemu-img is not installed: run 'apt-get install qemu-utils'\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.path).filter { $0.hasPrefix("demo.qcow2") } == [])
    }
}
