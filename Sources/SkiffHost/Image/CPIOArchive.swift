import Foundation

/// Writes a cpio archive in the "newc" format (SVR4 without checksums), which is what Linux
/// unpacks as an initramfs. `make bench` packs the Linux guest's /init, programs and modules in
/// one. Parent directories are added on the way; a path given twice keeps its first entry.
public struct CPIOArchive {
    public enum Contents: Equatable {
        case directory
        case bytes([UInt8])
        /// A host file, read when the archive is written.
        case file(String)
        case symlink(String)
    }

    public struct Entry: Equatable {
        public var path: String
        public var mode: UInt32
        public var contents: Contents
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Adds `path` (absolute or relative to the archive root) with permission bits `mode`.
    public mutating func add(_ path: String, _ contents: Contents, mode: UInt32 = 0o755) {
        let name = Self.normalize(path)
        guard !name.isEmpty, !entries.contains(where: { $0.path == name }) else { return }
        var parent = ""
        for component in name.split(separator: "/").dropLast() {
            parent += parent.isEmpty ? String(component) : "/" + component
            if !entries.contains(where: { $0.path == parent }) {
                entries.append(Entry(path: parent, mode: 0o755, contents: .directory))
            }
        }
        entries.append(Entry(path: name, mode: mode & 0o7777, contents: contents))
    }

    static func normalize(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// The archive's bytes, ending with the `TRAILER!!!` entry.
    public func encoded() throws -> [UInt8] {
        var out: [UInt8] = []
        for (index, entry) in entries.enumerated() {
            var data: [UInt8] = []
            var type: UInt32
            switch entry.contents {
            case .directory:
                type = 0o040000
            case .bytes(let bytes):
                type = 0o100000
                data = bytes
            case .file(let host):
                type = 0o100000
                guard let read = FileManager.default.contents(atPath: host) else {
                    throw SkiffError("cannot read \(host) for the initramfs", exitStatus: ExitStatus.missingInput)
                }
                data = [UInt8](read)
            case .symlink(let target):
                type = 0o120000
                data = Array(target.utf8)
            }
            Self.append(name: entry.path, inode: UInt32(index + 1), mode: type | entry.mode,
                links: entry.contents == .directory ? 2 : 1, data: data, to: &out)
        }
        Self.append(name: "TRAILER!!!", inode: 0, mode: 0, links: 1, data: [], to: &out)
        return out
    }

    public func write(to path: String) throws {
        let bytes = try encoded()
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw SkiffError("cannot write \(path)")
        }
    }

    /// One header (13 eight-digit hex fields after the magic), the name with its NUL padded to
    /// four bytes, then the data padded to four bytes.
    static func append(name: String, inode: UInt32, mode: UInt32, links: UInt32, data: [UInt8], to out: inout [UInt8]) {
        let nameBytes = Array(name.utf8) + [0]
        let fields: [UInt32] = [
            inode, mode, 0, 0, links, 0, UInt32(data.count), 0, 0, 0, 0, UInt32(nameBytes.count), 0,
        ]
        out += Array("070701".utf8)
        for field in fields {
            let hex = String(field, radix: 16, uppercase: true)
            out += Array((String(repeating: "0", count: 8 - hex.count) + hex).utf8)
        }
        out += nameBytes
        while out.count % 4 != 0 { out.append(0) }
        out += data
        while out.count % 4 != 0 { out.append(0) }
    }
}
