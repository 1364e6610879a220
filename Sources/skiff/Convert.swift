import ArgumentParser
import Foundation
import SkiffHost

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an image as a raw or qcow2 disk file (qcow2 needs qemu-img).")

    @Argument(help: "An image name, key (prefix) or file.") var image: String
    @Option(help: "raw or qcow2.") var format: ImageConverter.Format = .raw
    @Option(name: .shortAndLong, help: "The file to write.") var output: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try failing(json: json) {
            let found = try RunTarget.image(image, cache: ImageCache())
            let progress = ProgressReporter.automatic(quiet: json)
            progress.begin("converting to \(format.rawValue)")
            try ImageConverter.convert(input: found.path, output: output, format: format)
            let size = FileInfo(output).map { Int($0.size) } ?? 0
            progress.end()
            if json {
                printJSON(["output": HostPath.absolute(output), "format": format.rawValue, "size": size])
            } else {
                print("\(output): \(format.rawValue), \(MemorySize.human(bytes: size))")
            }
        }
    }
}
