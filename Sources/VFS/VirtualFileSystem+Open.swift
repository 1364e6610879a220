import LinuxABI

extension VirtualFileSystem {
    /// `open`/`openat`: resolves `path`, creating the file with O_CREAT, and returns a new open
    /// file description. `mode` is the creation mode before the umask.
    ///
    /// The checks follow Linux's `path_openat`: EINVAL for O_CREAT with O_DIRECTORY or a bad
    /// O_TMPFILE combination; EISDIR for O_CREAT on a directory (a trailing slash, `.`, `..`,
    /// an existing directory); EEXIST for O_CREAT|O_EXCL on anything that exists, dangling
    /// symlinks included; a dangling symlink is followed and its target created otherwise;
    /// ELOOP for O_NOFOLLOW on a final symlink (O_PATH|O_NOFOLLOW opens the link itself);
    /// ENOTDIR for O_DIRECTORY on a non-directory; EISDIR when writing or truncating a
    /// directory; EROFS, then EACCES, for write access that is not allowed; ENXIO for a
    /// socket. O_TRUNC truncates an existing regular file; a newly created file is opened
    /// whatever its mode says.
    public func open(
        _ path: [UInt8], in context: FileContext, at directory: Location? = nil, flags rawFlags: Int,
        mode: UInt32 = 0
    ) throws(Errno) -> OpenFile {
        var raw = rawFlags & OpenFlags.valid
        if raw & FileConstants.O_PATH != 0 { raw &= OpenFlags.pathCompatible }
        let flags = OpenFlags(raw)
        if flags.temporaryFile {
            guard raw & FileConstants.O_CREAT == 0, flags.accessMode != FileConstants.O_RDONLY else { throw .EINVAL }
            return try openTemporaryFile(path, in: context, at: directory, flags: flags, mode: mode)
        }
        if flags.contains(FileConstants.O_CREAT) && flags.contains(FileConstants.O_DIRECTORY) { throw .EINVAL }

        let location: Location
        let origin: NameOrigin?
        let created: Bool
        if flags.contains(FileConstants.O_CREAT) {
            (location, origin, created) = try lookupOrCreate(path, in: context, at: directory, flags: flags, mode: mode)
        } else {
            let options: LookupOptions = flags.contains(FileConstants.O_NOFOLLOW) ? .noFollow : []
            let result = try resolve(path, in: context, at: directory, options: options)
            (location, origin, created) = (result.location, result.origin, false)
        }
        if flags.contains(FileConstants.O_CREAT) && !created && location.node.type == .directory { throw .EISDIR }
        if flags.contains(FileConstants.O_DIRECTORY) && location.node.type != .directory { throw .ENOTDIR }
        let file: OpenFile
        if flags.isPath {
            file = OpenFile(node: location.node, mount: location.mount, flags: flags, lock: lockFactory.makeLock())
        } else {
            file = try finishOpen(location, created: created, flags: flags, context)
        }
        file.origin = origin
        return file
    }

    /// Opens an already resolved location (re-opening `/proc/self/fd/N`, `execve`), with
    /// O_CREAT, O_EXCL, O_PATH and O_TMPFILE ignored. Checks as for `open`.
    public func open(_ location: Location, in context: FileContext, flags rawFlags: Int) throws(Errno) -> OpenFile {
        let ignored = FileConstants.O_CREAT | FileConstants.O_EXCL | FileConstants.O_PATH
        var raw = rawFlags & OpenFlags.valid & ~ignored
        if raw & FileConstants.O_TMPFILE == FileConstants.O_TMPFILE { raw &= ~FileConstants.O_TMPFILE }
        let flags = OpenFlags(raw)
        if flags.contains(FileConstants.O_DIRECTORY) && location.node.type != .directory { throw .ENOTDIR }
        return try finishOpen(location, created: false, flags: flags, context)
    }

    /// What `open` does once the node is found (`do_open`/`may_open`): type and permission
    /// checks for an existing node, device and FIFO handlers, O_TRUNC, the node's open hook.
    private func finishOpen(
        _ location: Location, created: Bool, flags: OpenFlags, _ context: FileContext
    ) throws(Errno) -> OpenFile {
        let node = location.node
        if node.type == .symlink { throw .ELOOP }
        var truncate = flags.contains(FileConstants.O_TRUNC) && !created
        let attributes = try node.attributes()
        if !created {
            var access: Access
            switch flags.accessMode {
            case FileConstants.O_RDONLY: access = .read
            case FileConstants.O_WRONLY: access = .write
            default: access = [.read, .write]
            }
            if truncate { access.insert(.write) }
            switch node.type {
            case .directory:
                if access.contains(.write) { throw .EISDIR }
            case .characterDevice, .blockDevice:
                if location.mount.flags.contains(.noDevices) { throw .EACCES }
                truncate = false
            case .fifo, .socket:
                truncate = false
            default:
                break
            }
            if access.contains(.write) && node.type == .regular { try checkWritable(location.mount) }
            if !context.credentials.isSuperuser { try Access.check(access, attributes, context.credentials) }
        }
        if node.type == .socket { throw .ENXIO }

        var handler = node
        if node.type.isSpecial {
            guard let opener = deviceOpener else { throw .ENXIO }
            handler = try opener.open(node, attributes: attributes, flags: flags)
        } else {
            handler = try node.openHandler(flags: flags)
        }
        if truncate && node.type == .regular {
            try node.resize(to: 0)
        }
        try handler.opened(flags: flags)
        return OpenFile(node: node, handler: handler, mount: location.mount, flags: flags, lock: lockFactory.makeLock())
    }

    /// The O_CREAT walk: the last component is looked up in its directory and created when
    /// missing; a final symlink is followed (and the walk repeated for its target) unless
    /// O_EXCL or O_NOFOLLOW forbid it.
    private func lookupOrCreate(
        _ path: [UInt8], in context: FileContext, at directory: Location?, flags: OpenFlags, mode: UInt32
    ) throws(Errno) -> (Location, NameOrigin?, Bool) {
        try checkPath(path, allowEmpty: false)
        var walk = PathWalk(path)
        var start = start(of: path, in: context, at: directory)
        while true {
            let result = try self.walk(&walk, from: start, in: context, stopBeforeLast: true, followLast: true)
            let parent = result.location
            guard let last = result.last else { throw .EISDIR }
            let origin = NameOrigin(directory: parent, name: last.name)
            if last.isDot || last.isDotDot || last.trailingSlash { throw .EISDIR }
            if let existing = try childIfPresent(last.name, of: parent.node) {
                if flags.contains(FileConstants.O_EXCL) { throw .EEXIST }
                let location = crossMounts(Location(mount: parent.mount, node: existing))
                guard location.node.type == .symlink else { return (location, origin, false) }
                if flags.contains(FileConstants.O_NOFOLLOW) { throw .ELOOP }
                if let jump = try location.node.linkJump() {
                    try walk.countJump()
                    let (destination, jumpOrigin) = jump.resolved(linkMount: location.mount)
                    return (destination, jumpOrigin, false)
                }
                let target = try location.node.readLink()
                start = try walk.follow(target) ? context.root : parent
                continue
            }
            try checkWritable(parent.mount)
            try mayCreate(in: parent, context)
            let (owner, permissions) = try newNode(in: parent, permissions: mode, isDirectory: false, context)
            let node = try parent.node.create(last.name, permissions: permissions, owner: owner)
            parent.node.dentryCache?.invalidate(last.name)
            return (Location(mount: parent.mount, node: node), origin, true)
        }
    }

    /// O_TMPFILE: an unnamed file in the directory `path` names.
    private func openTemporaryFile(
        _ path: [UInt8], in context: FileContext, at directory: Location?, flags: OpenFlags, mode: UInt32
    ) throws(Errno) -> OpenFile {
        let location = try lookup(path, in: context, at: directory, options: .directory)
        try checkWritable(location.mount)
        try mayCreate(in: location, context)
        let (owner, permissions) = try newNode(in: location, permissions: mode, isDirectory: false, context)
        let node = try location.node.makeTemporaryFile(
            permissions: permissions, owner: owner, linkable: !flags.contains(FileConstants.O_EXCL))
        let kept = OpenFlags(flags.rawValue & ~FileConstants.O_TMPFILE)
        try node.opened(flags: kept)
        return OpenFile(node: node, mount: location.mount, flags: kept, lock: lockFactory.makeLock())
    }
}
