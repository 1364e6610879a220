/// What goes into an application image: files copied from the host, symlinks, directories,
/// generated files, and the configuration the image records for `skiff run`.
///
/// Entries are keyed by guest path. `set` replaces what a path held before (a manifest line later
/// in the file wins, as in OSv); `add` keeps the first (a library found for two programs).
public struct ImageSpec {
    public enum Node: Equatable {
        /// A copy of a host file; `mode` overrides the host file's permission bits.
        case file(hostPath: String, mode: UInt16?)
        case directory
        case symlink(target: String)
        /// A file whose contents are made by Skiff rather than copied.
        case contents([UInt8], mode: UInt16)
    }

    /// A host file at a guest path (the form the library resolver returns).
    public struct File: Equatable {
        public var guestPath: String
        public var hostPath: String
        public var mode: UInt16?
        public init(guestPath: String, hostPath: String, mode: UInt16? = nil) {
            self.guestPath = guestPath
            self.hostPath = hostPath
            self.mode = mode
        }
    }

    public private(set) var paths: [String] = []
    public private(set) var nodes: [String: Node] = [:]
    /// The default command line, environment, memory and CPUs; written to `ImageConfig.path`.
    public var config = ImageConfig()

    public init() {}

    /// Replaces whatever `guestPath` held.
    public mutating func set(_ guestPath: String, _ node: Node) {
        let path = Self.normalize(guestPath)
        if nodes[path] == nil { paths.append(path) }
        nodes[path] = node
    }

    /// Adds `node` unless `guestPath` is already taken.
    public mutating func add(_ guestPath: String, _ node: Node) {
        let path = Self.normalize(guestPath)
        if nodes[path] == nil { set(path, node) }
    }

    /// Adds a host file unless its guest path is already taken.
    public mutating func add(_ file: File) {
        add(file.guestPath, .file(hostPath: file.hostPath, mode: file.mode))
    }

    public mutating func remove(_ guestPath: String) {
        let path = Self.normalize(guestPath)
        guard nodes.removeValue(forKey: path) != nil else { return }
        paths.removeAll { $0 == path }
    }

    public subscript(guestPath: String) -> Node? { nodes[Self.normalize(guestPath)] }

    /// The entries in the order they were first added.
    public var entries: [(path: String, node: Node)] { paths.map { ($0, nodes[$0]!) } }

    /// Host files copied into the image.
    public var files: [File] {
        entries.compactMap { e in
            if case .file(let host, let mode) = e.node { return File(guestPath: e.path, hostPath: host, mode: mode) }
            return nil
        }
    }

    /// `/a//b/./c/../d/` → `/a/b/d`; guest paths are always absolute.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                _ = parts.popLast()
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
