#if SKIFF_KERNEL
import LinuxABI
import Storage
import VFS

/// I/O on file descriptors: read, write and their vectored and positioned forms, seeking,
/// directory listing, terminal control.
extension Syscalls {
    /// Linux caps one transfer at just under 2 GiB.
    static let maxTransfer = 0x7FFF_F000
    /// Largest bounce buffer between user memory and files: one disk request of 1 MiB rather
    /// than sixteen of 64 KiB for large reads and writes.
    static let chunk = 1 << 20

    static var process: Process { Scheduler.currentProcess }

    /// The open file behind `fd`. Also records whether it is O_NONBLOCK for the I/O that
    /// follows (see `IOContext`).
    static func openFile(_ fd: Int) -> Result<OpenFile, Errno> {
        do throws(Errno) {
            let file = try process.files.file(Int32(truncatingIfNeeded: fd))
            Scheduler.current.nonblockingIO = file.flags.nonBlocking
            return .success(file)
        } catch {
            return .failure(error)
        }
    }

    /// `Array.withUnsafeMutableBytes` rethrows untyped errors; this keeps the VFS's `Errno`.
    static func withMutableBytes<R>(
        _ array: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(Errno) -> R
    ) throws(Errno) -> R {
        var failure: Errno? = nil
        var result: R? = nil
        array.withUnsafeMutableBytes { b in
            do throws(Errno) { result = try body(b) } catch { failure = error }
        }
        if let failure { throw failure }
        return result!
    }

    static func withBytes<R>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(Errno) -> R) throws(Errno) -> R {
        var failure: Errno? = nil
        var result: R? = nil
        array.withUnsafeBytes { b in
            do throws(Errno) { result = try body(b) } catch { failure = error }
        }
        if let failure { throw failure }
        return result!
    }

    /// Runs a VFS operation, turning its error into the system call's.
    static func attempt(_ body: () throws(Errno) -> Int) -> SyscallResult {
        do throws(Errno) { return .success(try body()) } catch { return .failure(error) }
    }

    // MARK: read and write

    /// read(fd, buf, count)
    static func read(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        return transferIn(address: a.a1, count: a.a2) { buffer throws(Errno) in try file.read(into: buffer) }
    }

    /// write(fd, buf, count)
    static func write(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        return transferOut(address: a.a1, count: a.a2) { buffer throws(Errno) in try file.write(from: buffer) }
    }

    /// pread64(fd, buf, count, offset)
    static func pread64(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        var offset = Int64(bitPattern: a.a3)
        guard offset >= 0 else { return .failure(.EINVAL) }
        return transferIn(address: a.a1, count: a.a2) { buffer throws(Errno) in
            let n = try file.read(at: offset, into: buffer)
            offset += Int64(n)
            return n
        }
    }

    /// pwrite64(fd, buf, count, offset)
    static func pwrite64(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        var offset = Int64(bitPattern: a.a3)
        guard offset >= 0 else { return .failure(.EINVAL) }
        return transferOut(address: a.a1, count: a.a2) { buffer throws(Errno) in
            let n = try file.write(at: offset, from: buffer)
            offset += Int64(n)
            return n
        }
    }

    /// readv(fd, iov, iovcnt) / preadv / preadv2
    static func readv(_ a: SyscallArguments, positioned: Bool) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        var offset = positioned ? Int64(bitPattern: a.a3) : -1
        if positioned && offset < 0 && !(a.number == SyscallNumber.preadv2.rawValue && offset == -1) {
            return .failure(.EINVAL)
        }
        return vectored(a.a1, count: a.int(2)) { base, length throws(Errno) -> (Int, Bool) in
            let r = transferIn(address: base, count: UInt64(length)) { buffer throws(Errno) in
                if offset >= 0 {
                    let n = try file.read(at: offset, into: buffer)
                    offset += Int64(n)
                    return n
                }
                return try file.read(into: buffer)
            }
            switch r {
            case .success(let n): return (n, n == length)
            case .failure(let e): throw e
            }
        }
    }

    /// writev(fd, iov, iovcnt) / pwritev / pwritev2
    static func writev(_ a: SyscallArguments, positioned: Bool) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        var offset = positioned ? Int64(bitPattern: a.a3) : -1
        if positioned && offset < 0 && !(a.number == SyscallNumber.pwritev2.rawValue && offset == -1) {
            return .failure(.EINVAL)
        }
        return vectored(a.a1, count: a.int(2)) { base, length throws(Errno) -> (Int, Bool) in
            let r = transferOut(address: base, count: UInt64(length)) { buffer throws(Errno) in
                if offset >= 0 {
                    let n = try file.write(at: offset, from: buffer)
                    offset += Int64(n)
                    return n
                }
                return try file.write(from: buffer)
            }
            switch r {
            case .success(let n): return (n, n == length)
            case .failure(let e): throw e
            }
        }
    }

    /// Walks an iovec array; `body` returns the bytes done and whether to go on.
    static func vectored(_ iov: UInt64, count: Int, _ body: (UInt64, Int) throws(Errno) -> (Int, Bool)) -> SyscallResult {
        guard count >= 0, count <= 1024 else { return .failure(.EINVAL) }
        guard case .success(let table) = UserMemory.read(iov, count: count * 16) else { return .failure(.EFAULT) }
        let r = StructReader(table)
        var total = 0
        for i in 0..<count {
            let base = r.get(UInt64.self, at: i * 16)
            let length = r.get(UInt64.self, at: i * 16 + 8)
            guard length <= UInt64(Int.max), total <= Int.max - Int(length) else { return .failure(.EINVAL) }
            if length == 0 { continue }
            do throws(Errno) {
                let (n, more) = try body(base, Int(length))
                total += n
                if !more { break }
            } catch {
                return total > 0 ? .success(total) : .failure(error)
            }
        }
        return .success(total)
    }

    /// Reads from a file into user memory through a kernel buffer, a chunk at a time; stops
    /// at the first short read (a pipe or terminal returns what it has).
    static func transferIn(
        address: UInt64, count rawCount: UInt64, _ read: (UnsafeMutableRawBufferPointer) throws(Errno) -> Int
    ) -> SyscallResult {
        let count = Int(min(rawCount, UInt64(maxTransfer)))
        guard UserMemory.isValid(address, count) else { return .failure(.EFAULT) }
        if count == 0 {
            var empty: [UInt8] = []
            return attempt { () throws(Errno) -> Int in try withMutableBytes(&empty) { (b) throws(Errno) -> Int in try read(b) } }
        }
        return withTransferBuffer(min(count, chunk)) { buffer in
            var done = 0
            while done < count {
                let want = min(count - done, buffer.count)
                let n: Int
                do throws(Errno) {
                    n = try read(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
                } catch {
                    return done > 0 ? .success(done) : .failure(error)
                }
                if n > 0, let e = UserMemory.copyOut(buffer.baseAddress!, to: address + UInt64(done), length: n) {
                    return done > 0 ? .success(done) : .failure(e)
                }
                done += n
                if n < want { break }
            }
            return .success(done)
        }
    }

    /// Writes user memory to a file through a kernel buffer.
    static func transferOut(
        address: UInt64, count rawCount: UInt64, _ write: (UnsafeRawBufferPointer) throws(Errno) -> Int
    ) -> SyscallResult {
        let count = Int(min(rawCount, UInt64(maxTransfer)))
        guard UserMemory.isValid(address, count) else { return .failure(.EFAULT) }
        if count == 0 {
            return attempt { () throws(Errno) -> Int in try write(UnsafeRawBufferPointer(start: nil, count: 0)) }
        }
        return withTransferBuffer(min(count, chunk)) { buffer in
            var done = 0
            while done < count {
                let want = min(count - done, buffer.count)
                if let e = UserMemory.copyIn(buffer.baseAddress!, from: address + UInt64(done), length: want) {
                    return done > 0 ? .success(done) : .failure(e)
                }
                let n: Int
                do throws(Errno) {
                    n = try write(UnsafeRawBufferPointer(rebasing: buffer[0..<want]))
                } catch {
                    if error == .EPIPE && done == 0 { Signals.raise(.SIGPIPE) }
                    return done > 0 ? .success(done) : .failure(error)
                }
                done += n
                if n < want { break }
            }
            return .success(done)
        }
    }

    /// Bytes up to which a transfer's kernel buffer is on the stack: most reads and writes are
    /// small, and a heap allocation each would cost more than the copy.
    static let stackTransfer = 256

    /// Runs `body` with an uninitialised kernel buffer of up to `size` bytes (the copy in or the
    /// file's read fills it; only filled bytes are ever copied out). When memory is short the
    /// buffer is smaller (the transfer takes more rounds); with none at all it is ENOMEM.
    static func withTransferBuffer(_ size: Int, _ body: (UnsafeMutableRawBufferPointer) -> SyscallResult) -> SyscallResult {
        if size <= stackTransfer {
            return withUnsafeTemporaryAllocation(byteCount: stackTransfer, alignment: 16) { stack in
                body(UnsafeMutableRawBufferPointer(rebasing: stack[0..<size]))
            }
        }
        var attempt = size
        while true {
            if let memory = KernelHeap.allocate(size: attempt, alignment: 64) {
                defer { KernelHeap.free(memory) }
                return body(UnsafeMutableRawBufferPointer(start: memory, count: attempt))
            }
            if attempt <= 4096 { return .failure(.ENOMEM) }
            attempt = max(4096, attempt / 4)
        }
    }

    // MARK: Positions and directories

    /// lseek(fd, offset, whence)
    static func lseek(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        return attempt { () throws(Errno) -> Int in Int(try file.seek(offset: Int64(bitPattern: a.a1), whence: a.int(2))) }
    }

    /// getdents64(fd, dirp, count)
    static func getdents64(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let file) = openFile(a.int(0)) else { return .failure(.EBADF) }
        let count = Int(min(a.a2, UInt64(chunk)))
        guard UserMemory.isValid(a.a1, count) else { return .failure(.EFAULT) }
        var buffer = [UInt8](repeating: 0, count: count)
        let r = attempt { () throws(Errno) -> Int in
            try withMutableBytes(&buffer) { (b) throws(Errno) -> Int in try file.readDirectory(into: b) }
        }
        guard case .success(let n) = r else { return r }
        if n > 0, let e = buffer.withUnsafeBytes({ UserMemory.copyOut($0.baseAddress!, to: a.a1, length: n) }) {
            return .failure(e)
        }
        return .success(n)
    }

    // MARK: Terminals

    /// ioctl(fd, request, arg): terminal requests on terminal devices, FIONREAD, FIONBIO, FIOCLEX.
    /// The block-device ioctls tools ask a disk (`blockdev`, `mkfs`, databases on raw disks).
    static func diskIoctl(_ node: BlockDeviceNode, request: Int, argument: UInt64) -> SyscallResult {
        let disk = node.disk
        let stored: Errno?
        switch request {
        case DiskConstants.BLKGETSIZE64: stored = UserMemory.store(disk.byteCount, at: argument)
        case DiskConstants.BLKGETSIZE: stored = UserMemory.store(disk.byteCount / 512, at: argument)
        case DiskConstants.BLKSSZGET: stored = UserMemory.store(Int32(disk.sectorSize), at: argument)
        case DiskConstants.BLKPBSZGET, DiskConstants.BLKIOMIN, DiskConstants.BLKIOOPT:
            stored = UserMemory.store(UInt32(disk.blockSize), at: argument)
        case DiskConstants.BLKROGET: stored = UserMemory.store(Int32(disk.isReadOnly ? 1 : 0), at: argument)
        case DiskConstants.BLKFLSBUF:
            return attempt { () throws(Errno) -> Int in
                try node.sync(dataOnly: true)
                return 0
            }
        default: return .failure(.ENOTTY)
        }
        if let stored { return .failure(stored) }
        return .success(0)
    }

    static func ioctl(_ a: SyscallArguments) -> SyscallResult {
        let fd = a.int(0)
        guard case .success(let file) = openFile(fd) else { return .failure(.EBADF) }
        let request = Int(truncatingIfNeeded: a.a1 & 0xFFFF_FFFF)
        switch request {
        case TerminalConstants.FIOCLEX, TerminalConstants.FIONCLEX:
            return attempt { () throws(Errno) -> Int in
                try process.files.setCloseOnExec(Int32(fd), request == TerminalConstants.FIOCLEX)
                return 0
            }
        case TerminalConstants.FIONBIO:
            guard case .success(let on) = UserMemory.load(Int32.self, at: a.a2) else { return .failure(.EFAULT) }
            let flags = file.flags.rawValue
            return attempt { () throws(Errno) -> Int in
                try file.setStatusFlags(on != 0 ? flags | FileConstants.O_NONBLOCK : flags & ~FileConstants.O_NONBLOCK)
                return 0
            }
        default:
            break
        }
        if let socket = file.handler as? SocketNode {
            return socketIoctl(socket, request: request, argument: a.a2)
        }
        if let disk = file.handler as? BlockDeviceNode {
            return diskIoctl(disk, request: request, argument: a.a2)
        }
        guard file.handler is ConsoleDevice else {
            if request == TerminalConstants.FIONREAD, file.node.type == .regular,
                case .success(let attributes) = attributeResult(file)
            {
                let available = max(0, Int(attributes.size) - Int(file.position))
                if let e = UserMemory.store(Int32(clamping: available), at: a.a2) { return .failure(e) }
                return .success(0)
            }
            return .failure(.ENOTTY)
        }
        switch request {
        case TerminalConstants.TCGETS:
            if let e = UserMemory.copyOut(TerminalConstants.defaultTermios, to: a.a2) { return .failure(e) }
            return .success(0)
        case TerminalConstants.TCSETS, TerminalConstants.TCSETSW, TerminalConstants.TCSETSF:
            return .success(0)
        case TerminalConstants.TIOCGWINSZ:
            var w = StructWriter(size: 8)
            w.set(UInt16(24), at: 0)
            w.set(UInt16(80), at: 2)
            if let e = UserMemory.copyOut(w.bytes, to: a.a2) { return .failure(e) }
            return .success(0)
        case TerminalConstants.TIOCSWINSZ, TerminalConstants.TIOCSPGRP:
            return .success(0)
        case TerminalConstants.TIOCGPGRP:
            if let e = UserMemory.store(Int32(process.id), at: a.a2) { return .failure(e) }
            return .success(0)
        case TerminalConstants.FIONREAD:
            if let e = UserMemory.store(Int32(0), at: a.a2) { return .failure(e) }
            return .success(0)
        default:
            return .failure(.ENOTTY)
        }
    }

    static func attributeResult(_ file: OpenFile) -> Result<FileAttributes, Errno> {
        do throws(Errno) { return .success(try file.attributes()) } catch { return .failure(error) }
    }
}
#endif
