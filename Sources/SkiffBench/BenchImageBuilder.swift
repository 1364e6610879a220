import Foundation
import SkiffHost

/// Builds the images both systems boot from the same compiled programs: Skiff application
/// images (`ImageComposer`) and Linux initramfs archives (`CPIOArchive`) holding Linux's /init,
/// the programs at /bin, the data file and, in the suite, the virtio modules /init loads.
struct BenchImageBuilder {
    /// Where `make bench` put the programs (`hello`, …, and `init`).
    var programDirectory: String
    var outputDirectory: String
    var dataFile: String
    /// Linux modules for the suite image, dependencies first.
    var linuxModules: [String]

    func programPath(_ name: String) throws -> String {
        let path = programDirectory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SkiffError("\(path) is missing: build it with 'make bench'", exitStatus: ExitStatus.missingInput)
        }
        return path
    }

    func skiffImage(_ image: BenchImage) throws -> String {
        var plan = ImagePlan()
        for name in image.programs {
            plan.programs.append(try HostProgram.locate(try programPath(name), guestPath: "/bin/" + name))
        }
        var spec = try plan.makeSpec()
        if image == .suite { spec.set(BenchImage.dataPath, .file(hostPath: dataFile, mode: 0o644)) }
        let path = outputDirectory + "/skiff-\(image.rawValue).img"
        _ = try ImageComposer.write(spec, to: path)
        return path
    }

    func linuxInitramfs(_ image: BenchImage) throws -> String {
        var archive = CPIOArchive()
        archive.add("/init", .file(try programPath("init")))
        for dir in ["/bin", "/dev", "/proc", "/sys", "/tmp", "/etc"] { archive.add(dir, .directory) }
        for name in image.programs { archive.add("/bin/" + name, .file(try programPath(name))) }
        if image == .suite {
            archive.add(BenchImage.dataPath, .file(dataFile), mode: 0o644)
            for module in linuxModules { archive.add(module, .file(module), mode: 0o644) }
            let list = linuxModules.map { $0 + "\n" }.joined()
            archive.add("/etc/modules", .bytes(Array(list.utf8)), mode: 0o644)
        }
        let path = outputDirectory + "/linux-\(image.rawValue).cpio"
        try archive.write(to: path)
        return path
    }

    /// A file of `mebibytes` MiB of pseudo-random bytes (the same every time), made once.
    static func makeDataFile(at path: String, mebibytes: Int) throws {
        if let info = FileInfo(path), info.size == Int64(mebibytes) << 20 { return }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var bytes = [UInt8](repeating: 0, count: mebibytes << 20)
        bytes.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for i in words.indices {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                words[i] = state
            }
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw SkiffError("cannot write \(path)")
        }
    }
}
