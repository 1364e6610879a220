import LinuxABI

/// Copies out of a file inside the kernel: `copy_file_range`, and `sendfile` from a file to
/// anything but a pipe.
///
/// The input is always read at explicit offsets, even when the caller goes by the file
/// position, so a short or failed write loses nothing: the input moves on by exactly the
/// bytes the output took (Linux reads a file's position into a local offset the same way).
extension OpenFile {
    /// Reads this file from `offset` a chunk at a time through `buffer` and gives each chunk to
    /// `sink`, which returns how many bytes it took. Stops at the end of the file or at a short
    /// `sink`; an error after some bytes moved ends the copy with those bytes, as Linux's
    /// splice loops do. Returns the bytes `sink` took.
    public func copy(
        at offset: Int64, count: Int, through buffer: UnsafeMutableRawBufferPointer,
        to sink: (UnsafeRawBufferPointer) throws(Errno) -> Int
    ) throws(Errno) -> Int {
        precondition(!buffer.isEmpty, "a copy needs a buffer")
        var done = 0
        while done < count {
            let want = min(count - done, buffer.count)
            do throws(Errno) {
                let n = try read(at: offset + Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
                if n == 0 { break }
                let taken = try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                done += taken
                if taken < n { break }
            } catch {
                if done > 0 { break }
                throw error
            }
        }
        return done
    }

    /// `copy_file_range` from this file to `output`, with Linux 6.1's checks in its order:
    /// EISDIR when either is a directory, EINVAL unless both are regular files, EBADF unless
    /// this one is readable and `output` writable without O_APPEND, EXDEV across file systems
    /// (since Linux 5.19), EOVERFLOW when offset plus count wraps as unsigned numbers (so an
    /// offset of -1 with a count of 1 is EOVERFLOW), EINVAL for a negative offset, EFBIG at
    /// the largest file size, EINVAL when the ranges overlap within one file.
    ///
    /// A nil offset stands for the description's position, which moves by the bytes copied;
    /// the caller moves explicit offsets. The copy ends at this file's end and at most
    /// `VFSLimits.maxTransfer` bytes move. Returns the bytes copied.
    public func copyRange(
        at inputOffset: Int64?, to output: OpenFile, at outputOffset: Int64?, count: UInt64,
        through buffer: UnsafeMutableRawBufferPointer
    ) throws(Errno) -> Int {
        if node.type == .directory || output.node.type == .directory { throw .EISDIR }
        guard isRegularFile, output.isRegularFile else { throw .EINVAL }
        guard flags.canRead, output.flags.canWrite, !output.flags.append else { throw .EBADF }
        guard let mount, let outputMount = output.mount, mount.fileSystem === outputMount.fileSystem else {
            throw .EXDEV
        }
        let source = inputOffset ?? Int64(bitPattern: position)
        let target = outputOffset ?? Int64(bitPattern: output.position)
        for start in [source, target] {
            let (_, wraps) = UInt64(bitPattern: start).addingReportingOverflow(count)
            if wraps { throw .EOVERFLOW }
        }
        guard source >= 0, target >= 0 else { throw .EINVAL }
        let size = try attributes().size
        var length = UInt64(source) >= size ? 0 : min(count, size - UInt64(source))
        guard UInt64(target) < VFSLimits.maxFileSize else { throw .EFBIG }
        length = min(length, VFSLimits.maxFileSize - UInt64(target), UInt64(VFSLimits.maxTransfer))
        let end = (source: source + Int64(length), target: target + Int64(length))
        if node === output.node && length > 0 && end.target > source && target < end.source { throw .EINVAL }
        if length == 0 { return 0 }
        var written = 0
        let copied = try copy(at: source, count: Int(length), through: buffer) { chunk throws(Errno) -> Int in
            let n = try output.write(at: target + Int64(written), from: chunk)
            written += n
            return n
        }
        if inputOffset == nil { _ = try? seek(offset: source + Int64(copied), whence: FileConstants.SEEK_SET) }
        if outputOffset == nil { _ = try? output.seek(offset: target + Int64(copied), whence: FileConstants.SEEK_SET) }
        return copied
    }

    /// A regular file of a file system, not an anonymous kernel object (eventfd, epoll,
    /// timerfd) that only looks like one to `fstat`.
    private var isRegularFile: Bool { node.type == .regular && mount != nil }
}
