#if SKIFF_KERNEL
import LinuxABI
import VFS

/// Copies between two descriptors inside the kernel: sendfile and copy_file_range.
///
/// Bytes go through a kernel buffer (Skiff has no page references to hand from one file to
/// another), but what Linux promises holds: its checks in its order, and no byte taken from
/// the input that the output did not take. Files are read at explicit offsets that move on by
/// what was written (`OpenFile.copy`).
extension Syscalls {
    /// sendfile(out, in, offset*, count): from a file with positions (a regular file or disk)
    /// to anything writable, as on Linux.
    static func sendfile(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let offset) = userOffset(at: a.a2) else { return .failure(.EFAULT) }
        guard case .success(let input) = openFile(a.int(1)), input.flags.canRead else { return .failure(.EBADF) }
        let seekable = input.handler.isSeekable
        if offset != nil && !seekable { return .failure(.ESPIPE) }
        let start = offset ?? (seekable ? Int64(bitPattern: input.position) : 0)
        guard start >= 0 else { return .failure(.EINVAL) }
        let count = Int(min(a.a3, UInt64(maxTransfer)))
        guard case .success(let output) = openFile(a.int(0)), output.flags.canWrite else { return .failure(.EBADF) }
        guard !output.flags.append else { return .failure(.EINVAL) }
        guard seekable, input.node.type != .directory else { return .failure(.EINVAL) }
        let result = withTransferBuffer(max(min(count, chunk), 1)) { buffer in
            sending { () throws(Errno) -> Int in
                Scheduler.current.nonblockingIO = output.flags.nonBlocking
                return try input.copy(at: start, count: count, through: buffer) { chunk throws(Errno) -> Int in
                    try output.write(from: chunk)
                }
            }
        }
        guard case .success(let n) = result else { return result }
        if a.a2 != 0 {
            if let e = UserMemory.store(start + Int64(n), at: a.a2) { return .failure(e) }
        } else {
            _ = try? input.seek(offset: start + Int64(n), whence: FileConstants.SEEK_SET)
        }
        return result
    }

    /// copy_file_range(in, off_in*, out, off_out*, len, flags): between regular files of one
    /// file system; `OpenFile.copyRange` has the checks. Descriptors, then offsets, then flags
    /// are checked, in Linux's order.
    static func copyFileRange(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let input) = openFile(a.int(0)), case .success(let output) = openFile(a.int(2)) else {
            return .failure(.EBADF)
        }
        guard case .success(let inputOffset) = userOffset(at: a.a1), case .success(let outputOffset) = userOffset(at: a.a3) else {
            return .failure(.EFAULT)
        }
        guard UInt32(truncatingIfNeeded: a.a5) == 0 else { return .failure(.EINVAL) }
        let result = withTransferBuffer(Int(max(min(a.a4, UInt64(chunk)), 1))) { buffer in
            attempt { () throws(Errno) -> Int in
                try input.copyRange(at: inputOffset, to: output, at: outputOffset, count: a.a4, through: buffer)
            }
        }
        guard case .success(let n) = result, n > 0 else { return result }
        if let o = inputOffset, let e = UserMemory.store(o + Int64(n), at: a.a1) { return .failure(e) }
        if let o = outputOffset, let e = UserMemory.store(o + Int64(n), at: a.a3) { return .failure(e) }
        return result
    }

    // MARK: Helpers

    /// An `loff_t *` argument: nil for a null pointer, EFAULT when it cannot be read.
    static func userOffset(at address: UInt64) -> Result<Int64?, Errno> {
        guard address != 0 else { return .success(nil) }
        return UserMemory.load(Int64.self, at: address).map { $0 }
    }

    /// `attempt` for a transfer's write side: EPIPE (no reader left, a socket shut for
    /// writing) raises SIGPIPE, as a write does.
    static func sending(_ body: () throws(Errno) -> Int) -> SyscallResult {
        let result = attempt(body)
        if case .failure(let e) = result, e == .EPIPE { Signals.raise(.SIGPIPE) }
        return result
    }
}
#endif
