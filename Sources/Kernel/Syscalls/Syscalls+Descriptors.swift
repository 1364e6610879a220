#if SKIFF_KERNEL
import LinuxABI
import VFS

/// Descriptor management: close, dup, fcntl, pipes, and the calls that act on a whole open
/// file (sync, truncate, allocate). Copies between descriptors are in Syscalls+Transfers.swift.
extension Syscalls {
    /// close(fd)
    static func close(_ a: SyscallArguments) -> SyscallResult {
        attempt { () throws(Errno) -> Int in
            closed([try process.files.close(Int32(truncatingIfNeeded: a.int(0)))])
            return 0
        }
    }

    /// close_range(first, last, flags)
    static func closeRange(_ a: SyscallArguments) -> SyscallResult {
        attempt { () throws(Errno) -> Int in
            closed(
                try process.files.closeRange(
                    first: UInt32(truncatingIfNeeded: a.a0), last: UInt32(truncatingIfNeeded: a.a1),
                    flags: UInt32(truncatingIfNeeded: a.a2)))
            return 0
        }
    }

    /// Descriptions that lost descriptors: those with none left leave the epolls watching them,
    /// and the process's record locks on their files go.
    static func closed(_ files: [OpenFile]) {
        for file in files where file.descriptorCount == 0 && !file.watchers.isEmpty { EpollItem.fileReleased(file) }
        RecordLocks.closed(files, by: process)
    }

    /// dup(fd)
    static func dup(_ a: SyscallArguments) -> SyscallResult {
        attempt { () throws(Errno) -> Int in Int(try process.files.duplicate(Int32(truncatingIfNeeded: a.int(0)))) }
    }

    /// dup2(old, new)
    static func dup2(_ a: SyscallArguments) -> SyscallResult {
        attempt { () throws(Errno) -> Int in
            let (fd, replaced) = try process.files.duplicate2(Int32(truncatingIfNeeded: a.int(0)), to: Int32(truncatingIfNeeded: a.int(1)))
            if let replaced { closed([replaced]) }
            return Int(fd)
        }
    }

    /// dup3(old, new, flags)
    static func dup3(_ a: SyscallArguments) -> SyscallResult {
        attempt { () throws(Errno) -> Int in
            let (fd, replaced) = try process.files.duplicate3(
                Int32(truncatingIfNeeded: a.int(0)), to: Int32(truncatingIfNeeded: a.int(1)), flags: a.int(2))
            if let replaced { closed([replaced]) }
            return Int(fd)
        }
    }

    /// fcntl(fd, cmd, arg)
    static func fcntl(_ a: SyscallArguments) -> SyscallResult {
        let fd = Int32(truncatingIfNeeded: a.int(0))
        let files = process.files
        switch a.int(1) {
        case FileConstants.F_DUPFD, FileConstants.F_DUPFD_CLOEXEC:
            return attempt { () throws(Errno) -> Int in
                Int(
                    try files.duplicate(
                        fd, minimum: Int32(truncatingIfNeeded: a.int(2)),
                        closeOnExec: a.int(1) == FileConstants.F_DUPFD_CLOEXEC))
            }
        case FileConstants.F_GETFD:
            return attempt { () throws(Errno) -> Int in try files.closeOnExec(fd) ? FileConstants.FD_CLOEXEC : 0 }
        case FileConstants.F_SETFD:
            return attempt { () throws(Errno) -> Int in
                try files.setCloseOnExec(fd, a.int(2) & FileConstants.FD_CLOEXEC != 0)
                return 0
            }
        case FileConstants.F_GETFL:
            guard case .success(let file) = openFile(Int(fd)) else { return .failure(.EBADF) }
            return .success(file.flags.rawValue)
        case FileConstants.F_SETFL:
            guard case .success(let file) = openFile(Int(fd)) else { return .failure(.EBADF) }
            return attempt { () throws(Errno) -> Int in
                try file.setStatusFlags(a.int(2))
                return 0
            }
        case FileConstants.F_GETLK, FileConstants.F_SETLK, FileConstants.F_SETLKW,
            FileConstants.F_OFD_GETLK, FileConstants.F_OFD_SETLK, FileConstants.F_OFD_SETLKW:
            guard case .success(let file) = openFile(Int(fd)) else { return .failure(.EBADF) }
            return RecordLocks.fcntl(file, command: a.int(1), address: a.a2)
        case FileConstants.F_GETPIPE_SZ:
            guard case .success(let file) = openFile(Int(fd)), file.handler is PipeEnd else { return .failure(.EBADF) }
            return .success(Pipe.capacity)
        case FileConstants.F_SETPIPE_SZ:
            guard case .success(let file) = openFile(Int(fd)), file.handler is PipeEnd else { return .failure(.EBADF) }
            return .success(Pipe.capacity)
        default:
            return .failure(.EINVAL)
        }
    }

    /// flock(fd, operation): whole-file advisory locks (FileSystem/FileLocks.swift).
    static func flock(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)), !file.flags.isPath else { return .failure(.EBADF) }
        return FileLocks.flock(file, operation: a.int(1))
    }

    /// pipe2(fds, flags) and pipe(fds)
    static func pipe2(_ address: UInt64, flags: Int) -> SyscallResult {
        guard flags & ~(FileConstants.O_CLOEXEC | FileConstants.O_NONBLOCK | FileConstants.O_DIRECT) == 0 else {
            return .failure(.EINVAL)
        }
        let pipe = Pipe()
        let readEnd = PipeEnd(pipe: pipe, ends: .read)
        let writeEnd = PipeEnd(pipe: pipe, ends: .write)
        let status = flags & (FileConstants.O_NONBLOCK | FileConstants.O_DIRECT)
        let readFlags = OpenFlags(FileConstants.O_RDONLY | status)
        let writeFlags = OpenFlags(FileConstants.O_WRONLY | status)
        try? readEnd.opened(flags: readFlags)
        try? writeEnd.opened(flags: writeFlags)
        let reader = OpenFile(node: readEnd, mount: nil, flags: readFlags, lock: FileSystems.lockFactory.makeLock())
        let writer = OpenFile(node: writeEnd, mount: nil, flags: writeFlags, lock: FileSystems.lockFactory.makeLock())
        let cloexec = flags & FileConstants.O_CLOEXEC != 0
        do throws(Errno) {
            let r = try process.files.install(reader, closeOnExec: cloexec)
            let w: Int32
            do throws(Errno) { w = try process.files.install(writer, closeOnExec: cloexec) } catch {
                _ = try? process.files.close(r)
                throw error
            }
            var fds = StructWriter(size: 8)
            fds.set(r, at: 0)
            fds.set(w, at: 4)
            if let e = UserMemory.copyOut(fds.bytes, to: address) {
                _ = try? process.files.close(r)
                _ = try? process.files.close(w)
                return .failure(e)
            }
            return .success(0)
        } catch {
            return .failure(error)
        }
    }

    static func pipe(_ a: SyscallArguments) -> SyscallResult { pipe2(a.a0, flags: 0) }
    static func pipe2(_ a: SyscallArguments) -> SyscallResult { pipe2(a.a0, flags: a.int(1)) }

    /// ftruncate(fd, length)
    static func ftruncate(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        return attempt { () throws(Errno) -> Int in
            try file.truncate(to: Int64(bitPattern: a.a1))
            return 0
        }
    }

    /// fallocate(fd, mode, offset, length)
    static func fallocate(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        return attempt { () throws(Errno) -> Int in
            try file.allocate(mode: a.int(1), offset: Int64(bitPattern: a.a2), length: Int64(bitPattern: a.a3))
            return 0
        }
    }

    /// fsync(fd) / fdatasync(fd)
    static func fsync(_ a: SyscallArguments, dataOnly: Bool) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        return attempt { () throws(Errno) -> Int in
            try file.sync(dataOnly: dataOnly)
            return 0
        }
    }

    /// sync(): every mounted file system makes what was written durable (ext4 commits and
    /// checkpoints its journal).
    static func sync(_ a: SyscallArguments) -> SyscallResult {
        for mount in FileSystems.vfs.mounts { try? mount.fileSystem.sync() }
        return .success(0)
    }

    /// syncfs(fd): the same for the file system holding `fd`.
    static func syncfs(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        guard let mount = file.mount else { return .success(0) }
        return attempt { () throws(Errno) -> Int in
            try mount.fileSystem.sync()
            return 0
        }
    }
}
#endif
