/// Builds an application image from directories, files, symlinks and hard links.
///
/// Portable, allocation-only code: the host CLI (`skiff build`) uses it, and tests use it to make
/// images for the reader. Paths are byte strings, split on `/`; empty components (leading,
/// repeated or trailing slashes) are ignored, and `.` or `..` components are rejected rather than
/// interpreted. Missing parent directories are created implicitly.
///
/// The output depends only on the final tree, not on the order of the calls that built it:
/// inodes are numbered breadth-first in name order and data is laid out in inode order, so the
/// same tree always yields the same bytes and images can be cached by content.
public struct ImageBuilder {
    /// Node 0 is the root.
    var nodes: [BuilderNode]

    /// Attributes of directories created implicitly as parents, and of the root unless it is
    /// added explicitly. Applied when the image is built.
    public var implicitDirectoryAttributes: NodeAttributes = .directory
    /// log2 of the page size large files are aligned to (12 through 16).
    public var pageShift: Int = ImageFormat.defaultPageShift
    /// Whether files with identical contents share one copy of their data.
    public var deduplicatesContents = true
    /// Whether the superblock carries a checksum of the data region.
    public var includesDataChecksum = true

    public init() {
        nodes = [BuilderNode(type: .directory, attributes: nil)]
    }

    /// Adds a directory, or sets the attributes of one created implicitly before. An empty path
    /// (or "/") names the root.
    public mutating func addDirectory(at path: [UInt8], attributes: NodeAttributes = .directory) throws(ImageError) {
        try Self.check(attributes)
        let components = try Self.components(of: path)
        guard let name = components.last else {
            guard nodes[0].attributes == nil else { throw ImageError(.alreadyExists, "/ was already added") }
            nodes[0].attributes = attributes
            return
        }
        let parent = try directory(at: components.dropLast(), path: path)
        let position = nodes[parent].childPosition(name)
        if position.found {
            let existing = nodes[parent].children[position.index].node
            guard nodes[existing].type == .directory, nodes[existing].attributes == nil else {
                throw ImageError(.alreadyExists, "\(printable(path)) already exists")
            }
            nodes[existing].attributes = attributes
            return
        }
        insert(BuilderNode(type: .directory, attributes: attributes), named: name, in: parent, at: position.index)
    }

    /// Adds a regular file with `contents`.
    public mutating func addFile(
        at path: [UInt8], contents: [UInt8], attributes: NodeAttributes = .file
    ) throws(ImageError) {
        try Self.check(attributes)
        var node = BuilderNode(type: .regular, attributes: attributes)
        node.contents = contents
        try add(node, at: path)
    }

    /// Adds a symlink whose target is `target`, stored as given (1 to 4095 bytes, no NUL).
    public mutating func addSymlink(
        at path: [UInt8], target: [UInt8], attributes: NodeAttributes = .symlink
    ) throws(ImageError) {
        try Self.check(attributes)
        guard !target.isEmpty, !target.contains(0) else {
            throw ImageError(.invalidName, "symlink target for \(printable(path)) is empty or contains NUL")
        }
        guard target.count <= ImageFormat.maxSymlinkTargetLength else {
            throw ImageError(.nameTooLong, "symlink target for \(printable(path)) is longer than 4095 bytes")
        }
        var node = BuilderNode(type: .symlink, attributes: attributes)
        node.target = target
        try add(node, at: path)
    }

    /// Adds a second name for the file or symlink at `existing` (not followed if a symlink);
    /// both names then share one inode. Directories cannot be hard-linked.
    public mutating func addHardLink(at path: [UInt8], to existing: [UInt8]) throws(ImageError) {
        let existingComponents = try Self.components(of: existing)
        guard let existingName = existingComponents.last else {
            throw ImageError(.isDirectory, "cannot hard-link the root directory")
        }
        let existingParent = try directory(at: existingComponents.dropLast(), path: existing, creating: false)
        let found = nodes[existingParent].childPosition(existingName)
        guard found.found else { throw ImageError(.notFound, "\(printable(existing)) does not exist") }
        let target = nodes[existingParent].children[found.index].node
        guard nodes[target].type != .directory else {
            throw ImageError(.isDirectory, "cannot hard-link directory \(printable(existing))")
        }
        let components = try Self.components(of: path)
        guard let name = components.last else { throw ImageError(.alreadyExists, "/ already exists") }
        let parent = try directory(at: components.dropLast(), path: path)
        let position = nodes[parent].childPosition(name)
        guard !position.found else { throw ImageError(.alreadyExists, "\(printable(path)) already exists") }
        nodes[parent].children.insert(BuilderChild(name: name, node: target), at: position.index)
    }

    // MARK: String conveniences

    public mutating func addDirectory(at path: String, attributes: NodeAttributes = .directory) throws(ImageError) {
        try addDirectory(at: Array(path.utf8), attributes: attributes)
    }

    public mutating func addFile(at path: String, contents: [UInt8], attributes: NodeAttributes = .file)
        throws(ImageError)
    {
        try addFile(at: Array(path.utf8), contents: contents, attributes: attributes)
    }

    public mutating func addSymlink(at path: String, target: String, attributes: NodeAttributes = .symlink)
        throws(ImageError)
    {
        try addSymlink(at: Array(path.utf8), target: Array(target.utf8), attributes: attributes)
    }

    public mutating func addHardLink(at path: String, to existing: String) throws(ImageError) {
        try addHardLink(at: Array(path.utf8), to: Array(existing.utf8))
    }

    // MARK: Tree editing

    /// Adds a new non-directory `node` at `path`, which must not exist yet.
    private mutating func add(_ node: BuilderNode, at path: [UInt8]) throws(ImageError) {
        let components = try Self.components(of: path)
        guard let name = components.last else { throw ImageError(.alreadyExists, "/ already exists") }
        let parent = try directory(at: components.dropLast(), path: path)
        let position = nodes[parent].childPosition(name)
        guard !position.found else { throw ImageError(.alreadyExists, "\(printable(path)) already exists") }
        insert(node, named: name, in: parent, at: position.index)
    }

    private mutating func insert(_ node: BuilderNode, named name: [UInt8], in parent: Int, at index: Int) {
        nodes.append(node)
        nodes[parent].children.insert(BuilderChild(name: name, node: nodes.count - 1), at: index)
    }

    /// The node index of the directory reached by `components`, creating missing ones when
    /// `creating`. Symlinks are not followed: a path through one is an error.
    private mutating func directory(
        at components: ArraySlice<[UInt8]>, path: [UInt8], creating: Bool = true
    ) throws(ImageError) -> Int {
        var current = 0
        for name in components {
            let position = nodes[current].childPosition(name)
            if position.found {
                let child = nodes[current].children[position.index].node
                guard nodes[child].type == .directory else {
                    throw ImageError(.notDirectory, "a parent of \(printable(path)) is not a directory")
                }
                current = child
            } else {
                guard creating else { throw ImageError(.notFound, "\(printable(path)) does not exist") }
                insert(BuilderNode(type: .directory, attributes: nil), named: name, in: current, at: position.index)
                current = nodes.count - 1
            }
        }
        return current
    }

    /// Splits `path` into validated names.
    static func components(of path: [UInt8]) throws(ImageError) -> [[UInt8]] {
        guard path.count <= ImageFormat.maxPathLength else {
            throw ImageError(.nameTooLong, "path of \(path.count) bytes is too long")
        }
        var result: [[UInt8]] = []
        for part in path.split(separator: NameRules.slash, omittingEmptySubsequences: true) {
            let name = Array(part)
            if let problem = NameRules.problem(with: name) {
                throw ImageError(problem.kind, "name \(printable(name)) in \(printable(path)) \(problem.text)")
            }
            result.append(name)
        }
        return result
    }

    static func check(_ attributes: NodeAttributes) throws(ImageError) {
        guard UInt32(attributes.permissions) & ~FileType.permissionMask == 0 else {
            throw ImageError(.invalidArgument, "permissions \(octal(attributes.permissions)) exceed 0o7777")
        }
        guard attributes.modificationTime.nanoseconds < 1_000_000_000 else {
            throw ImageError(.invalidArgument, "timestamp has \(attributes.modificationTime.nanoseconds) nanoseconds")
        }
    }
}
