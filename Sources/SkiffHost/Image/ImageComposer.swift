import Foundation
import ImageFS

/// Builds image bytes from a spec, reading host files.
public enum ImageComposer {
    /// The directories every image has (mount points and the usual Linux skeleton).
    static let skeleton = [
        "/dev", "/proc", "/sys", "/etc", "/usr", "/usr/bin", "/usr/lib", "/bin", "/lib", "/lib64", "/root", "/var",
        "/var/tmp", "/run",
    ]

    /// The account and host files a Linux program expects to find (`getpwnam("root")` before
    /// dropping privileges, as memcached and nginx do; `localhost` resolving), added unless the
    /// image brings its own.
    static let systemFiles: [(path: String, contents: String)] = [
        ("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"),
        ("/etc/group", "root:x:0:\nnogroup:x:65534:\n"),
        ("/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"),
    ]

    /// Builds the image; `progress` is told how many of the host files have been read.
    public static func build(_ spec: ImageSpec, progress: ((Int, Int) -> Void)? = nil) throws -> [UInt8] {
        var builder = ImageBuilder()
        let total = spec.files.count
        var done = 0
        do {
            for dir in skeleton where spec[dir] == nil {
                try builder.addDirectory(at: dir, attributes: NodeAttributes(permissions: 0o755))
            }
            if spec["/tmp"] == nil { try builder.addDirectory(at: "/tmp", attributes: NodeAttributes(permissions: 0o1777)) }
            // Directories first, so a file or link below one does not create it implicitly first.
            for (path, node) in spec.entries where node == .directory {
                try builder.addDirectory(at: path, attributes: NodeAttributes(permissions: path == "/tmp" ? 0o1777 : 0o755))
            }
            for (path, node) in spec.entries {
                switch node {
                case .directory:
                    continue
                case .file(let host, let mode):
                    let data: Data
                    do { data = try Data(contentsOf: URL(fileURLWithPath: host)) } catch {
                        throw SkiffError(
                            "cannot read \(host) (for \(path) in the image): check that it exists and is readable",
                            exitStatus: ExitStatus.missingInput)
                    }
                    let info = FileInfo(host)
                    let permissions = mode ?? info.map { UInt16($0.mode & 0o7777) } ?? 0o644
                    try builder.addFile(
                        at: path, contents: [UInt8](data),
                        attributes: NodeAttributes(permissions: permissions, modificationTime: info?.modificationTime ?? .epoch))
                    done += 1
                    progress?(done, total)
                case .contents(let bytes, let mode):
                    try builder.addFile(at: path, contents: bytes, attributes: NodeAttributes(permissions: mode))
                case .symlink(let target):
                    try builder.addSymlink(at: path, target: target)
                }
            }
            for file in systemFiles where spec[file.path] == nil {
                try builder.addFile(at: file.path, contents: Array(file.contents.utf8), attributes: .file)
            }
            if spec[ImageConfig.path] == nil {
                try builder.addFile(at: ImageConfig.path, contents: Array(spec.config.encoded().utf8), attributes: .file)
            }
            return try builder.build()
        } catch let error as ImageError {
            throw SkiffError("cannot build the image: \(error.message)", exitStatus: ExitStatus.badInput)
        }
    }

    /// Builds the image and writes it to `path` atomically; returns its size.
    @discardableResult
    public static func write(_ spec: ImageSpec, to path: String, progress: ((Int, Int) -> Void)? = nil) throws -> Int {
        let bytes = try build(spec, progress: progress)
        try writeAtomically(bytes, to: path)
        return bytes.count
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else {
            throw SkiffError(
                "cannot write \(path): check that its folder exists and is writable", exitStatus: ExitStatus.cannotWrite)
        }
        if rename(tmp, path) != 0 {
            _ = try? FileManager.default.removeItem(atPath: tmp)
            throw SkiffError("cannot write \(path): \(String(cString: strerror(errno)))", exitStatus: ExitStatus.cannotWrite)
        }
    }
}
