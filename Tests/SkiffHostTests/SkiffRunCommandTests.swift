import Foundation
import Testing

@testable import SkiffHost

/// `skiff run` of a built image with `QEMUStandIn` in place of QEMU. What is checked is skiff's
/// side — the QEMU command line and kernel command line it makes from the image and the options,
/// the console it shows, the status it decodes, the JSON summary — without booting a VM (the
/// guest tests do that).
@Suite struct SkiffRunCommandTests {
    @Test func runShowsTheConsoleAndExitsWithTheProgramsStatus() throws {
        let project = try SampleProject()
        let image = try project.imagePath(printedBy: try project.run(["build", "-q"]))
        let vm = try QEMUStandIn(project: project)
        let run = try vm.run(["web"])
        #expect(run.status == 7, "\(run)")
        // Streamed as the serial console sent it, CR LF and all.
        #expect(run.standardOutput == "hello from the guest\r\nsecond line\r\n")
        #expect(run.standardError == "")
        // The image's defaults become QEMU's size and the kernel's command line.
        #expect(try vm.qemuOption("-kernel") == vm.kernel)
        #expect(try vm.qemuOption("-m") == "512M")
        #expect(try vm.qemuOption("-smp") == "2")
        #expect(try vm.qemuOption("-accel") == "tcg")
        #expect(try vm.qemuArguments().contains { $0.contains(image) })
        #expect(try vm.qemuOption("-append") == #"--bootchart --env=GREETING=hello\ world --cwd=/app -- /app/run.sh --port 8080"#)

        // Arguments after the image replace its command; options add to and override its defaults.
        let custom = try vm.run(["--memory", "1G", "--cpus", "3", "--env", "MODE=test", "--cwd", "/", "web", "/app/run.sh", "a b"])
        #expect(custom.status == 7, "\(custom)")
        #expect(try vm.qemuOption("-m") == "1024M")
        #expect(try vm.qemuOption("-smp") == "3")
        #expect(
            try vm.qemuOption("-append")
                == #"--bootchart --env=GREETING=hello\ world --env=MODE=test --cwd=/ -- /app/run.sh a\ b"#)
    }

    @Test func runJSONSummarizesTheRun() throws {
        let project = try SampleProject()
        let image = try project.imagePath(printedBy: try project.run(["build", "-q"]))
        let run = try QEMUStandIn(project: project).run(["--json", "web"])
        #expect(run.status == 7, "\(run)")
        #expect(run.standardError == "")
        let object = try run.jsonObject()
        #expect(Set(object.keys) == ["exitStatus", "output", "image", "cacheHit", "accelerator", "timings"])
        #expect(object["exitStatus"] as? Int == 7)
        // The console goes into the summary instead of being streamed, with LF line ends.
        #expect(object["output"] as? String == "hello from the guest\nsecond line\n")
        #expect(object["image"] as? String == image)
        #expect(object["cacheHit"] as? Bool == true)
        #expect(object["accelerator"] as? String == "tcg")
        let timings = try #require(object["timings"] as? [String: Any]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
        #expect(Set(timings.keys) == ["prepareSeconds", "vmSeconds", "totalSeconds"])
        let prepare = try #require(timings["prepareSeconds"])
        let vmSeconds = try #require(timings["vmSeconds"])
        let total = try #require(timings["totalSeconds"])
        #expect(prepare >= 0 && vmSeconds > 0 && total >= prepare + vmSeconds)
    }

    @Test func qemuStatusesAreDecoded() throws {
        let project = try SampleProject()
        _ = try project.run(["build", "-q"])
        // Power-off: status 0.
        let success = try QEMUStandIn(project: project, qemuStatus: 0).run(["web"])
        #expect(success.status == 0, "\(success)")
        // QEMU's own failure: status 1 and its message.
        let failed = try QEMUStandIn(
            project: project, qemuStatus: 1, qemuError: "qemu-system-x86_64: -drive if=none: Could not open image\n"
        ).run(["web"])
        #expect(failed.status == ExitStatus.vmFailed)
        #expect(failed.standardOutput == "hello from the guest\r\nsecond line\r\n")
        #expect(failed.standardError == "skiff: QEMU failed: qemu-system-x86_64: -drive if=none: Could not open image\n")
    }
}
