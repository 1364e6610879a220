import LinuxABI

extension VirtualFileSystem {
    /// Mounts `fileSystem` on the directory `path` names (on top of whatever is mounted there
    /// already). ENOTDIR when it is not a directory; EPERM for non-root callers. `source` and
    /// `typeName` are what `/proc/mounts` shows ("tmpfs", "tmpfs").
    @discardableResult
    public func mount(
        _ fileSystem: any FileSystem, at path: [UInt8], in context: FileContext, flags: MountFlags = [],
        source: [UInt8] = [], typeName: [UInt8] = []
    ) throws(Errno) -> Mount {
        guard context.credentials.isSuperuser else { throw .EPERM }
        let location = try lookup(path, in: context, options: .directory)
        return mountTable.add(fileSystem, flags: flags, at: location, source: source, typeName: typeName)
    }

    /// `umount2`: removes the mount whose root `path` names. EINVAL when `path` is not a mount
    /// root; EBUSY for the root of the tree, or while files are open on the mount or other
    /// mounts sit below it — unless `.detach`, which removes the mount and everything below
    /// at once and lets open files keep working. A file system whose last mount goes is told
    /// through `unmounted()`.
    public func unmount(_ path: [UInt8], in context: FileContext, flags: UnmountFlags = []) throws(Errno) {
        guard context.credentials.isSuperuser else { throw .EPERM }
        let options: LookupOptions = flags.contains(.noFollow) ? .noFollow : []
        let location = try lookup(path, in: context, options: options)
        let mount = location.mount
        guard location.node === mount.root else { throw .EINVAL }
        guard mount !== rootMount else { throw .EBUSY }
        let orphaned = try mountTable.remove(mount, recursive: flags.contains(.detach)) { mount in
            mount.openFileCount > 0
        }
        for fileSystem in orphaned { fileSystem.unmounted() }
    }

    /// The path of an open file (`readlink` of `/proc/self/fd/N` and `/proc/self/exe`): a
    /// directory's current path; for other files the path of the directory they were opened
    /// in plus their name, with " (deleted)" appended once they have no links, as Linux shows.
    /// ENOENT for anonymous files (pipes, sockets) and descriptors opened without a name.
    public func pathName(of file: OpenFile, in context: FileContext) throws(Errno) -> [UInt8] {
        if file.node.type == .directory, let location = file.location {
            return try pathName(of: location, in: context)
        }
        guard let origin = file.origin else { throw .ENOENT }
        var path = try pathName(of: origin.directory, in: context)
        if path != [PathWalk.slash] { path.append(PathWalk.slash) }
        path.append(contentsOf: origin.name)
        if try file.node.attributes().linkCount == 0 {
            path.append(contentsOf: Array(" (deleted)".utf8))
        }
        return path
    }

    /// The absolute path of `location` as seen from `context.root` (`getcwd`). ENOENT when the
    /// directory has been removed. The names are found by reading each parent directory, so
    /// this is for the rare callers that need a name, not for hot paths.
    public func pathName(of location: Location, in context: FileContext) throws(Errno) -> [UInt8] {
        let slash = PathWalk.slash
        if location.node.type == .directory, try location.node.attributes().linkCount == 0 { throw .ENOENT }
        var names: [[UInt8]] = []
        var current = location
        while !current.isSame(as: context.root) {
            if current.node === current.mount.root {
                guard current.mount.isAttached, let up = current.mount.parent, let point = current.mount.mountpoint
                else {
                    break
                }
                current = Location(mount: up, node: point)
                continue
            }
            let parent = try current.node.parent()
            let inode = try current.node.attributes().inode
            var found: [UInt8]? = nil
            try parent.readDirectory(from: 0) { item in
                let isDots = item.name == [PathWalk.dot] || item.name == [PathWalk.dot, PathWalk.dot]
                if item.inode == inode && !isDots {
                    found = item.name
                    return false
                }
                return true
            }
            guard let name = found else { throw .ENOENT }
            names.append(name)
            current = Location(mount: current.mount, node: parent)
        }
        if names.isEmpty { return [slash] }
        var path: [UInt8] = []
        for name in names.reversed() {
            path.append(slash)
            path.append(contentsOf: name)
        }
        return path
    }
}
