import Foundation
import ImageFS

/// What `stat(2)` says about a host file, including what Foundation's attributes leave out
/// (nanosecond times, the change time, the inode), which the image cache key needs.
public struct FileInfo: Equatable {
    public enum Kind: Equatable { case regular, directory, symlink, other }

    public var kind: Kind
    /// `st_mode` (type and permission bits).
    public var mode: UInt32
    public var size: Int64
    public var modificationTime: Timestamp
    /// `st_ctim`: changes whenever the contents or the metadata change, and cannot be set back,
    /// so a file rewritten with its old mtime restored still gets a new cache key.
    public var changeTime: Timestamp
    public var device: UInt64
    public var inode: UInt64
    public var uid: UInt32
    public var gid: UInt32

    /// `stat` (following symlinks) or `lstat`; nil when the path does not exist.
    public init?(_ path: String, followSymlinks: Bool = true) {
        var st = stat()
        let result = followSymlinks ? stat(path, &st) : lstat(path, &st)
        guard result == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        mode = UInt32(st.st_mode)
        size = Int64(st.st_size)
        modificationTime = Timestamp(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: UInt32(st.st_mtim.tv_nsec))
        changeTime = Timestamp(seconds: Int64(st.st_ctim.tv_sec), nanoseconds: UInt32(st.st_ctim.tv_nsec))
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        uid = st.st_uid
        gid = st.st_gid
    }

    /// A line that changes whenever the file's contents or metadata do.
    var identity: String {
        "\(kind) \(String(mode, radix: 8)) \(size) \(modificationTime.seconds).\(modificationTime.nanoseconds) "
            + "\(changeTime.seconds).\(changeTime.nanoseconds) \(device):\(inode) \(uid):\(gid)"
    }
}

/// Host path helpers shared by the image tools.
public enum HostPath {
    /// `path` made absolute against `base` (default: the current directory) and cleaned of `.`
    /// and `..`, without resolving symlinks.
    public static func absolute(_ path: String, relativeTo base: String? = nil) -> String {
        let expanded = path.hasPrefix("~/") ? (ProcessInfo.processInfo.environment["HOME"] ?? "") + path.dropFirst() : path
        let full = expanded.hasPrefix("/") ? expanded : (base ?? FileManager.default.currentDirectoryPath) + "/" + expanded
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                _ = parts.popLast()
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The path with every symlink resolved (realpath(3)); the path itself when it cannot be.
    public static func resolved(_ path: String) -> String {
        guard let p = realpath(path, nil) else { return path }
        defer { free(p) }
        return String(cString: p)
    }

    /// The target of the symlink at `path`, as stored.
    public static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buffer, 4096)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
