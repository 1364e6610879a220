import ArgumentParser
import Foundation
import SkiffHost

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an image as a raw or qcow2 disk file (qcow2 needs qemu-img), or as an ext4 volume.",
        discussion: """
            --format ext4 copies the image's files into a writable ext4 volume (with mke2fs), which \
            Skiff boots as its root with --rootfs=ext:
              skiff convert app --format ext4 -o app.ext4
              skiff run --disk app.ext4 --boot-option=--rootfs=ext app /app/server
            """)

    @Argument(help: "An image name, key (prefix) or file.") var image: String
    @Option(help: "raw, qcow2 or ext4.") var format: ImageConverter.Format = .raw
    @Option(help: "The ext4 volume's size, such as 1G (default: twice the files plus 32M).") var size: String?
    @Option(name: .shortAndLong, help: "The file to write.") var output: String
    @Flag(help: "Print JSON.") var json = false
    @Flag(name: .shortAndLong, help: "No progress output.") var quiet = false

    func run() throws {
        try failing(json: json) {
            let found = try RunTarget.image(image, cache: ImageCache())
            let sizeMiB = try size.map { try MemorySize.parse($0, option: "--size") }
            try ImageConverter.convert(
                input: found.path, output: output, format: format, sizeMiB: sizeMiB,
                progress: ProgressReporter.automatic(quiet: quiet || json))
            let size = FileInfo(output).map { Int($0.size) } ?? 0
            if json {
                printJSON(["output": HostPath.absolute(output), "format": format.rawValue, "size": size])
            } else {
                print("\(output): \(format.rawValue), \(MemorySize.human(bytes: size))")
            }
        }
    }
}
