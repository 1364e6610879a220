import LinuxABI
import Testing

@testable import VFS

@Test func getdentsRecordsParseBackByteByByte() throws {
    let world = RamWorld()
    try world.mkdir("/d")
    try world.write("/d/file", [])
    try world.mkdir("/d/sub")
    try world.symlink("/d/link", to: "file")
    try world.vfs.makeNode(bytes("/d/fifo"), in: world.context, mode: UInt32(FileConstants.S_IFIFO) | 0o600)
    let longName = String(repeating: "L", count: 255)
    try world.write("/d/\(longName)", [])
    let directory = try world.open("/d", FileConstants.O_RDONLY)
    let records = try listDirents(directory)
    #expect(records.map { text($0.name) } == [".", "..", "file", "sub", "link", "fifo", longName])
    #expect(records.map(\.type) == [4, 4, 8, 4, 10, 1, 8])
    #expect(records[0].inode == (try world.stat("/d").inode))
    #expect(records[1].inode == (try world.stat("/").inode))
    #expect(records[2].inode == (try world.stat("/d/file").inode))
    #expect(records[6].recordLength == 280)  // 19 + 255 + 1 rounded up to 8
    // d_off resumes after each record: seeking to it continues from the next one.
    for (index, record) in records.enumerated() where index + 1 < records.count {
        _ = try directory.seek(offset: record.offset, whence: FileConstants.SEEK_SET)
        let rest = try listDirents(directory)
        #expect(rest.map(\.name) == records[(index + 1)...].map(\.name))
    }
    // SEEK_END is not allowed on a directory, SEEK_CUR 0 returns the cookie.
    #expect(errno { try directory.seek(offset: 0, whence: FileConstants.SEEK_END) } == .EINVAL)
    _ = try directory.seek(offset: 0, whence: FileConstants.SEEK_SET)
    #expect(try directory.seek(offset: 0, whence: FileConstants.SEEK_CUR) == 0)
}

@Test func getdentsBufferTooSmallIsEINVALAndSmallBuffersStillProgress() throws {
    let world = RamWorld()
    try world.mkdir("/d")
    for index in 0..<50 { try world.write("/d/name-\(index)", []) }
    let directory = try world.open("/d", FileConstants.O_RDONLY)
    var tiny = [UInt8](repeating: 0, count: 23)
    #expect(
        errno { try tiny.withUnsafeMutableBytes { raw throws(Errno) in try directory.readDirectory(into: raw) } }
            == .EINVAL)
    // One record at a time ("." needs 24 bytes).
    let all = try listDirents(directory, bufferSize: 32)
    #expect(all.count == 52)
    #expect(Set(all.map { text($0.name) }).count == 52)
    // At the end, getdents returns 0 and keeps returning 0.
    var buffer = [UInt8](repeating: 0, count: 512)
    #expect(try buffer.withUnsafeMutableBytes { raw throws(Errno) in try directory.readDirectory(into: raw) } == 0)
    #expect(errno { try listDirents(world.open("/d/name-1", FileConstants.O_RDONLY)) } == .ENOTDIR)
}

@Test func fillWorksOnNodesDirectly() throws {
    let world = RamWorld()
    try world.write("/a", [])
    var buffer = [UInt8](repeating: 0xFF, count: 200)
    let root = world.fileSystem.root
    let (used, next) = try buffer.withUnsafeMutableBytes { raw throws(Errno) in
        try Dirent64.fill(from: root, cookie: 1, into: raw)
    }
    let records = parseDirents(buffer, used: used)
    #expect(records.map { text($0.name) } == ["..", "a"])
    #expect(UInt64(records.last!.offset) == next)
    let (none, same) = try buffer.withUnsafeMutableBytes { raw throws(Errno) in
        try Dirent64.fill(from: root, cookie: next, into: raw)
    }
    #expect(none == 0 && same == next)
}

@Test func statEncodingMatchesTheABI() throws {
    let world = RamWorld(options: RamFileSystemOptions(device: DeviceNumber(major: 0, minor: 0x123)))
    try world.write("/f", [UInt8](repeating: 1, count: 5000), mode: 0o4755)
    let attributes = try world.stat("/f")
    let bytes = attributes.linuxStat.encoded
    #expect(bytes.count == 144)
    #expect(littleEndian(bytes[0..<8], as: UInt64.self) == 0x10_0023)  // minor 0x123 → (0x100 << 12) | 0x23
    #expect(littleEndian(bytes[8..<16], as: UInt64.self) == attributes.inode)
    #expect(littleEndian(bytes[16..<24], as: UInt64.self) == 1)
    #expect(littleEndian(bytes[24..<28], as: UInt32.self) == 0o104755)
    #expect(littleEndian(bytes[48..<56], as: Int64.self) == 5000)
    #expect(littleEndian(bytes[56..<64], as: Int64.self) == 4096)
    #expect(littleEndian(bytes[64..<72], as: Int64.self) == 16)
    #expect(DeviceNumber(encoded: 0x10_0023) == DeviceNumber(major: 0, minor: 0x123))
    let big = DeviceNumber(major: 0x12345, minor: 0x6789A)
    #expect(DeviceNumber(encoded: big.encoded) == big)
    #expect(DeviceNumber(major: 8, minor: 1).encoded == 0x801)

    let statx = Statx.encode(attributes, mountID: 3)
    #expect(littleEndian(statx[0..<4], as: UInt32.self) & Statx.STATX_BASIC_STATS == Statx.STATX_BASIC_STATS)
    #expect(littleEndian(statx[4..<8], as: UInt32.self) == 4096)
    #expect(littleEndian(statx[16..<20], as: UInt32.self) == 1)
    #expect(littleEndian(statx[28..<30], as: UInt16.self) == 0o104755)
    #expect(littleEndian(statx[32..<40], as: UInt64.self) == attributes.inode)
    #expect(littleEndian(statx[40..<48], as: UInt64.self) == 5000)
    #expect(littleEndian(statx[48..<56], as: UInt64.self) == 16)
    #expect(littleEndian(statx[136..<140], as: UInt32.self) == 0)
    #expect(littleEndian(statx[140..<144], as: UInt32.self) == 0x123)
    #expect(littleEndian(statx[112..<120], as: Int64.self) == attributes.modificationTime.seconds)
    #expect(errno { try Statx.validate(flags: 0x8000_0000, mask: 0) } == .EINVAL)
    #expect(errno { try Statx.validate(flags: Statx.AT_STATX_SYNC_TYPE, mask: 0) } == .EINVAL)
    #expect(errno { try Statx.validate(flags: 0, mask: Statx.STATX__RESERVED) } == .EINVAL)
    try Statx.validate(flags: FileConstants.AT_EMPTY_PATH | FileConstants.AT_SYMLINK_NOFOLLOW, mask: 0xFFF)
}

@Test func anAnonymousInodeHasNoTypeBitsInStatOrStatx() {
    var attributes = FileAttributes(type: .regular, permissions: 0o600, inode: 1)
    #expect(attributes.mode == 0o100600)
    attributes.isAnonymousInode = true
    #expect(attributes.mode == 0o600)
    #expect(littleEndian(attributes.linuxStat.encoded[24..<28], as: UInt32.self) == 0o600)
    #expect(littleEndian(Statx.encode(attributes, mountID: 1)[28..<30], as: UInt16.self) == 0o600)
}

@Test func statfsEncoding() throws {
    let world = RamWorld(options: RamFileSystemOptions(sizeLimit: 1 << 20, nodeLimit: 100))
    try world.write("/f", [1])
    let statistics = try world.vfs.statistics(of: bytes("/f"), in: world.context)
    let encoded = statistics.encoded
    #expect(encoded.count == 120)
    #expect(littleEndian(encoded[0..<8], as: Int64.self) == 0x0102_1994)
    #expect(littleEndian(encoded[8..<16], as: Int64.self) == 4096)
    #expect(littleEndian(encoded[16..<24], as: UInt64.self) == 256)
    #expect(littleEndian(encoded[24..<32], as: UInt64.self) == 255)
    #expect(littleEndian(encoded[40..<48], as: UInt64.self) == 100)
    #expect(littleEndian(encoded[48..<56], as: UInt64.self) == 98)
    #expect(littleEndian(encoded[64..<72], as: Int64.self) == 255)
    #expect(littleEndian(encoded[80..<88], as: Int64.self) == FileSystemStatistics.ST_VALID)
}
