import LinuxABI

extension VirtualFileSystem {
    /// `stat`/`lstat`/`newfstatat`/`statx` data for `path` (`options` from the call's
    /// AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH).
    public func attributes(
        of path: [UInt8], in context: FileContext, at directory: Location? = nil, options: LookupOptions = []
    ) throws(Errno) -> FileAttributes {
        try lookup(path, in: context, at: directory, options: options).node.attributes()
    }

    /// `chmod`/`fchmodat`/`fchmod`. EOPNOTSUPP for a symlink (fchmodat2 with
    /// AT_SYMLINK_NOFOLLOW); EROFS; EPERM unless the caller owns the node or is root. A
    /// non-root caller outside the file's group loses the setgid bit, as in Linux.
    public func changeMode(of location: Location, in context: FileContext, mode: UInt32) throws(Errno) {
        if location.node.type == .symlink { throw .EOPNOTSUPP }
        try checkWritable(location.mount)
        let credentials = context.credentials
        var permissions = mode & 0o7777
        if !credentials.isSuperuser {
            let attributes = try location.node.attributes()
            guard attributes.uid == credentials.uid else { throw .EPERM }
            if !credentials.isMember(of: attributes.gid) { permissions &= ~FileConstants.S_ISGID }
        }
        try location.node.setAttributes(AttributeChanges(permissions: permissions))
    }

    /// `chown`/`fchownat`/`fchown`/`lchown`; nil leaves an id alone (the -1 argument). EROFS;
    /// EPERM when a non-root caller changes the owner or moves the file to a group it is not
    /// in (or does not own it). Changing either id clears setuid, and setgid when group
    /// execute is set, on non-directories — for root too, as Linux does.
    public func changeOwner(of location: Location, in context: FileContext, uid: UInt32?, gid: UInt32?) throws(Errno) {
        try checkWritable(location.mount)
        let credentials = context.credentials
        let attributes = try location.node.attributes()
        if !credentials.isSuperuser {
            if let uid, uid != attributes.uid { throw .EPERM }
            if let gid, gid != attributes.gid {
                guard attributes.uid == credentials.uid, credentials.isMember(of: gid) else { throw .EPERM }
            }
        }
        var changes = AttributeChanges(uid: uid, gid: gid)
        if (uid != nil || gid != nil) && attributes.type != .directory && attributes.type != .symlink {
            var permissions = attributes.permissions & ~FileConstants.S_ISUID
            if permissions & FileConstants.S_IXGRP != 0 { permissions &= ~FileConstants.S_ISGID }
            if permissions != attributes.permissions { changes.permissions = permissions }
        }
        if changes.isEmpty { return }
        try location.node.setAttributes(changes)
    }

    /// `utimensat`/`futimens`; nil leaves a time alone (UTIME_OMIT). Both nil does nothing at
    /// all. EINVAL for nanoseconds out of range; EROFS; explicit times need the owner or root
    /// (EPERM); setting both to now also allows anyone who may write the file (EACCES).
    public func setTimes(
        of location: Location, in context: FileContext, access: TimeChange?, modification: TimeChange?
    ) throws(Errno) {
        for change in [access, modification] {
            if case .set(let time) = change, time.nanoseconds < 0 || time.nanoseconds >= 1_000_000_000 {
                throw .EINVAL
            }
        }
        if access == nil && modification == nil { return }
        try checkWritable(location.mount)
        let credentials = context.credentials
        if !credentials.isSuperuser {
            let attributes = try location.node.attributes()
            if attributes.uid != credentials.uid {
                let onlyNow = Self.isNowOrNil(access) && Self.isNowOrNil(modification)
                guard onlyNow else { throw .EPERM }
                try Access.check(.write, attributes, credentials)
            }
        }
        try location.node.setAttributes(AttributeChanges(accessTime: access, modificationTime: modification))
    }

    private static func isNowOrNil(_ change: TimeChange?) -> Bool {
        guard let change else { return true }
        if case .now = change { return true }
        return false
    }

    /// `truncate`: follows symlinks; EINVAL for a negative length or a non-regular file,
    /// EISDIR for a directory, EROFS, EACCES without write permission.
    public func truncate(
        _ path: [UInt8], in context: FileContext, at directory: Location? = nil, length: Int64
    ) throws(Errno) {
        guard length >= 0 else { throw .EINVAL }
        let location = try lookup(path, in: context, at: directory)
        switch location.node.type {
        case .directory: throw .EISDIR
        case .regular: break
        default: throw .EINVAL
        }
        try checkWritable(location.mount)
        if !context.credentials.isSuperuser {
            try Access.check(.write, location.node.attributes(), context.credentials)
        }
        try location.node.resize(to: UInt64(length))
    }

    /// `access`/`faccessat2`: `mode` is F_OK (0) or a mix of R_OK, W_OK, X_OK. EINVAL for
    /// other bits; EROFS for W_OK on a regular file, directory or symlink of a read-only
    /// mount; EACCES. The caller passes the credentials to check (real or effective ids, by
    /// AT_EACCESS).
    public func checkAccess(
        _ path: [UInt8], in context: FileContext, at directory: Location? = nil, mode: Int,
        options: LookupOptions = []
    ) throws(Errno) {
        guard mode & ~7 == 0 else { throw .EINVAL }
        let location = try lookup(path, in: context, at: directory, options: options)
        let access = Access(rawValue: UInt32(mode))
        if access.isEmpty { return }
        let attributes = try location.node.attributes()
        if access.contains(.write) && location.mount.isReadOnly {
            switch attributes.type {
            case .regular, .directory, .symlink: throw .EROFS
            default: break
            }
        }
        try Access.check(access, attributes, context.credentials)
    }

    /// `statfs`/`fstatfs` for the file system `location` is on, with the mount's flags.
    public func statistics(of location: Location) throws(Errno) -> FileSystemStatistics {
        var statistics = try location.mount.fileSystem.statistics()
        let flags = location.mount.flags
        statistics.flags |= FileSystemStatistics.ST_VALID
        if location.mount.isReadOnly { statistics.flags |= FileSystemStatistics.ST_RDONLY }
        if flags.contains(.noSetuid) { statistics.flags |= FileSystemStatistics.ST_NOSUID }
        if flags.contains(.noDevices) { statistics.flags |= FileSystemStatistics.ST_NODEV }
        if flags.contains(.noExec) { statistics.flags |= FileSystemStatistics.ST_NOEXEC }
        return statistics
    }

    /// `statfs` by path.
    public func statistics(
        of path: [UInt8], in context: FileContext, at directory: Location? = nil
    ) throws(Errno) -> FileSystemStatistics {
        try statistics(of: lookup(path, in: context, at: directory))
    }
}
