#if SKIFF_KERNEL
import LinuxABI
import VFS

/// Copies between two descriptors inside the kernel: sendfile, copy_file_range, splice, tee.
///
/// Bytes go through a kernel buffer (Skiff has no page references to hand from one file to
/// another), but what Linux promises holds: its checks in its order, pipes waited on as it
/// waits on them, and no byte taken from the input that the output did not take. Files are
/// read at explicit offsets that move on by what was written (`OpenFile.copy`), and a pipe's
/// bytes are consumed only once passed on (`Pipe.hold`/`release`).
extension Syscalls {
    /// sendfile(out, in, offset*, count): from a file to anything writable. Without a pipe
    /// to write to, the input must have positions (a regular file or disk), as on Linux.
    static func sendfile(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let offset) = userOffset(at: a.a2) else { return .failure(.EFAULT) }
        guard case .success(let input) = openFile(a.int(1)), input.flags.canRead else { return .failure(.EBADF) }
        let seekable = input.handler.isSeekable
        if offset != nil && !seekable { return .failure(.ESPIPE) }
        let start = offset ?? (seekable ? Int64(bitPattern: input.position) : 0)
        guard start >= 0 else { return .failure(.EINVAL) }
        let count = Int(min(a.a3, UInt64(maxTransfer)))
        guard case .success(let output) = openFile(a.int(0)), output.flags.canWrite else { return .failure(.EBADF) }
        let result: SyscallResult
        if let pipe = pipe(of: output) {
            result = spliceIn(from: input, at: seekable ? start : nil, to: pipe, count: count, nonblocking: output.flags.nonBlocking)
        } else {
            guard !output.flags.append else { return .failure(.EINVAL) }
            guard seekable, input.node.type != .directory else { return .failure(.EINVAL) }
            result = withTransferBuffer(max(min(count, chunk), 1)) { buffer in
                sending { () throws(Errno) -> Int in
                    Scheduler.current.nonblockingIO = output.flags.nonBlocking
                    return try input.copy(at: start, count: count, through: buffer) { chunk throws(Errno) -> Int in
                        try output.write(from: chunk)
                    }
                }
            }
        }
        guard case .success(let n) = result else { return result }
        if a.a2 != 0 {
            if let e = UserMemory.store(start + Int64(n), at: a.a2) { return .failure(e) }
        } else if seekable {
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

    /// splice(in, off_in*, out, off_out*, len, flags): between a pipe and a file, socket or
    /// device, or between two pipes. Linux's order: len 0 is 0, unknown flags EINVAL, bad
    /// descriptors EBADF, an offset for a pipe ESPIPE, unreadable offsets EFAULT, the wrong
    /// access mode EBADF, no pipe (or one pipe on both sides) EINVAL, then the file side: an
    /// offset it cannot have or O_APPEND EINVAL, a negative offset EINVAL.
    static func splice(_ a: SyscallArguments) -> SyscallResult {
        guard a.a4 != 0 else { return .success(0) }
        let flags = Int(UInt32(truncatingIfNeeded: a.a5))
        guard flags & ~FileConstants.SPLICE_F_ALL == 0 else { return .failure(.EINVAL) }
        guard case .success(let input) = openFile(a.int(0)), case .success(let output) = openFile(a.int(2)) else {
            return .failure(.EBADF)
        }
        let inputPipe = pipe(of: input)
        let outputPipe = pipe(of: output)
        if inputPipe != nil && a.a1 != 0 || outputPipe != nil && a.a3 != 0 { return .failure(.ESPIPE) }
        guard case .success(let outputOffset) = userOffset(at: a.a3), case .success(let inputOffset) = userOffset(at: a.a1) else {
            return .failure(.EFAULT)
        }
        guard input.flags.canRead, output.flags.canWrite else { return .failure(.EBADF) }
        let count = Int(min(a.a4, UInt64(maxTransfer)))
        let nonblocking = flags & FileConstants.SPLICE_F_NONBLOCK != 0
        switch (inputPipe, outputPipe) {
        case (let source?, let target?):
            guard source !== target else { return .failure(.EINVAL) }
            let either = nonblocking || input.flags.nonBlocking || output.flags.nonBlocking
            return passOn(from: source, to: target, count: count, nonblocking: either, consuming: true)
        case (let source?, nil):
            guard outputOffset == nil || output.handler.isSeekable, !output.flags.append else { return .failure(.EINVAL) }
            return atFilePosition(output, offset: outputOffset, address: a.a3) { start in
                spliceOut(from: source, to: output, at: start, count: count, nonblocking: nonblocking || input.flags.nonBlocking)
            }
        case (nil, let target?):
            guard inputOffset == nil || input.handler.isSeekable else { return .failure(.EINVAL) }
            return atFilePosition(input, offset: inputOffset, address: a.a1) { start in
                spliceIn(from: input, at: start, to: target, count: count, nonblocking: nonblocking || output.flags.nonBlocking)
            }
        case (nil, nil):
            return .failure(.EINVAL)
        }
    }

    /// tee(in, out, len, flags): copies bytes from one pipe to another without consuming them.
    /// Unknown flags EINVAL (before len 0 is 0, unlike splice), EBADF, then EINVAL unless both
    /// are pipes and different ones.
    static func tee(_ a: SyscallArguments) -> SyscallResult {
        let flags = Int(UInt32(truncatingIfNeeded: a.a3))
        guard flags & ~FileConstants.SPLICE_F_ALL == 0 else { return .failure(.EINVAL) }
        guard a.a2 != 0 else { return .success(0) }
        guard case .success(let input) = openFile(a.int(0)), case .success(let output) = openFile(a.int(1)) else {
            return .failure(.EBADF)
        }
        guard input.flags.canRead, output.flags.canWrite else { return .failure(.EBADF) }
        guard let source = pipe(of: input), let target = pipe(of: output), source !== target else {
            return .failure(.EINVAL)
        }
        let nonblocking =
            flags & FileConstants.SPLICE_F_NONBLOCK != 0 || input.flags.nonBlocking || output.flags.nonBlocking
        return passOn(from: source, to: target, count: Int(min(a.a2, UInt64(maxTransfer))), nonblocking: nonblocking, consuming: false)
    }

    // MARK: Helpers

    /// An `loff_t *` argument: nil for a null pointer, EFAULT when it cannot be read.
    static func userOffset(at address: UInt64) -> Result<Int64?, Errno> {
        guard address != 0 else { return .success(nil) }
        return UserMemory.load(Int64.self, at: address).map { $0 }
    }

    /// The pipe behind a descriptor that is one of its ends.
    static func pipe(of file: OpenFile) -> Pipe? { (file.handler as? PipeEnd)?.pipe }

    /// Whether `file` can be the file side of a splice (or sendfile's input): Linux gives
    /// directories, pipes (as a file side) and anonymous kernel objects (eventfd, epoll,
    /// timerfd, signalfd) no such splice operation, so they are EINVAL.
    static func canSplice(_ file: OpenFile) -> Bool {
        file.node.type != .directory && !(file.handler is AnonymousNode) && !(file.handler is PipeEnd)
    }

    /// Runs a splice on the file side at `offset` (from user memory at `address`) or at the
    /// file's position, and moves that on by the bytes spliced. A file without positions
    /// (socket, device) gets nil. EINVAL for a negative offset.
    static func atFilePosition(
        _ file: OpenFile, offset: Int64?, address: UInt64, _ body: (Int64?) -> SyscallResult
    ) -> SyscallResult {
        let seekable = file.handler.isSeekable
        let start = offset ?? (seekable ? Int64(bitPattern: file.position) : 0)
        guard start >= 0 else { return .failure(.EINVAL) }
        let result = body(seekable ? start : nil)
        guard case .success(let n) = result else { return result }
        if offset != nil {
            if let e = UserMemory.store(start + Int64(n), at: address) { return .failure(e) }
        } else if seekable {
            _ = try? file.seek(offset: start + Int64(n), whence: FileConstants.SEEK_SET)
        }
        return result
    }

    /// `attempt` for a transfer's write side: EPIPE (no reader left, a socket shut for
    /// writing) raises SIGPIPE, as a write does.
    static func sending(_ body: () throws(Errno) -> Int) -> SyscallResult {
        let result = attempt(body)
        if case .failure(let e) = result, e == .EPIPE { Signals.raise(.SIGPIPE) }
        return result
    }

    /// Moves up to `count` bytes from a file, socket or device into `pipe`, as many as it has
    /// room for (Linux's `splice_file_to_pipe`): waits for room (EPIPE when no reader is left,
    /// EAGAIN when `nonblocking`), reads the input at `offset` (nil: a file without positions)
    /// and writes what came.
    static func spliceIn(from input: OpenFile, at offset: Int64?, to pipe: Pipe, count: Int, nonblocking: Bool) -> SyscallResult {
        guard canSplice(input) else { return .failure(.EINVAL) }
        let room: Int
        do throws(Errno) { room = try pipe.awaitRoom(nonblocking: nonblocking) } catch {
            if error == .EPIPE { Signals.raise(.SIGPIPE) }
            return .failure(error)
        }
        return withTransferBuffer(min(count, room)) { buffer in
            sending { () throws(Errno) -> Int in
                Scheduler.current.nonblockingIO = nonblocking || input.flags.nonBlocking
                let n: Int
                if let offset { n = try input.read(at: offset, into: buffer) } else { n = try input.read(into: buffer) }
                if n == 0 { return 0 }
                return try pipe.write(from: UnsafeRawBufferPointer(rebasing: buffer[0..<n]), nonblocking: nonblocking)
            }
        }
    }

    /// Moves up to `count` bytes from `pipe` to a file, socket or device, at `offset` (nil: at
    /// the output's own position or none): waits for bytes (EAGAIN when `nonblocking`; 0 once
    /// no writer is left), then consumes what the output took.
    static func spliceOut(from pipe: Pipe, to output: OpenFile, at offset: Int64?, count: Int, nonblocking: Bool) -> SyscallResult {
        guard canSplice(output) else { return .failure(.EINVAL) }
        let available: Int
        do throws(Errno) { available = try pipe.hold(nonblocking: nonblocking) } catch { return .failure(error) }
        var written = 0
        defer { pipe.release(consuming: written) }
        guard available > 0 else { return .success(0) }
        return withTransferBuffer(min(count, available)) { buffer in
            sending { () throws(Errno) -> Int in
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<pipe.peek(into: buffer)])
                Scheduler.current.nonblockingIO = output.flags.nonBlocking
                if let offset { written = try output.write(at: offset, from: bytes) } else { written = try output.write(from: bytes) }
                return written
            }
        }
    }

    /// Pipe to pipe: moves (splice) or copies (tee) up to `count` bytes, as many as `source`
    /// holds and `target` has room for, as Linux's `splice_pipe_to_pipe` and `link_pipe` do:
    /// waits for bytes, then for room (EPIPE when `target` has no reader); 0 when `source` is
    /// empty with no writer left. Neither wait happens with the source held, so two splices
    /// in opposite directions cannot block each other.
    static func passOn(from source: Pipe, to target: Pipe, count: Int, nonblocking: Bool, consuming: Bool) -> SyscallResult {
        withTransferBuffer(min(count, Pipe.capacity)) { buffer in
            sending { () throws(Errno) -> Int in
                while true {
                    let available = try source.awaitData(nonblocking: nonblocking)
                    let room = try target.awaitRoom(nonblocking: nonblocking)
                    if available == 0 { return 0 }
                    if consuming, try source.hold(nonblocking: nonblocking) == 0 {
                        source.release(consuming: 0)
                        return 0
                    }
                    let window = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, room)])
                    let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<source.peek(into: window)])
                    var moved = 0
                    var failure: Errno? = nil
                    do throws(Errno) {
                        if !bytes.isEmpty { moved = try target.write(from: bytes, nonblocking: true) }
                    } catch {
                        if error != .EAGAIN { failure = error }
                    }
                    if consuming { source.release(consuming: moved) }
                    if let failure { throw failure }
                    if moved > 0 { return moved }
                    // Another reader or writer got there first.
                    if nonblocking { throw .EAGAIN }
                }
            }
        }
    }
}
#endif
