import Foundation
import ImageFS

/// An image file on the host, read with `pread` so that inspecting a large image loads only
/// its metadata and the files asked for.
public struct FileImageStorage: ImageStorage {
    final class Descriptor {
        let fd: Int32
        init(_ fd: Int32) { self.fd = fd }
        deinit { close(fd) }
    }

    let descriptor: Descriptor
    public let size: UInt64

    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SkiffError(
                "cannot open image \(path): \(String(cString: strerror(errno)))", exitStatus: ExitStatus.missingInput)
        }
        descriptor = Descriptor(fd)
        var st = stat()
        fstat(fd, &st)
        size = UInt64(st.st_size)
    }

    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) {
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor.fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            guard n > 0 else { throw ImageError(.io, "read of \(buffer.count) bytes at \(offset) failed") }
            done += n
        }
    }
}

/// Opens an image and answers what `skiff images inspect` and `skiff run IMAGE` ask: the
/// file tree with sizes, and the stored configuration.
public struct ImageInspector {
    public let path: String
    let reader: ImageReader<FileImageStorage>

    /// Opens and validates `path`; a damaged image is a one-line error.
    public init(path: String) throws {
        self.path = path
        let storage = try FileImageStorage(path: path)
        if !Self.isImage(path) {
            let head = HostProgram.readHead(path, count: 4)
            let hint =
                head == [0x51, 0x46, 0x49, 0xFB]
                ? "it is a qcow2 disk; attach it with --disk, or boot the image it was converted from"
                : "give an image made by skiff build"
            throw SkiffError("\(path) is not a Skiff image: \(hint)", exitStatus: ExitStatus.badInput)
        }
        do { reader = try ImageReader(storage: storage) } catch {
            let what = error.kind == .unsupported ? "an image this skiff cannot read" : "corrupt"
            throw SkiffError(
                "\(path) is \(what) (\(error.message)): rebuild it with skiff build, or remove it with skiff images rm",
                exitStatus: ExitStatus.badInput)
        }
    }

    /// Whether `path` starts with the image magic.
    public static func isImage(_ path: String) -> Bool {
        guard FileInfo(path)?.kind == .regular, let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 8)) == Data("SKIFFIMG".utf8)
    }

    public struct Node: Equatable {
        public var path: String
        public var type: FileType
        public var permissions: UInt16
        /// Bytes for files, the target's length for symlinks, entries for directories.
        public var size: UInt64
        public var target: String?
    }

    /// Every node, depth first in name order, the root first.
    public func tree() throws -> [Node] {
        var nodes: [Node] = []
        try walk(reader.root, path: "/", into: &nodes)
        return nodes
    }

    private func walk(_ inode: InodeNumber, path: String, into nodes: inout [Node]) throws {
        let attributes = try wrap { () throws(ImageError) in try reader.attributes(of: inode) }
        var target: String? = nil
        if attributes.type == .symlink {
            target = String(decoding: try wrap { () throws(ImageError) in try reader.readlink(inode) }, as: UTF8.self)
        }
        nodes.append(
            Node(path: path, type: attributes.type, permissions: attributes.permissions, size: attributes.size, target: target))
        guard attributes.type == .directory else { return }
        var cursor: UInt64 = 2
        while let entry = try wrap({ () throws(ImageError) in try reader.directoryEntry(in: inode, at: cursor) }) {
            cursor = entry.nextCursor
            let name = String(decoding: entry.name, as: UTF8.self)
            try walk(entry.inode, path: path == "/" ? "/" + name : path + "/" + name, into: &nodes)
        }
    }

    /// Writes the image's tree into the existing, empty folder `target`: directories, files and
    /// symlinks with the image's permissions (what `mke2fs -d` then copies into a volume).
    public func extract(to target: String) throws {
        let manager = FileManager.default
        for node in try tree() where node.path != "/" {
            let destination = target + node.path
            switch node.type {
            case .directory:
                try manager.createDirectory(atPath: destination, withIntermediateDirectories: true)
            case .symlink:
                try manager.createSymbolicLink(atPath: destination, withDestinationPath: node.target ?? "")
                continue
            case .regular:
                guard let bytes = try contents(of: node.path) else { continue }
                guard manager.createFile(atPath: destination, contents: Data(bytes)) else {
                    throw SkiffError("cannot write \(destination)", exitStatus: ExitStatus.cannotWrite)
                }
            }
            chmod(destination, mode_t(node.permissions))
        }
    }

    /// The contents of the regular file at `guestPath`, or nil when there is none.
    public func contents(of guestPath: String) throws -> [UInt8]? {
        guard case .found(let inode)? = try? reader.resolve(Array(guestPath.utf8)),
            (try? reader.type(of: inode)) == .regular
        else { return nil }
        let size = Int(try wrap { () throws(ImageError) in try reader.attributes(of: inode) }.size)
        var bytes = [UInt8](repeating: 0, count: size)
        let failure: ImageError? = bytes.withUnsafeMutableBytes { buffer in
            do throws(ImageError) {
                _ = try reader.read(inode, at: 0, into: buffer)
                return nil
            } catch { return error }
        }
        if let failure { throw corrupt(failure) }
        return bytes
    }

    /// The configuration stored at `/etc/skiff/config`; empty when the image has none (one
    /// built by other tools).
    public func config() throws -> ImageConfig {
        guard let bytes = try contents(of: ImageConfig.path) else { return ImageConfig() }
        return try ImageConfig(decoding: String(decoding: bytes, as: UTF8.self))
    }

    /// Checks the data checksum too (every byte of every file).
    public func verify() throws {
        _ = try wrap { () throws(ImageError) in try reader.verifyDataChecksum() }
    }

    private func wrap<T>(_ body: () throws(ImageError) -> T) throws -> T {
        do { return try body() } catch { throw corrupt(error) }
    }

    private func corrupt(_ error: ImageError) -> SkiffError {
        SkiffError("\(path) is corrupt (\(error.message)): rebuild it with skiff build", exitStatus: ExitStatus.badInput)
    }

    /// The tree as `skiff images inspect` prints it: mode, size and path, one line each.
    public static func format(_ nodes: [Node]) -> String {
        var lines: [String] = []
        for node in nodes {
            let kind: Character = node.type == .directory ? "d" : node.type == .symlink ? "l" : "-"
            var mode = String(kind)
            let bits: [(UInt16, Character)] = [
                (0o400, "r"), (0o200, "w"), (0o100, "x"), (0o040, "r"), (0o020, "w"), (0o010, "x"), (0o004, "r"), (0o002, "w"),
                (0o001, "x"),
            ]
            for (bit, c) in bits { mode.append(node.permissions & bit != 0 ? c : "-") }
            if node.permissions & 0o1000 != 0 { mode = mode.dropLast() + (node.permissions & 0o001 != 0 ? "t" : "T") }
            let size = node.type == .regular ? MemorySize.human(bytes: Int(node.size)) : ""
            var line = mode + " " + String(repeating: " ", count: max(0, 10 - size.count)) + size + "  " + node.path
            if node.type == .directory && node.path != "/" { line += "/" }
            if let target = node.target { line += " -> " + target }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
