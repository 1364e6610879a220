#if SKIFF_KERNEL
import LinuxABI

extension Syscalls {
    /// write(fd, buf, count)
    static func write(_ a: SyscallArguments) -> SyscallResult {
        writeBytes(fd: a.int(0), address: a.a1, count: Int(truncatingIfNeeded: a.a2))
    }

    /// writev(fd, iov, iovcnt)
    static func writev(_ a: SyscallArguments) -> SyscallResult {
        let count = a.int(2)
        guard count >= 0, count <= 1024 else { return .failure(.EINVAL) }
        var total = 0
        for i in 0..<count {
            let base: UInt64
            let length: UInt64
            switch UserMemory.load(UInt64.self, at: a.a1 + UInt64(i) * 16) {
            case .success(let v): base = v
            case .failure(let e): return .failure(e)
            }
            switch UserMemory.load(UInt64.self, at: a.a1 + UInt64(i) * 16 + 8) {
            case .success(let v): length = v
            case .failure(let e): return .failure(e)
            }
            guard length <= UInt64(Int.max) else { return .failure(.EINVAL) }
            switch writeBytes(fd: a.int(0), address: base, count: Int(length)) {
            case .success(let n):
                total += n
                if n < Int(length) { return .success(total) }
            case .failure(let e):
                return total > 0 ? .success(total) : .failure(e)
            }
        }
        return .success(total)
    }

    /// ioctl(fd, request, arg): the console descriptors are a terminal.
    static func ioctl(_ a: SyscallArguments) -> SyscallResult {
        let fd = a.int(0)
        guard fd >= 0 && fd <= 2 else { return .failure(.EBADF) }
        switch Int(truncatingIfNeeded: a.a1 & 0xFFFF_FFFF) {
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
        case TerminalConstants.TIOCSWINSZ:
            return .success(0)
        case TerminalConstants.TIOCGPGRP:
            if let e = UserMemory.store(Int32(Scheduler.currentProcess.id), at: a.a2) { return .failure(e) }
            return .success(0)
        default:
            return .failure(.ENOTTY)
        }
    }

    /// Until the VFS is wired in, descriptors 1 and 2 are the console.
    static func writeBytes(fd: Int, address: UInt64, count: Int) -> SyscallResult {
        guard fd == 1 || fd == 2 else { return .failure(.EBADF) }
        guard count >= 0 else { return .failure(.EINVAL) }
        var buffer = [UInt8](repeating: 0, count: min(count, 4096))
        var done = 0
        while done < count {
            let chunk = min(count - done, buffer.count)
            let failed = buffer.withUnsafeMutableBytes { UserMemory.copyIn($0.baseAddress!, from: address + UInt64(done), length: chunk) }
            if let failed { return done > 0 ? .success(done) : .failure(failed) }
            buffer.withUnsafeBytes { b in Console.withLock { Console.write(bytes: UnsafeRawBufferPointer(rebasing: b[0..<chunk])) } }
            done += chunk
        }
        return .success(done)
    }
}
#endif
