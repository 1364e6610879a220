import Foundation

/// `skiff convert`: an image as a disk file for other tools (a raw file, or qcow2 through
/// `qemu-img`), for attaching as a virtio-blk disk or handing to another VMM — or its files as
/// a writable ext4 volume (through `mke2fs -d`), which Skiff boots with `--rootfs=ext`.
public enum ImageConverter {
    public enum Format: String, CaseIterable, Sendable {
        case raw, qcow2, ext4
    }

    /// The size of an ext4 volume for `contentBytes` of files when none is asked for: twice the
    /// contents plus 32 MiB, so the journal, metadata and some new data fit.
    public static func ext4SizeMiB(contentBytes: Int) -> Int {
        (contentBytes * 2 + (1 << 20) - 1) / (1 << 20) + 32
    }

    /// The `mke2fs` arguments that make an ext4 volume of `sizeMiB` at `output` from `folder`.
    public static func mke2fsArguments(folder: String, output: String, sizeMiB: Int) -> [String] {
        ["-q", "-F", "-t", "ext4", "-E", "root_owner=0:0", "-d", folder, output, "\(sizeMiB)M"]
    }

    /// The `qemu-img` arguments for converting `input` (raw) to `output`.
    public static func qemuImgArguments(input: String, output: String, format: Format) -> [String] {
        ["convert", "-f", "raw", "-O", format.rawValue, input, output]
    }

    /// Writes `output`; a raw copy is made without qemu-img, so only qcow2 needs it. The step
    /// shows on `progress` once the image and the tool have been checked, so that such a
    /// failure is one line.
    public static func convert(
        input: String, output: String, format: Format, sizeMiB: Int? = nil, qemuImg: String = "qemu-img",
        progress: ProgressReporter = ProgressReporter(style: .silent)
    ) throws {
        let inspector = try ImageInspector(path: input)  // a corrupt image fails here, before anything is written
        let tmp = output + ".tmp-\(getpid())"
        defer { _ = try? FileManager.default.removeItem(atPath: tmp) }
        switch format {
        case .raw:
            progress.begin("converting to raw")
            do { try FileManager.default.copyItem(atPath: input, toPath: tmp) } catch {
                throw SkiffError(
                    "cannot write \(output): check that its folder exists and is writable", exitStatus: ExitStatus.cannotWrite)
            }
        case .ext4:
            guard let mke2fs = E2fsprogs.path("mke2fs") else {
                throw SkiffError("mke2fs is not installed: run 'apt-get install e2fsprogs'", exitStatus: ExitStatus.unavailable)
            }
            progress.begin("writing the ext4 volume")
            try writeExt4(inspector, mke2fs: mke2fs, to: tmp, sizeMiB: sizeMiB)
        case .qcow2:
            guard let tool = Subprocess.find(qemuImg) else {
                throw SkiffError(
                    "qemu-img is not installed: run 'apt-get install qemu-utils'", exitStatus: ExitStatus.unavailable)
            }
            progress.begin("converting to qcow2")
            let result = try Subprocess(tool, qemuImgArguments(input: input, output: tmp, format: format)).run()
            guard result.status == 0 else {
                let detail = result.errorText.split(separator: "\n").first.map(String.init) ?? "status \(result.status)"
                throw SkiffError("qemu-img failed: \(detail)", exitStatus: ExitStatus.cannotWrite)
            }
        }
        guard rename(tmp, output) == 0 else {
            throw SkiffError("cannot write \(output): \(String(cString: strerror(errno)))", exitStatus: ExitStatus.cannotWrite)
        }
        progress.end()
    }

    private static func writeExt4(_ inspector: ImageInspector, mke2fs: String, to output: String, sizeMiB: Int?) throws {
        let folder = NSTemporaryDirectory() + "skiff-ext4-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try inspector.extract(to: folder)
        let contentBytes = try inspector.tree().filter { $0.type == .regular }.reduce(0) { $0 + Int($1.size) }
        let size = sizeMiB ?? ext4SizeMiB(contentBytes: contentBytes)
        let result = try Subprocess(mke2fs, mke2fsArguments(folder: folder, output: output, sizeMiB: size)).run()
        guard result.status == 0 else {
            let detail = result.errorText.split(separator: "\n").first.map(String.init) ?? "status \(result.status)"
            throw SkiffError(
                "mke2fs failed: \(detail)" + (sizeMiB != nil ? " (is --size large enough for the files?)" : ""),
                exitStatus: ExitStatus.cannotWrite)
        }
    }
}
