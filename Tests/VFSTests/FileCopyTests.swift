import LinuxABI
import Testing

@testable import VFS

/// `copy_file_range` through `OpenFile.copyRange`, with a buffer of `bufferSize` bytes (small
/// ones make the copy go round its loop).
private func copyRange(
    _ input: OpenFile, at inputOffset: Int64?, to output: OpenFile, at outputOffset: Int64?, count: UInt64,
    bufferSize: Int = 4096
) throws -> Int {
    var buffer = [UInt8](repeating: 0, count: bufferSize)
    return try buffer.withUnsafeMutableBytes { raw in
        try input.copyRange(at: inputOffset, to: output, at: outputOffset, count: count, through: raw)
    }
}

private let digits = (0..<10000).map { UInt8(ascii: "0") + UInt8($0 % 10) }

@Test func copyRangeCopiesAtOffsetsOrPositionsAndStopsAtTheEnd() throws {
    let world = RamWorld()
    try world.write("/in", digits)
    let input = try world.open("/in", FileConstants.O_RDONLY)
    let output = try world.open("/out", O_RDWR_CREAT)
    // Explicit offsets leave both positions alone.
    #expect(try copyRange(input, at: 5, to: output, at: 100, count: 5, bufferSize: 2) == 5)
    #expect(try pread(output, count: 10, at: 100) == bytes("56789"))
    #expect(input.position == 0 && output.position == 0)
    // Positions move by the bytes copied; the copy stops at the input's end.
    _ = try input.seek(offset: 9990, whence: FileConstants.SEEK_SET)
    #expect(try copyRange(input, at: nil, to: output, at: nil, count: 100) == 10)
    #expect(input.position == 10000 && output.position == 10)
    #expect(try pread(output, count: 10, at: 0) == bytes("0123456789"))
    #expect(try copyRange(input, at: nil, to: output, at: nil, count: 100) == 0)
    #expect(try copyRange(input, at: 20000, to: output, at: 0, count: 100) == 0)
    // More than one buffer's worth.
    #expect(try copyRange(input, at: 0, to: output, at: 0, count: 10000, bufferSize: 3000) == 10000)
    #expect(try pread(output, count: 10000, at: 0) == digits)
}

@Test func copyRangeErrorsAreLinuxsInLinuxsOrder() throws {
    let world = RamWorld()
    try world.write("/in", digits)
    try world.mkdir("/dir")
    let input = try world.open("/in", FileConstants.O_RDWR)
    let output = try world.open("/out", O_RDWR_CREAT)
    let directory = try world.open("/dir", FileConstants.O_RDONLY | FileConstants.O_DIRECTORY)
    #expect(errno { try copyRange(directory, at: 0, to: output, at: 0, count: 1) } == .EISDIR)
    #expect(errno { try copyRange(input, at: 0, to: directory, at: 0, count: 1) } == .EISDIR)
    let readOnly = try world.open("/out", FileConstants.O_RDONLY)
    let writeOnly = try world.open("/in", FileConstants.O_WRONLY)
    let appending = try world.open("/out", FileConstants.O_WRONLY | FileConstants.O_APPEND)
    #expect(errno { try copyRange(input, at: 0, to: readOnly, at: 0, count: 1) } == .EBADF)
    #expect(errno { try copyRange(writeOnly, at: 0, to: output, at: 0, count: 1) } == .EBADF)
    #expect(errno { try copyRange(input, at: 0, to: appending, at: 0, count: 1) } == .EBADF)
    #expect(errno { try copyRange(input, at: -100, to: output, at: 0, count: 1) } == .EINVAL)
    #expect(errno { try copyRange(input, at: 0, to: output, at: -100, count: 1) } == .EINVAL)
    // Linux adds the count to the offset as unsigned 64-bit numbers: -1 + 1 wraps.
    #expect(errno { try copyRange(input, at: -1, to: output, at: 0, count: 1) } == .EOVERFLOW)
    #expect(errno { try copyRange(input, at: 1, to: output, at: 0, count: UInt64.max) } == .EOVERFLOW)
    // Within one file: overlapping ranges are EINVAL, disjoint ones copy.
    #expect(errno { try copyRange(input, at: 0, to: input, at: 50, count: 100) } == .EINVAL)
    #expect(errno { try copyRange(input, at: 50, to: input, at: 0, count: 100) } == .EINVAL)
    #expect(try copyRange(input, at: 0, to: input, at: 100, count: 100) == 100)
    #expect(try pread(input, count: 3, at: 100) == bytes("012"))
    // The overlap is judged on the range left after the input's end cuts it.
    #expect(try copyRange(input, at: 9990, to: input, at: 10000, count: 100) == 10)
    // Across file systems (tmpfs to another tmpfs, as on Linux 5.19 and later).
    try world.mkdir("/mnt")
    let clock = world.clock
    let other = RamFileSystem(options: RamFileSystemOptions(), clock: { clock.now() }, lockFactory: NoLockFactory())
    try world.vfs.mount(other, at: bytes("/mnt"), in: world.context)
    let elsewhere = try world.open("/mnt/f", O_RDWR_CREAT)
    #expect(errno { try copyRange(input, at: 0, to: elsewhere, at: 0, count: 1) } == .EXDEV)
}

@Test func copyRangeThatFillsTheFileSystemKeepsTheRestOfTheInput() throws {
    let world = RamWorld(options: RamFileSystemOptions(sizeLimit: 5 * 4096))
    let source = (0..<(3 * 4096)).map { UInt8(truncatingIfNeeded: $0 &* 13) }
    try world.write("/in", source)
    try world.write("/filler", [UInt8](repeating: 1, count: 4096))
    let input = try world.open("/in", FileConstants.O_RDONLY)
    let output = try world.open("/out", O_RDWR_CREAT)
    // One page is left: the copy stops there, and the input moves on by exactly that much.
    #expect(try copyRange(input, at: nil, to: output, at: nil, count: 3 * 4096, bufferSize: 3 * 4096) == 4096)
    #expect(input.position == 4096 && output.position == 4096)
    #expect(try pread(output, count: 5000, at: 0) == Array(source[0..<4096]))
    #expect(errno { try copyRange(input, at: nil, to: output, at: nil, count: 4096) } == .ENOSPC)
    #expect(input.position == 4096 && output.position == 4096)
    // Once there is room again, the copy goes on from where it stopped.
    try world.vfs.unlink(bytes("/filler"), in: world.context, flags: 0)
    #expect(try copyRange(input, at: nil, to: output, at: nil, count: 3 * 4096, bufferSize: 3 * 4096) == 4096)
    #expect(try pread(output, count: 3 * 4096, at: 0) == Array(source[0..<(2 * 4096)]))
}

@Test func copyHandsChunksToTheSinkAndStopsAtAShortOne() throws {
    let world = RamWorld()
    try world.write("/in", digits)
    let input = try world.open("/in", FileConstants.O_RDONLY)
    var buffer = [UInt8](repeating: 0, count: 7)
    var received: [UInt8] = []
    let taken = try buffer.withUnsafeMutableBytes { raw in
        try input.copy(at: 3, count: 20, through: raw) { chunk throws(Errno) -> Int in
            // Takes everything until it has 10 bytes, then only part of a chunk.
            let n = min(chunk.count, 10 - received.count)
            received += chunk[0..<n]
            return n
        }
    }
    #expect(taken == 10 && received == bytes("3456789012"))
    // An error after some bytes moved ends the copy with them; before any, it is the result.
    var calls = 0
    let partial = try buffer.withUnsafeMutableBytes { raw in
        try input.copy(at: 0, count: 20, through: raw) { chunk throws(Errno) -> Int in
            calls += 1
            if calls > 1 { throw .EIO }
            return chunk.count
        }
    }
    #expect(partial == 7)
    #expect(
        errno {
            try buffer.withUnsafeMutableBytes { raw in
                try input.copy(at: 0, count: 20, through: raw) { _ throws(Errno) -> Int in throw .EPIPE }
            }
        } == .EPIPE)
}
