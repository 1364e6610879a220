import LinuxABI

/// One path component as `PathWalk` hands it out.
struct PathComponent {
    var name: [UInt8]
    /// Whether nothing follows it, counting the rest of the path under every symlink being
    /// expanded.
    var isLast: Bool
    /// Whether the last component was followed by a slash — in its own text or in the text of
    /// a symlink it came from. A trailing slash demands a directory and makes a final symlink
    /// be followed even without follow semantics.
    var trailingSlash: Bool

    var isDot: Bool { name.count == 1 && name[0] == PathWalk.dot }
    var isDotDot: Bool { name.count == 2 && name[0] == PathWalk.dot && name[1] == PathWalk.dot }
}

/// Splits a path into components, splicing in symlink targets as they are followed.
///
/// Targets are not concatenated with the rest of the path (that could exceed PATH_MAX, which
/// Linux does not apply to expansions); each followed target becomes a frame on a stack, read
/// to its end before the frame below resumes. Frames are dropped as soon as they are used up,
/// so "the last component" is simply one that ends the only frame left.
struct PathWalk {
    private struct Frame {
        var bytes: [UInt8]
        var index: Int
    }

    static let slash = UInt8(ascii: "/")
    static let dot = UInt8(ascii: ".")

    private var frames: [Frame]
    /// Whether the text that ends the whole path (as expanded so far) ended with a slash.
    private var endsWithSlash = false
    /// Symlinks followed so far; more than `VFSLimits.maxSymlinks` is ELOOP.
    private(set) var symlinksFollowed = 0

    /// A walk over `path`, which the caller has checked for length.
    init(_ path: [UInt8]) {
        frames = [Frame(bytes: path, index: 0)]
    }

    /// The next component, or nil when the path is used up.
    mutating func next() -> PathComponent? {
        while !frames.isEmpty {
            let top = frames.count - 1
            let bytes = frames[top].bytes
            var index = frames[top].index
            while index < bytes.count && bytes[index] == Self.slash { index += 1 }
            if index == bytes.count {
                frames.removeLast()
                continue
            }
            let begin = index
            while index < bytes.count && bytes[index] != Self.slash { index += 1 }
            let name = Array(bytes[begin..<index])
            var slashes = false
            while index < bytes.count && bytes[index] == Self.slash {
                index += 1
                slashes = true
            }
            frames[top].index = index
            var isLast = false
            if index == bytes.count {
                frames.removeLast()
                if frames.isEmpty {
                    isLast = true
                    endsWithSlash = endsWithSlash || slashes
                }
            }
            return PathComponent(name: name, isLast: isLast, trailingSlash: isLast && endsWithSlash)
        }
        return nil
    }

    /// Continues the walk through `target`, the body of a symlink just met. Returns whether
    /// the target is absolute (the walk then restarts at the root). ELOOP after too many
    /// links, ENOENT for an empty target.
    mutating func follow(_ target: [UInt8]) throws(Errno) -> Bool {
        symlinksFollowed += 1
        guard symlinksFollowed <= VFSLimits.maxSymlinks else { throw .ELOOP }
        guard !target.isEmpty else { throw .ENOENT }
        frames.append(Frame(bytes: target, index: 0))
        return target[0] == Self.slash
    }

    /// Counts a magic link followed by jumping to its object rather than splicing in its
    /// text; ELOOP after too many links, as for `follow`.
    mutating func countJump() throws(Errno) {
        symlinksFollowed += 1
        guard symlinksFollowed <= VFSLimits.maxSymlinks else { throw .ELOOP }
    }

    /// Whether `path` starts at the root.
    static func isAbsolute(_ path: [UInt8]) -> Bool {
        !path.isEmpty && path[0] == slash
    }
}
