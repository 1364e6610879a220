import Foundation
import ImageFS

/// What goes into an application image: files copied from the host, symlinks, directories.
public struct ImageSpec {
    public struct File {
        public var guestPath: String
        public var hostPath: String
        public var mode: UInt16?
        public init(guestPath: String, hostPath: String, mode: UInt16? = nil) {
            self.guestPath = guestPath
            self.hostPath = hostPath
            self.mode = mode
        }
    }

    public var files: [File] = []
    public var symlinks: [(guestPath: String, target: String)] = []
    public var directories: [String] = []
    /// Extra file contents generated rather than copied (e.g. /etc/hosts).
    public var generated: [(guestPath: String, contents: [UInt8])] = []

    public init() {}

    /// Adds a file unless that guest path is already taken.
    public mutating func add(_ file: File) {
        if !files.contains(where: { $0.guestPath == file.guestPath }) { files.append(file) }
    }
}

/// Builds image bytes from a spec, reading host files.
public enum ImageComposer {
    /// The directories every image has (mount points and the usual Linux skeleton).
    static let skeleton = ["/dev", "/proc", "/sys", "/etc", "/usr", "/usr/bin", "/usr/lib", "/bin", "/lib", "/lib64", "/root", "/var", "/var/tmp", "/run"]

    public static func build(_ spec: ImageSpec) throws -> [UInt8] {
        var builder = ImageBuilder()
        do {
            for dir in skeleton { try builder.addDirectory(at: Array(dir.utf8), attributes: mode(0o755, directory: true)) }
            try builder.addDirectory(at: Array("/tmp".utf8), attributes: mode(0o1777, directory: true))
            for dir in spec.directories where !skeleton.contains(dir) && dir != "/tmp" {
                try builder.addDirectory(at: Array(dir.utf8), attributes: mode(0o755, directory: true))
            }
            for file in spec.files {
                guard let data = FileManager.default.contents(atPath: file.hostPath) else {
                    throw SkiffError("cannot read \(file.hostPath)")
                }
                var fileMode = file.mode ?? 0o644
                if file.mode == nil, let attributes = try? FileManager.default.attributesOfItem(atPath: file.hostPath),
                    let permissions = attributes[.posixPermissions] as? Int
                {
                    fileMode = UInt16(permissions & 0o7777)
                }
                try builder.addFile(at: Array(file.guestPath.utf8), contents: [UInt8](data), attributes: mode(fileMode, directory: false))
            }
            for (path, contents) in spec.generated {
                try builder.addFile(at: Array(path.utf8), contents: contents, attributes: mode(0o644, directory: false))
            }
            for link in spec.symlinks {
                try builder.addSymlink(at: Array(link.guestPath.utf8), target: Array(link.target.utf8))
            }
            return try builder.build()
        } catch let error as ImageError {
            throw SkiffError("cannot build the image: \(error.message)")
        }
    }

    public static func write(_ spec: ImageSpec, to path: String) throws {
        let bytes = try build(spec)
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else {
            throw SkiffError("cannot write \(path)")
        }
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: tmp, toPath: path)
    }

    static func mode(_ permissions: UInt16, directory: Bool) -> NodeAttributes {
        NodeAttributes(permissions: permissions)
    }
}
