import LinuxABI

extension VirtualFileSystem {
    /// `mkdir`/`mkdirat`. EEXIST for an existing name (also `.`, `..` and `/`), then EROFS,
    /// EACCES, and the file system's ENOSPC or EMLINK. A trailing slash is allowed.
    public func makeDirectory(
        _ path: [UInt8], in context: FileContext, at directory: Location? = nil, mode: UInt32
    ) throws(Errno) {
        let target = try lookupParent(path, in: context, at: directory)
        guard target.kind == .normal else { throw .EEXIST }
        if try childIfPresent(target.name, of: target.parent.node) != nil { throw .EEXIST }
        try checkWritable(target.parent.mount)
        try mayCreate(in: target.parent, context)
        let (owner, permissions) = try newNode(
            in: target.parent, permissions: mode & 0o1777, isDirectory: true, context)
        _ = try target.parent.node.makeDirectory(target.name, permissions: permissions, owner: owner)
        target.parent.node.dentryCache?.invalidate(target.name)
    }

    /// `mknod`/`mknodat`: a regular file (type 0 or S_IFREG), device node, FIFO or socket.
    /// EPERM for S_IFDIR or, without root, a device; EINVAL for an unknown type (both before
    /// the path is looked at, as in Linux).
    public func makeNode(
        _ path: [UInt8], in context: FileContext, at directory: Location? = nil, mode: UInt32,
        device: DeviceNumber = .none
    ) throws(Errno) {
        let type: VNodeType
        if Int(mode) & FileConstants.S_IFMT == 0 {
            type = .regular
        } else if let decoded = VNodeType(mode: mode), decoded != .symlink {
            guard decoded != .directory else { throw .EPERM }
            type = decoded
        } else {
            throw .EINVAL
        }
        let target = try lookupParent(path, in: context, at: directory)
        let parent = try parentForNewNonDirectory(target)
        try checkWritable(parent.mount)
        try mayCreate(in: parent, context)
        if (type == .characterDevice || type == .blockDevice) && !context.credentials.isSuperuser { throw .EPERM }
        let (owner, permissions) = try newNode(in: parent, permissions: mode, isDirectory: false, context)
        if type == .regular {
            _ = try parent.node.create(target.name, permissions: permissions, owner: owner)
        } else {
            _ = try parent.node.makeSpecial(
                target.name, type: type, permissions: permissions, device: device, owner: owner)
        }
        parent.node.dentryCache?.invalidate(target.name)
    }

    /// `symlink`/`symlinkat`: `path` becomes a symlink to `target`, stored as given. ENOENT
    /// for an empty target, ENAMETOOLONG for one of 4096 bytes or more.
    public func makeSymlink(
        _ path: [UInt8], target: [UInt8], in context: FileContext, at directory: Location? = nil
    ) throws(Errno) {
        guard !target.isEmpty else { throw .ENOENT }
        guard target.count < VFSLimits.maxPathLength else { throw .ENAMETOOLONG }
        let destination = try lookupParent(path, in: context, at: directory)
        let parent = try parentForNewNonDirectory(destination)
        try checkWritable(parent.mount)
        try mayCreate(in: parent, context)
        let owner = NodeOwner(
            uid: context.credentials.uid,
            gid: try newNode(
                in: parent, permissions: 0o777, isDirectory: false, context
            ).owner.gid)
        _ = try parent.node.makeSymlink(destination.name, target: target, owner: owner)
        parent.node.dentryCache?.invalidate(destination.name)
    }

    /// `readlink`/`readlinkat`: the target of the symlink `path` names (not followed). EINVAL
    /// for anything else; an empty path (with `.allowEmptyPath`) reads `directory` itself.
    public func readLink(
        _ path: [UInt8], in context: FileContext, at directory: Location? = nil, options: LookupOptions = []
    ) throws(Errno) -> [UInt8] {
        let location = try lookup(path, in: context, at: directory, options: options.union(.noFollow))
        guard location.node.type == .symlink else { throw .EINVAL }
        return try location.node.readLink()
    }

    /// `link`/`linkat`: a new name `newPath` for what `oldPath` names. `flags` takes
    /// AT_SYMLINK_FOLLOW (follow a final symlink of `oldPath`) and AT_EMPTY_PATH (link the
    /// file `oldDirectory` is; root only, ENOENT otherwise). EEXIST, EXDEV across mounts, EPERM
    /// for a directory, ENOENT for a file with no links left, EMLINK.
    public func link(
        _ oldPath: [UInt8], in context: FileContext, at oldDirectory: Location? = nil, to newPath: [UInt8],
        at newDirectory: Location? = nil, flags: Int = 0
    ) throws(Errno) {
        guard flags & ~(FileConstants.AT_SYMLINK_FOLLOW | FileConstants.AT_EMPTY_PATH) == 0 else { throw .EINVAL }
        var options: LookupOptions = flags & FileConstants.AT_SYMLINK_FOLLOW != 0 ? [] : .noFollow
        if flags & FileConstants.AT_EMPTY_PATH != 0 {
            guard context.credentials.isSuperuser || !oldPath.isEmpty else { throw .ENOENT }
            options.insert(.allowEmptyPath)
        }
        let source = try lookup(oldPath, in: context, at: oldDirectory, options: options)
        let destination = try lookupParent(newPath, in: context, at: newDirectory)
        let parent = try parentForNewNonDirectory(destination)
        try checkWritable(parent.mount)
        guard source.mount === parent.mount else { throw .EXDEV }
        try mayCreate(in: parent, context)
        guard source.node.type != .directory else { throw .EPERM }
        try parent.node.link(source.node, as: destination.name)
        parent.node.dentryCache?.invalidate(destination.name)
    }

    /// `unlinkat`: with AT_REMOVEDIR, `removeDirectory`; otherwise removes a non-directory.
    /// EISDIR for a directory (and for `.`, `..`, `/`), ENOTDIR when a trailing slash follows a
    /// non-directory, EROFS before the name is even looked up (as Linux).
    public func unlink(
        _ path: [UInt8], in context: FileContext, at directory: Location? = nil, flags: Int = 0
    ) throws(Errno) {
        guard flags & ~FileConstants.AT_REMOVEDIR == 0 else { throw .EINVAL }
        if flags & FileConstants.AT_REMOVEDIR != 0 {
            return try removeDirectory(path, in: context, at: directory)
        }
        let target = try lookupParent(path, in: context, at: directory)
        guard target.kind == .normal else { throw .EISDIR }
        try checkWritable(target.parent.mount)
        let victim = try child(target.name, of: target.parent.node)
        if target.trailingSlash { throw victim.type == .directory ? .EISDIR : .ENOTDIR }
        try mayDelete(victim, from: target.parent, isDirectory: false, context)
        if isMountPoint(victim, in: target.parent.mount) { throw .EBUSY }
        defer { target.parent.node.dentryCache?.invalidate(target.name) }
        try target.parent.node.unlink(target.name)
    }

    /// `rmdir`: EINVAL for `.`, ENOTEMPTY for `..`, EBUSY for `/`, a mount root or a
    /// directory something is mounted on, ENOTDIR for a non-directory (symlinks are not
    /// followed), ENOTEMPTY for a directory with entries.
    public func removeDirectory(_ path: [UInt8], in context: FileContext, at directory: Location? = nil) throws(Errno) {
        let target = try lookupParent(path, in: context, at: directory)
        switch target.kind {
        case .dot: throw .EINVAL
        case .dotDot: throw .ENOTEMPTY
        case .root: throw .EBUSY
        case .normal: break
        }
        try checkWritable(target.parent.mount)
        let victim = try child(target.name, of: target.parent.node)
        try mayDelete(victim, from: target.parent, isDirectory: true, context)
        if isMountPoint(victim, in: target.parent.mount) { throw .EBUSY }
        defer {
            target.parent.node.dentryCache?.invalidate(target.name)
            victim.dentryCache?.invalidateAll()
        }
        try target.parent.node.removeDirectory(target.name)
    }

    /// `renameat2`. EINVAL for unknown flags and for RENAME_EXCHANGE with RENAME_NOREPLACE or
    /// RENAME_WHITEOUT; EXDEV across mounts; EBUSY for `.`, `..`, `/` or a mount point (EEXIST
    /// instead with RENAME_NOREPLACE for a target that is `.`/`..`); EROFS; ENOENT; EEXIST with
    /// RENAME_NOREPLACE; ENOTDIR when a trailing slash follows a non-directory; then the
    /// permission checks and the file system's own (EISDIR, ENOTDIR, ENOTEMPTY, EINVAL for a
    /// directory moved into itself). Renaming a name onto another link of the same inode does
    /// nothing and succeeds (and leaves no whiteout).
    ///
    /// RENAME_WHITEOUT leaves a whiteout at the old name, owned as a node the caller creates
    /// there would be (`inode_init_owner`). It needs no privilege: Linux dropped the
    /// CAP_MKNOD check in 5.8, since a 0/0 character device opens nothing. tmpfs and ext4
    /// make whiteouts; 9p and read-only file systems refuse (EINVAL, EROFS).
    public func rename(
        _ oldPath: [UInt8], in context: FileContext, at oldDirectory: Location? = nil, to newPath: [UInt8],
        at newDirectory: Location? = nil, flags: RenameFlags = []
    ) throws(Errno) {
        guard flags.isSubset(of: [.noReplace, .exchange, .whiteout]) else { throw .EINVAL }
        if flags.contains(.exchange) && !flags.isDisjoint(with: [.noReplace, .whiteout]) { throw .EINVAL }
        let old = try lookupParent(oldPath, in: context, at: oldDirectory)
        let new = try lookupParent(newPath, in: context, at: newDirectory)
        guard old.parent.mount === new.parent.mount else { throw .EXDEV }
        guard old.kind == .normal else { throw .EBUSY }
        guard new.kind == .normal else { throw flags.contains(.noReplace) ? .EEXIST : .EBUSY }
        try checkWritable(old.parent.mount)

        let source = try child(old.name, of: old.parent.node)
        let target = try childIfPresent(new.name, of: new.parent.node)
        if flags.contains(.noReplace) && target != nil { throw .EEXIST }
        if flags.contains(.exchange) && target == nil { throw .ENOENT }
        let sourceIsDirectory = source.type == .directory
        if !sourceIsDirectory && (old.trailingSlash || (new.trailingSlash && !flags.contains(.exchange))) {
            throw .ENOTDIR
        }
        if let target, flags.contains(.exchange), target.type != .directory, new.trailingSlash { throw .ENOTDIR }
        // Linux's lock_rename traps, before any permission or type check: a directory cannot
        // move into itself, nor replace one of the directories above the source.
        if sourceIsDirectory, try isAncestor(source, of: new.parent.node, in: new.parent.mount) { throw .EINVAL }
        if let target, target.type == .directory, try isAncestor(target, of: old.parent.node, in: old.parent.mount) {
            throw flags.contains(.exchange) ? .EINVAL : .ENOTEMPTY
        }
        if let target, target === source { return }

        try mayDelete(source, from: old.parent, isDirectory: sourceIsDirectory, context)
        if let target {
            let expectDirectory = flags.contains(.exchange) ? target.type == .directory : sourceIsDirectory
            try mayDelete(target, from: new.parent, isDirectory: expectDirectory, context)
        } else {
            try mayCreate(in: new.parent, context)
        }
        if !context.credentials.isSuperuser && sourceIsDirectory && old.parent.node !== new.parent.node {
            try Access.check(.write, source.attributes(), context.credentials)
        }
        if isMountPoint(source, in: old.parent.mount) { throw .EBUSY }
        if let target, isMountPoint(target, in: new.parent.mount) { throw .EBUSY }
        defer {
            old.parent.node.dentryCache?.invalidate(old.name)
            new.parent.node.dentryCache?.invalidate(new.name)
        }
        let whiteoutOwner =
            flags.contains(.whiteout)
            ? try newNode(in: old.parent, permissions: 0, isDirectory: false, context).owner : NodeOwner.root
        try old.parent.node.rename(
            old.name, to: new.parent.node, as: new.name, flags: flags, whiteoutOwner: whiteoutOwner)
    }

    /// Whether `candidate` is `node` or one of its ancestors within `mount`. The file system
    /// checks again under its rename lock; this pass gives Linux's error order.
    private func isAncestor(_ candidate: VNode, of node: VNode, in mount: Mount) throws(Errno) -> Bool {
        var current = node
        while true {
            if current === candidate { return true }
            if current === mount.root { return false }
            let up = try current.parent()
            if up === current { return false }
            current = up
        }
    }

    /// The directory a new non-directory goes in: EEXIST when the name is taken or is `.`,
    /// `..` or `/`; ENOENT when a trailing slash asks for a directory that does not exist
    /// (Linux's "you had / on the end" rule for mknod, symlink and link).
    private func parentForNewNonDirectory(_ target: ParentLookup) throws(Errno) -> Location {
        guard target.kind == .normal else { throw .EEXIST }
        if try childIfPresent(target.name, of: target.parent.node) != nil { throw .EEXIST }
        if target.trailingSlash { throw .ENOENT }
        return target.parent
    }
}
