extension ImageReader {
    /// Walks `path` from `start` (or from the root when it begins with `/`), resolving `.` and
    /// `..` and stopping at the first symlink, which it reports instead of following.
    ///
    /// Errors: `.notFound` for a missing component or an empty path, `.notDirectory` when a
    /// component before the end (or before a trailing slash) is a regular file, `.nameTooLong`
    /// for a component over 255 bytes or a path over 4095. The loop consumes at least one byte
    /// per step, so it ends after at most `path.count` steps.
    public func resolve(_ path: [UInt8], from start: InodeNumber = .root) throws(ImageError) -> PathResolution {
        guard !path.isEmpty else { throw ImageError(.notFound, "empty path") }
        guard path.count <= ImageFormat.maxPathLength else {
            throw ImageError(.nameTooLong, "path of \(path.count) bytes is too long")
        }
        let slash = NameRules.slash
        var current = path[0] == slash ? InodeNumber.root : start
        _ = try record(of: current, as: .directory)
        var index = 0
        while true {
            while index < path.count && path[index] == slash { index += 1 }
            if index == path.count { return .found(current) }
            let begin = index
            while index < path.count && path[index] != slash { index += 1 }
            let name = Array(path[begin..<index])
            guard name.count <= ImageFormat.maxNameLength else {
                throw ImageError(.nameTooLong, "path component of \(name.count) bytes is too long")
            }
            guard let child = try lookup(name, in: current) else {
                throw ImageError(.notFound, "\(printable(name)) not found in \(current)")
            }
            switch try type(of: child) {
            case .directory:
                current = child
            case .symlink:
                return .symlink(link: child, parent: current, remainder: Array(path[index...]))
            case .regular:
                if index == path.count { return .found(child) }
                throw ImageError(.notDirectory, "\(printable(name)) is not a directory")
            }
        }
    }
}
