import Foundation

/// `skiff convert`: an image as a disk file for other tools (a raw file, or qcow2 through
/// `qemu-img`), for attaching as a virtio-blk disk or handing to another VMM.
public enum ImageConverter {
    public enum Format: String, CaseIterable, Sendable {
        case raw, qcow2
    }

    /// The `qemu-img` arguments for converting `input` (raw) to `output`.
    public static func qemuImgArguments(input: String, output: String, format: Format) -> [String] {
        ["convert", "-f", "raw", "-O", format.rawValue, input, output]
    }

    /// Writes `output`; a raw copy is made without qemu-img, so only qcow2 needs it.
    public static func convert(input: String, output: String, format: Format, qemuImg: String = "qemu-img") throws {
        _ = try ImageInspector(path: input)  // a corrupt image fails here, before anything is written
        let tmp = output + ".tmp-\(getpid())"
        defer { _ = try? FileManager.default.removeItem(atPath: tmp) }
        switch format {
        case .raw:
            do { try FileManager.default.copyItem(atPath: input, toPath: tmp) } catch {
                throw SkiffError(
                    "cannot write \(output): check that its folder exists and is writable", exitStatus: ExitStatus.cannotWrite)
            }
        case .qcow2:
            guard let tool = Subprocess.find(qemuImg) else {
                throw SkiffError(
                    "qemu-img is not installed: run 'apt-get install qemu-utils'", exitStatus: ExitStatus.unavailable)
            }
            let result = try Subprocess(tool, qemuImgArguments(input: input, output: tmp, format: format)).run()
            guard result.status == 0 else {
                let detail = result.errorText.split(separator: "\n").first.map(String.init) ?? "status \(result.status)"
                throw SkiffError("qemu-img failed: \(detail)", exitStatus: ExitStatus.cannotWrite)
            }
        }
        guard rename(tmp, output) == 0 else {
            throw SkiffError("cannot write \(output): \(String(cString: strerror(errno)))", exitStatus: ExitStatus.cannotWrite)
        }
    }
}
