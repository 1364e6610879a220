#if SKIFF_KERNEL
import LinuxABI
import VFS

/// System calls that name files by path: open, stat, directories, links, renames, attributes.
/// Each `*at` form resolves relative paths from a directory descriptor (or the working
/// directory for AT_FDCWD); the legacy forms are the `*at` form with AT_FDCWD.
extension Syscalls {
    static var vfs: VirtualFileSystem { FileSystems.vfs }
    static var context: FileContext { process.fileContext }

    /// A path argument: at most 4095 bytes plus NUL (ENAMETOOLONG), EFAULT on a bad pointer.
    static func path(_ address: UInt64) -> Result<[UInt8], Errno> {
        UserMemory.string(at: address, maximum: 4095)
    }

    /// The directory a `*at` call starts from: nil for AT_FDCWD.
    static func directory(_ dirfd: Int) -> Result<Location?, Errno> {
        if dirfd == FileConstants.AT_FDCWD { return .success(nil) }
        guard case .success(let file) = openFile(dirfd) else { return .failure(.EBADF) }
        guard let location = file.location else { return .failure(.ENOTDIR) }
        return .success(location)
    }

    /// A (dirfd, path) pair: the path, and the directory it starts from (nil for AT_FDCWD).
    /// An absolute path ignores dirfd, even a bad one; otherwise EBADF for a bad dirfd and
    /// ENOTDIR for one with no place in the tree (a pipe, a socket).
    static func named(_ dirfd: Int, _ pathAddress: UInt64) -> Result<(path: [UInt8], directory: Location?), Errno> {
        let p: [UInt8]
        switch path(pathAddress) {
        case .success(let v): p = v
        case .failure(let e): return .failure(e)
        }
        switch directory(dirfd) {
        case .success(let d): return .success((p, d))
        case .failure(let e): return p.first == UInt8(ascii: "/") ? .success((p, nil)) : .failure(e)
        }
    }

    /// Resolves (dirfd, path) arguments and runs `body`.
    static func at(
        _ dirfd: Int, _ pathAddress: UInt64, _ body: ([UInt8], Location?) throws(Errno) -> Int
    ) -> SyscallResult {
        switch named(dirfd, pathAddress) {
        case .success(let name): return attempt { () throws(Errno) -> Int in try body(name.path, name.directory) }
        case .failure(let e): return .failure(e)
        }
    }

    // MARK: Opening

    /// openat(dirfd, path, flags, mode)
    static func openat(_ dirfd: Int, _ pathAddress: UInt64, flags: Int, mode: UInt32) -> SyscallResult {
        at(dirfd, pathAddress) { p, d throws(Errno) in
            let file = try vfs.open(p, in: context, at: d, flags: flags, mode: mode)
            return Int(try process.files.install(file, closeOnExec: flags & FileConstants.O_CLOEXEC != 0))
        }
    }

    static func open(_ a: SyscallArguments) -> SyscallResult {
        openat(FileConstants.AT_FDCWD, a.a0, flags: a.int(1), mode: UInt32(truncatingIfNeeded: a.a2))
    }

    static func openat(_ a: SyscallArguments) -> SyscallResult {
        openat(a.int(0), a.a1, flags: a.int(2), mode: UInt32(truncatingIfNeeded: a.a3))
    }

    static func creat(_ a: SyscallArguments) -> SyscallResult {
        openat(
            FileConstants.AT_FDCWD, a.a0,
            flags: FileConstants.O_CREAT | FileConstants.O_WRONLY | FileConstants.O_TRUNC,
            mode: UInt32(truncatingIfNeeded: a.a1))
    }

    // MARK: Status

    /// newfstatat(dirfd, path, statbuf, flags) — also stat and lstat.
    static func fstatat(_ dirfd: Int, _ pathAddress: UInt64, _ buffer: UInt64, flags: Int) -> SyscallResult {
        guard flags & ~(FileConstants.AT_SYMLINK_NOFOLLOW | FileConstants.AT_EMPTY_PATH | FileConstants.AT_NO_AUTOMOUNT) == 0 else {
            return .failure(.EINVAL)
        }
        let attributes: Result<FileAttributes, Errno>
        if flags & FileConstants.AT_EMPTY_PATH != 0, case .success(let p) = path(pathAddress), p.isEmpty {
            guard dirfd != FileConstants.AT_FDCWD else {
                return stat(Location?.none, buffer)
            }
            guard case .success(let file) = openFile(dirfd) else { return .failure(.EBADF) }
            attributes = attributeResult(file)
        } else {
            var found: FileAttributes? = nil
            let r = at(dirfd, pathAddress) { p, d throws(Errno) in
                found = try vfs.attributes(of: p, in: context, at: d, options: LookupOptions(atFlags: flags))
                return 0
            }
            if case .failure(let e) = r { return .failure(e) }
            attributes = .success(found!)
        }
        switch attributes {
        case .success(let s):
            if let e = UserMemory.copyOut(s.linuxStat.encoded, to: buffer) { return .failure(e) }
            return .success(0)
        case .failure(let e):
            return .failure(e)
        }
    }

    private static func stat(_ location: Location?, _ buffer: UInt64) -> SyscallResult {
        let node = location?.node ?? context.workingDirectory.node
        do throws(Errno) {
            if let e = UserMemory.copyOut(try node.attributes().linuxStat.encoded, to: buffer) { return .failure(e) }
            return .success(0)
        } catch {
            return .failure(error)
        }
    }

    static func stat(_ a: SyscallArguments) -> SyscallResult { fstatat(FileConstants.AT_FDCWD, a.a0, a.a1, flags: 0) }
    static func lstat(_ a: SyscallArguments) -> SyscallResult {
        fstatat(FileConstants.AT_FDCWD, a.a0, a.a1, flags: FileConstants.AT_SYMLINK_NOFOLLOW)
    }
    static func newfstatat(_ a: SyscallArguments) -> SyscallResult { fstatat(a.int(0), a.a1, a.a2, flags: a.int(3)) }

    /// fstat(fd, statbuf)
    static func fstat(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        switch attributeResult(file) {
        case .success(let s):
            if let e = UserMemory.copyOut(s.linuxStat.encoded, to: a.a1) { return .failure(e) }
            return .success(0)
        case .failure(let e):
            return .failure(e)
        }
    }

    /// statx(dirfd, path, flags, mask, statxbuf)
    static func statx(_ a: SyscallArguments) -> SyscallResult {
        let flags = a.int(2)
        do throws(Errno) { try Statx.validate(flags: flags, mask: UInt32(truncatingIfNeeded: a.a3)) } catch {
            return .failure(error)
        }
        var attributes: FileAttributes? = nil
        var mountID: UInt64 = 0
        if flags & FileConstants.AT_EMPTY_PATH != 0, case .success(let p) = path(a.a1), p.isEmpty, a.int(0) != FileConstants.AT_FDCWD {
            guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
            if case .success(let s) = attributeResult(file) { attributes = s }
            mountID = file.mount?.id ?? 0
        } else {
            let r = at(a.int(0), a.a1) { p, d throws(Errno) in
                let location = try vfs.lookup(p, in: context, at: d, options: LookupOptions(atFlags: flags))
                attributes = try location.node.attributes()
                mountID = location.mount.id
                return 0
            }
            if case .failure(let e) = r { return .failure(e) }
        }
        guard let s = attributes else { return .failure(.EBADF) }
        if let e = UserMemory.copyOut(Statx.encode(s, mountID: mountID), to: a.a4) { return .failure(e) }
        return .success(0)
    }

    /// faccessat(dirfd, path, mode) and faccessat2(…, flags); access(path, mode).
    static func faccessat(_ dirfd: Int, _ pathAddress: UInt64, mode: Int, flags: Int) -> SyscallResult {
        guard mode & ~7 == 0 else { return .failure(.EINVAL) }
        return at(dirfd, pathAddress) { p, d throws(Errno) in
            try vfs.checkAccess(p, in: context, at: d, mode: mode, options: LookupOptions(atFlags: flags))
            return 0
        }
    }

    static func access(_ a: SyscallArguments) -> SyscallResult { faccessat(FileConstants.AT_FDCWD, a.a0, mode: a.int(1), flags: 0) }
    static func faccessat(_ a: SyscallArguments) -> SyscallResult { faccessat(a.int(0), a.a1, mode: a.int(2), flags: 0) }
    static func faccessat2(_ a: SyscallArguments) -> SyscallResult { faccessat(a.int(0), a.a1, mode: a.int(2), flags: a.int(3)) }

    /// readlinkat(dirfd, path, buf, size); readlink(path, buf, size).
    static func readlinkat(_ dirfd: Int, _ pathAddress: UInt64, _ buffer: UInt64, _ size: Int) -> SyscallResult {
        guard size > 0 else { return .failure(.EINVAL) }
        var target: [UInt8] = []
        let r = at(dirfd, pathAddress) { p, d throws(Errno) in
            target = try vfs.readLink(p, in: context, at: d)
            return 0
        }
        if case .failure(let e) = r { return .failure(e) }
        let n = min(size, target.count)
        if let e = UserMemory.copyOut(Array(target[0..<n]), to: buffer) { return .failure(e) }
        return .success(n)
    }

    static func readlink(_ a: SyscallArguments) -> SyscallResult { readlinkat(FileConstants.AT_FDCWD, a.a0, a.a1, a.int(2)) }
    static func readlinkat(_ a: SyscallArguments) -> SyscallResult { readlinkat(a.int(0), a.a1, a.a2, a.int(3)) }

    /// statfs(path, buf) / fstatfs(fd, buf)
    static func statfs(_ a: SyscallArguments) -> SyscallResult {
        var statistics: FileSystemStatistics? = nil
        let r = at(FileConstants.AT_FDCWD, a.a0) { p, d throws(Errno) in
            statistics = try vfs.statistics(of: p, in: context, at: d)
            return 0
        }
        if case .failure(let e) = r { return .failure(e) }
        if let e = UserMemory.copyOut(statistics!.encoded, to: a.a1) { return .failure(e) }
        return .success(0)
    }

    static func fstatfs(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        guard let location = file.location else { return .failure(.ENOSYS) }
        do throws(Errno) {
            if let e = UserMemory.copyOut(try vfs.statistics(of: location).encoded, to: a.a1) { return .failure(e) }
            return .success(0)
        } catch {
            return .failure(error)
        }
    }

    // MARK: Names

    static func mkdirat(_ dirfd: Int, _ pathAddress: UInt64, mode: UInt32) -> SyscallResult {
        at(dirfd, pathAddress) { p, d throws(Errno) in
            try vfs.makeDirectory(p, in: context, at: d, mode: mode)
            return 0
        }
    }

    static func mkdir(_ a: SyscallArguments) -> SyscallResult { mkdirat(FileConstants.AT_FDCWD, a.a0, mode: UInt32(truncatingIfNeeded: a.a1)) }
    static func mkdirat(_ a: SyscallArguments) -> SyscallResult { mkdirat(a.int(0), a.a1, mode: UInt32(truncatingIfNeeded: a.a2)) }

    static func mknodat(_ dirfd: Int, _ pathAddress: UInt64, mode: UInt32, device: UInt64) -> SyscallResult {
        at(dirfd, pathAddress) { p, d throws(Errno) in
            try vfs.makeNode(p, in: context, at: d, mode: mode, device: DeviceNumber(encoded: device))
            return 0
        }
    }

    static func mknod(_ a: SyscallArguments) -> SyscallResult {
        mknodat(FileConstants.AT_FDCWD, a.a0, mode: UInt32(truncatingIfNeeded: a.a1), device: a.a2)
    }
    static func mknodat(_ a: SyscallArguments) -> SyscallResult {
        mknodat(a.int(0), a.a1, mode: UInt32(truncatingIfNeeded: a.a2), device: a.a3)
    }

    static func unlinkat(_ dirfd: Int, _ pathAddress: UInt64, flags: Int) -> SyscallResult {
        at(dirfd, pathAddress) { p, d throws(Errno) in
            try vfs.unlink(p, in: context, at: d, flags: flags)
            return 0
        }
    }

    static func unlink(_ a: SyscallArguments) -> SyscallResult { unlinkat(FileConstants.AT_FDCWD, a.a0, flags: 0) }
    static func unlinkat(_ a: SyscallArguments) -> SyscallResult { unlinkat(a.int(0), a.a1, flags: a.int(2)) }
    static func rmdir(_ a: SyscallArguments) -> SyscallResult {
        at(FileConstants.AT_FDCWD, a.a0) { p, d throws(Errno) in
            try vfs.removeDirectory(p, in: context, at: d)
            return 0
        }
    }

    static func symlinkat(_ targetAddress: UInt64, _ dirfd: Int, _ pathAddress: UInt64) -> SyscallResult {
        let target: [UInt8]
        switch path(targetAddress) {
        case .success(let t): target = t
        case .failure(let e): return .failure(e)
        }
        return at(dirfd, pathAddress) { p, d throws(Errno) in
            try vfs.makeSymlink(p, target: target, in: context, at: d)
            return 0
        }
    }

    static func symlink(_ a: SyscallArguments) -> SyscallResult { symlinkat(a.a0, FileConstants.AT_FDCWD, a.a1) }
    static func symlinkat(_ a: SyscallArguments) -> SyscallResult { symlinkat(a.a0, a.int(1), a.a2) }

    static func linkat(_ oldDirfd: Int, _ oldAddress: UInt64, _ newDirfd: Int, _ newAddress: UInt64, flags: Int) -> SyscallResult {
        let old: (path: [UInt8], directory: Location?)
        switch named(oldDirfd, oldAddress) {
        case .success(let name): old = name
        case .failure(let e): return .failure(e)
        }
        return at(newDirfd, newAddress) { p, d throws(Errno) in
            try vfs.link(old.path, in: context, at: old.directory, to: p, at: d, flags: flags)
            return 0
        }
    }

    static func link(_ a: SyscallArguments) -> SyscallResult {
        linkat(FileConstants.AT_FDCWD, a.a0, FileConstants.AT_FDCWD, a.a1, flags: 0)
    }
    static func linkat(_ a: SyscallArguments) -> SyscallResult { linkat(a.int(0), a.a1, a.int(2), a.a3, flags: a.int(4)) }

    static func renameat(_ oldDirfd: Int, _ oldAddress: UInt64, _ newDirfd: Int, _ newAddress: UInt64, flags: UInt32) -> SyscallResult {
        let old: (path: [UInt8], directory: Location?)
        switch named(oldDirfd, oldAddress) {
        case .success(let name): old = name
        case .failure(let e): return .failure(e)
        }
        return at(newDirfd, newAddress) { p, d throws(Errno) in
            try vfs.rename(old.path, in: context, at: old.directory, to: p, at: d, flags: RenameFlags(rawValue: flags))
            return 0
        }
    }

    static func rename(_ a: SyscallArguments) -> SyscallResult {
        renameat(FileConstants.AT_FDCWD, a.a0, FileConstants.AT_FDCWD, a.a1, flags: 0)
    }
    static func renameat(_ a: SyscallArguments) -> SyscallResult { renameat(a.int(0), a.a1, a.int(2), a.a3, flags: 0) }
    static func renameat2(_ a: SyscallArguments) -> SyscallResult {
        renameat(a.int(0), a.a1, a.int(2), a.a3, flags: UInt32(truncatingIfNeeded: a.a4))
    }

    // MARK: Working directory

    /// chdir(path)
    static func chdir(_ a: SyscallArguments) -> SyscallResult {
        at(FileConstants.AT_FDCWD, a.a0) { p, d throws(Errno) in
            let location = try vfs.directory(p, in: context, at: d)
            process.fileContext.workingDirectory = location
            return 0
        }
    }

    /// fchdir(fd)
    static func fchdir(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        guard let location = file.location, file.node.type == .directory else { return .failure(.ENOTDIR) }
        process.fileContext.workingDirectory = location
        return .success(0)
    }

    /// getcwd(buf, size): returns the length including the NUL.
    static func getcwd(_ a: SyscallArguments) -> SyscallResult {
        var name: [UInt8] = []
        let r = attempt { () throws(Errno) -> Int in
            name = try vfs.pathName(of: context.workingDirectory, in: context)
            return 0
        }
        if case .failure(let e) = r { return .failure(e) }
        name.append(0)
        guard Int(truncatingIfNeeded: a.a1) >= name.count else { return .failure(.ERANGE) }
        if let e = UserMemory.copyOut(name, to: a.a0) { return .failure(e) }
        return .success(name.count)
    }

    /// umask(mask): returns the previous mask.
    static func umask(_ a: SyscallArguments) -> SyscallResult {
        let old = process.fileContext.umask
        process.fileContext.umask = UInt32(truncatingIfNeeded: a.a0) & 0o777
        return .success(Int(old))
    }

    // MARK: Attributes

    /// fchmodat(dirfd, path, mode) and chmod/fchmod.
    static func fchmodat(_ dirfd: Int, _ pathAddress: UInt64, mode: UInt32, flags: Int) -> SyscallResult {
        at(dirfd, pathAddress) { p, d throws(Errno) in
            let location = try vfs.lookup(p, in: context, at: d, options: LookupOptions(atFlags: flags))
            try vfs.changeMode(of: location, in: context, mode: mode)
            return 0
        }
    }

    static func chmod(_ a: SyscallArguments) -> SyscallResult {
        fchmodat(FileConstants.AT_FDCWD, a.a0, mode: UInt32(truncatingIfNeeded: a.a1), flags: 0)
    }
    static func fchmodat(_ a: SyscallArguments) -> SyscallResult { fchmodat(a.int(0), a.a1, mode: UInt32(truncatingIfNeeded: a.a2), flags: 0) }
    static func fchmod(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        guard let location = file.location else { return .failure(.EBADF) }
        return attempt { () throws(Errno) -> Int in
            try vfs.changeMode(of: location, in: context, mode: UInt32(truncatingIfNeeded: a.a1))
            return 0
        }
    }

    /// fchownat(dirfd, path, uid, gid, flags) and chown/lchown/fchown; -1 keeps a value.
    static func fchownat(_ dirfd: Int, _ pathAddress: UInt64, uid: UInt64, gid: UInt64, flags: Int) -> SyscallResult {
        let u = UInt32(truncatingIfNeeded: uid)
        let g = UInt32(truncatingIfNeeded: gid)
        return at(dirfd, pathAddress) { p, d throws(Errno) in
            let location = try vfs.lookup(p, in: context, at: d, options: LookupOptions(atFlags: flags))
            try vfs.changeOwner(of: location, in: context, uid: u == UInt32.max ? nil : u, gid: g == UInt32.max ? nil : g)
            return 0
        }
    }

    static func chown(_ a: SyscallArguments) -> SyscallResult { fchownat(FileConstants.AT_FDCWD, a.a0, uid: a.a1, gid: a.a2, flags: 0) }
    static func lchown(_ a: SyscallArguments) -> SyscallResult {
        fchownat(FileConstants.AT_FDCWD, a.a0, uid: a.a1, gid: a.a2, flags: FileConstants.AT_SYMLINK_NOFOLLOW)
    }
    static func fchownat(_ a: SyscallArguments) -> SyscallResult { fchownat(a.int(0), a.a1, uid: a.a2, gid: a.a3, flags: a.int(4)) }
    static func fchown(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        guard let location = file.location else { return .failure(.EBADF) }
        let u = UInt32(truncatingIfNeeded: a.a1)
        let g = UInt32(truncatingIfNeeded: a.a2)
        return attempt { () throws(Errno) -> Int in
            try vfs.changeOwner(of: location, in: context, uid: u == UInt32.max ? nil : u, gid: g == UInt32.max ? nil : g)
            return 0
        }
    }

    /// utimensat(dirfd, path, times[2], flags)
    static func utimensat(_ a: SyscallArguments) -> SyscallResult {
        var access: TimeChange? = .now
        var modification: TimeChange? = .now
        if a.a2 != 0 {
            guard case .success(let bytes) = UserMemory.read(a.a2, count: 32) else { return .failure(.EFAULT) }
            func change(_ t: Timespec) -> Result<TimeChange?, Errno> {
                switch t.nanoseconds {
                case (1 << 30) - 1: return .success(.now)  // UTIME_NOW
                case (1 << 30) - 2: return .success(nil)  // UTIME_OMIT
                case 0..<1_000_000_000: return .success(.set(t))
                default: return .failure(.EINVAL)
                }
            }
            guard case .success(let at0) = change(Timespec(decoding: Array(bytes[0..<16]))),
                case .success(let at1) = change(Timespec(decoding: Array(bytes[16..<32])))
            else { return .failure(.EINVAL) }
            access = at0
            modification = at1
        }
        let flags = a.int(3)
        if a.a1 == 0 {
            // utimensat(fd, NULL, …) is futimens(fd).
            guard case .success(let file) = openFile(a.int(0)), let location = file.location else { return .failure(.EBADF) }
            return attempt { () throws(Errno) -> Int in
                try vfs.setTimes(of: location, in: context, access: access, modification: modification)
                return 0
            }
        }
        return at(a.int(0), a.a1) { p, d throws(Errno) in
            let location = try vfs.lookup(p, in: context, at: d, options: LookupOptions(atFlags: flags))
            try vfs.setTimes(of: location, in: context, access: access, modification: modification)
            return 0
        }
    }

    /// truncate(path, length)
    static func truncate(_ a: SyscallArguments) -> SyscallResult {
        at(FileConstants.AT_FDCWD, a.a0) { p, d throws(Errno) in
            try vfs.truncate(p, in: context, at: d, length: Int64(bitPattern: a.a1))
            return 0
        }
    }
}
#endif
