import LinuxABI

/// The tree of mounted file systems and every path-based operation on it: what the kernel's
/// system-call layer calls for `open`, `stat`, `mkdir`, `rename` and the rest.
///
/// The VFS resolves paths (mount crossings, `..` across mount roots, symlinks up to 40 deep,
/// trailing slashes, `AT_EMPTY_PATH`), applies the checks Linux makes above the file system
/// (permissions, read-only mounts, `.`/`..` as final names, busy mount points) in Linux's
/// order so that each failure gets Linux's errno, and keeps directories' dentry caches in step.
/// File systems do the rest inside their nodes, under their own per-node locks.
///
/// Nothing here is global: the kernel may run several trees (containers, tests). Paths are
/// bytes without the terminating NUL.
public final class VirtualFileSystem {
    public let lockFactory: any VFSLockFactory
    let mountTable: MountTable
    /// The mount at the top of the tree.
    public let rootMount: Mount
    /// Opens device nodes and FIFOs; set by the kernel before the first open, not changed
    /// while other threads use the tree.
    public var deviceOpener: (any DeviceOpener)?

    /// A tree with `root` mounted at `/`; `source` and `typeName` are what `/proc/mounts`
    /// shows for it.
    public init(
        root: any FileSystem, flags: MountFlags = [], lockFactory: any VFSLockFactory, source: [UInt8] = [],
        typeName: [UInt8] = []
    ) {
        self.lockFactory = lockFactory
        mountTable = MountTable(lock: lockFactory.makeLock())
        rootMount = mountTable.add(root, flags: flags, at: nil, source: source, typeName: typeName)
    }

    /// `/` of the tree.
    public var rootLocation: Location { Location(mount: rootMount, node: rootMount.root) }

    /// A context rooted at `/` with `/` as working directory.
    public func makeContext(umask: UInt32 = 0o022, credentials: Credentials = .root) -> FileContext {
        FileContext(root: rootLocation, workingDirectory: rootLocation, umask: umask, credentials: credentials)
    }

    /// The attached mounts in mount order, the root first.
    public var mounts: [Mount] { mountTable.snapshot() }

    // MARK: Resolution

    /// The location `path` names. Relative paths start at `directory` (an `*at` call's
    /// directory) or the working directory. ENOENT for an empty path unless
    /// `.allowEmptyPath`; ENAMETOOLONG for a path of 4096 bytes or more or a component over
    /// 255; ENOTDIR when a non-final component (or one followed by a slash) is not a
    /// directory; ELOOP after 40 symlinks; EACCES when a directory on the way is not
    /// searchable.
    public func lookup(
        _ path: [UInt8], in context: FileContext, at directory: Location? = nil, options: LookupOptions = []
    ) throws(Errno) -> Location {
        try resolve(path, in: context, at: directory, options: options).location
    }

    /// `lookup`, also saying which directory and name the result was found under.
    func resolve(
        _ path: [UInt8], in context: FileContext, at directory: Location?, options: LookupOptions
    ) throws(Errno) -> WalkResult {
        try checkPath(path, allowEmpty: options.contains(.allowEmptyPath))
        let result: WalkResult
        if path.isEmpty {
            result = WalkResult(location: directory ?? context.workingDirectory)
        } else {
            var walk = PathWalk(path)
            result = try self.walk(
                &walk, from: start(of: path, in: context, at: directory), in: context, stopBeforeLast: false,
                followLast: !options.contains(.noFollow))
        }
        if options.contains(.directory) && result.location.node.type != .directory { throw .ENOTDIR }
        return result
    }

    /// `chdir`/`fchdir`/`chroot`: the directory `path` names (an empty path with
    /// `.allowEmptyPath` names `directory` itself), checked for search permission. ENOTDIR for
    /// anything else; EACCES without execute permission. The caller stores the result in the
    /// process's `FileContext`.
    public func directory(
        _ path: [UInt8], in context: FileContext, at directory: Location? = nil, options: LookupOptions = []
    ) throws(Errno) -> Location {
        let location = try lookup(path, in: context, at: directory, options: options.union(.directory))
        if !context.credentials.isSuperuser {
            try Access.check(.execute, location.node.attributes(), context.credentials)
        }
        return location
    }

    /// What a walk ends with.
    struct WalkResult {
        /// The final location, or with `stopBeforeLast` the directory holding `last`.
        var location: Location
        /// The unresolved last component (`stopBeforeLast` only).
        var last: PathComponent? = nil
        /// The directory and name the final location was reached through, when its last step
        /// was a name (not `.`, `..` or an empty path): what `pathName(of:)` needs for files.
        var origin: NameOrigin? = nil
    }

    /// Where a path's last component would live, for the calls that create, remove or rename
    /// it: intermediate symlinks are followed, the last component is not looked up.
    struct ParentLookup {
        enum Kind {
            /// An ordinary name.
            case normal
            /// `.`
            case dot
            /// `..`
            case dotDot
            /// No name at all: the path is `/` (or a chain of symlinks ending there).
            case root
        }

        var parent: Location
        var name: [UInt8]
        var kind: Kind
        var trailingSlash: Bool
    }

    func lookupParent(_ path: [UInt8], in context: FileContext, at directory: Location?) throws(Errno) -> ParentLookup {
        try checkPath(path, allowEmpty: false)
        var walk = PathWalk(path)
        let result = try self.walk(
            &walk, from: start(of: path, in: context, at: directory), in: context, stopBeforeLast: true,
            followLast: false)
        let parent = result.location
        guard let last = result.last else {
            return ParentLookup(parent: parent, name: [], kind: .root, trailingSlash: false)
        }
        let kind: ParentLookup.Kind = last.isDot ? .dot : (last.isDotDot ? .dotDot : .normal)
        return ParentLookup(parent: parent, name: last.name, kind: kind, trailingSlash: last.trailingSlash)
    }

    /// Length rules every path-taking call applies first.
    func checkPath(_ path: [UInt8], allowEmpty: Bool) throws(Errno) {
        guard path.count < VFSLimits.maxPathLength else { throw .ENAMETOOLONG }
        guard allowEmpty || !path.isEmpty else { throw .ENOENT }
    }

    func start(of path: [UInt8], in context: FileContext, at directory: Location?) -> Location {
        PathWalk.isAbsolute(path) ? context.root : (directory ?? context.workingDirectory)
    }

    /// Walks `walk` from `start`. With `stopBeforeLast`, returns the directory holding the
    /// last component and the component, unresolved; otherwise the final location (a final
    /// symlink followed when `followLast` or a trailing slash says so).
    func walk(
        _ walk: inout PathWalk, from start: Location, in context: FileContext, stopBeforeLast: Bool, followLast: Bool
    ) throws(Errno) -> WalkResult {
        var current = start
        var origin: NameOrigin? = nil
        while let component = walk.next() {
            if component.isLast && stopBeforeLast {
                guard current.node.type == .directory else { throw .ENOTDIR }
                if !context.credentials.isSuperuser {
                    try Access.check(.execute, current.node.attributes(), context.credentials)
                }
                return WalkResult(location: current, last: component)
            }
            let child = try step(from: current, component, in: context)
            if child.node.type == .symlink && (!component.isLast || followLast || component.trailingSlash) {
                if let jump = try child.node.linkJump() {
                    try walk.countJump()
                    (current, origin) = jump.resolved(linkMount: child.mount)
                    if component.isLast && component.trailingSlash && current.node.type != .directory { throw .ENOTDIR }
                    continue
                }
                let target = try child.node.readLink()
                if try walk.follow(target) { current = context.root }
                continue
            }
            if component.isLast && component.trailingSlash && child.node.type != .directory { throw .ENOTDIR }
            origin = component.isDot || component.isDotDot ? nil : NameOrigin(directory: current, name: component.name)
            current = child
        }
        return WalkResult(location: current, origin: origin)
    }

    /// One component from directory `current`: `.`, `..`, or a name (crossing onto whatever
    /// is mounted on the result).
    func step(from current: Location, _ component: PathComponent, in context: FileContext) throws(Errno) -> Location {
        guard current.node.type == .directory else { throw .ENOTDIR }
        if !context.credentials.isSuperuser {
            try Access.check(.execute, current.node.attributes(), context.credentials)
        }
        if component.isDot { return current }
        if component.isDotDot { return try parent(of: current, in: context) }
        let node = try child(component.name, of: current.node)
        return crossMounts(Location(mount: current.mount, node: node))
    }

    /// `..` from `location`: stays at the context's root, climbs from a mount's root to the
    /// directory it covers (repeatedly, for stacked mounts) before asking the file system.
    func parent(of location: Location, in context: FileContext) throws(Errno) -> Location {
        var current = location
        while true {
            if current.isSame(as: context.root) { return current }
            guard current.node === current.mount.root else { break }
            guard current.mount.isAttached, let up = current.mount.parent, let point = current.mount.mountpoint else {
                return current
            }
            current = Location(mount: up, node: point)
        }
        let parent = try current.node.parent()
        return crossMounts(Location(mount: current.mount, node: parent))
    }

    /// The root of the topmost mount on `location`, or `location` when nothing is mounted.
    func crossMounts(_ location: Location) -> Location {
        var current = location
        while current.node.isMountPoint, let mount = mountTable.mounted(on: current.node, in: current.mount) {
            current = Location(mount: mount, node: mount.root)
        }
        return current
    }

    /// The child `name` of `directory`, through its dentry cache when it has one.
    func child(_ name: [UInt8], of directory: VNode) throws(Errno) -> VNode {
        guard name.count <= VFSLimits.maxNameLength else { throw .ENAMETOOLONG }
        guard let cache = directory.dentryCache else { return try directory.lookup(name) }
        let (entry, generation) = cache.find(name)
        switch entry {
        case .positive(let node): return node
        case .negative: throw .ENOENT
        case nil: break
        }
        do {
            let node = try directory.lookup(name)
            cache.insert(name, .positive(node), ifGeneration: generation)
            return node
        } catch {
            if error == .ENOENT { cache.insert(name, .negative, ifGeneration: generation) }
            throw error
        }
    }

    /// The child `name` of `directory`, or nil when there is none.
    func childIfPresent(_ name: [UInt8], of directory: VNode) throws(Errno) -> VNode? {
        do {
            return try child(name, of: directory)
        } catch {
            if error == .ENOENT { return nil }
            throw error
        }
    }

    /// Whether something is mounted on `node` as reached through `mount`.
    func isMountPoint(_ node: VNode, in mount: Mount) -> Bool {
        node.isMountPoint && mountTable.mounted(on: node, in: mount) != nil
    }

    // MARK: Checks shared by the operations

    func checkWritable(_ mount: Mount) throws(Errno) {
        if mount.isReadOnly { throw .EROFS }
    }

    /// `may_create`: write and search permission on the directory.
    func mayCreate(in directory: Location, _ context: FileContext) throws(Errno) {
        if context.credentials.isSuperuser { return }
        try Access.check([.write, .execute], directory.node.attributes(), context.credentials)
    }

    /// `may_delete`: write and search permission on the directory, the sticky-bit rule, and
    /// the type the caller expects (`isDirectory` for rmdir and directory renames).
    func mayDelete(_ victim: VNode, from directory: Location, isDirectory: Bool, _ context: FileContext) throws(Errno) {
        let credentials = context.credentials
        if !credentials.isSuperuser {
            let directoryAttributes = try directory.node.attributes()
            try Access.check([.write, .execute], directoryAttributes, credentials)
            if directoryAttributes.permissions & FileConstants.S_ISVTX != 0
                && directoryAttributes.uid != credentials.uid
            {
                guard try victim.attributes().uid == credentials.uid else { throw .EPERM }
            }
        }
        if isDirectory {
            guard victim.type == .directory else { throw .ENOTDIR }
        } else if victim.type == .directory {
            throw .EISDIR
        }
    }

    /// The owner and final permission bits of a node created in `directory`: umask applied,
    /// the directory's group and setgid bit inherited when it is setgid, and a setgid bit on
    /// a new file dropped when its creator is not in the file's group (`inode_init_owner`).
    func newNode(
        in directory: Location, permissions: UInt32, isDirectory: Bool, _ context: FileContext
    ) throws(Errno) -> (owner: NodeOwner, permissions: UInt32) {
        let credentials = context.credentials
        var bits = permissions & 0o7777 & ~context.umask
        var owner = NodeOwner(uid: credentials.uid, gid: credentials.gid)
        let parent = try directory.node.attributes()
        if parent.permissions & FileConstants.S_ISGID != 0 {
            owner.gid = parent.gid
            if isDirectory {
                bits |= FileConstants.S_ISGID
            } else if bits & (FileConstants.S_ISGID | FileConstants.S_IXGRP) == FileConstants.S_ISGID
                | FileConstants.S_IXGRP
                && !credentials.isSuperuser && !credentials.isMember(of: owner.gid)
            {
                bits &= ~FileConstants.S_ISGID
            }
        }
        return (owner, bits)
    }
}
