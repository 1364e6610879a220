import LinuxABI
import Testing

@testable import VFS

/// A regular file held in an array, standing in for a file system without page frames of its
/// own (ext4, 9p): shared mappings get copies of its pages.
private final class ArrayFile: VNode {
    var data: [UInt8]
    var writes = 0

    init(_ data: [UInt8]) {
        self.data = data
        super.init(type: .regular)
    }

    override func attributes() throws(Errno) -> FileAttributes {
        FileAttributes(type: .regular, permissions: 0o644, size: UInt64(data.count), inode: 7)
    }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard offset < UInt64(data.count) else { return 0 }
        let count = min(buffer.count, data.count - Int(offset))
        for i in 0..<count { buffer[i] = data[Int(offset) + i] }
        return count
    }

    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        writes += 1
        let start = appending ? data.count : Int(offset)
        if data.count < start + buffer.count { data += [UInt8](repeating: 0, count: start + buffer.count - data.count) }
        for i in 0..<buffer.count { data[start + i] = buffer[i] }
        return (buffer.count, UInt64(start + buffer.count))
    }

    override func setAttributes(_ changes: AttributeChanges) throws(Errno) {
        if let size = changes.size {
            data = Array(data.prefix(Int(size))) + [UInt8](repeating: 0, count: max(0, Int(size) - data.count))
        }
    }
}

private func pages(for node: VNode) -> SharedFilePages {
    node.sharedPages(orMake: { SharedFilePages(for: node, lock: NoLock(), allocator: HeapPageAllocator()) })
}

private func store(_ page: UnsafeMutableRawPointer, _ text: String, at offset: Int) {
    for (i, byte) in text.utf8.enumerated() { page.storeBytes(of: byte, toByteOffset: offset + i, as: UInt8.self) }
}

private func load(_ page: UnsafeMutableRawPointer, _ offset: Int, _ count: Int) -> String {
    text((0..<count).map { page.load(fromByteOffset: offset + $0, as: UInt8.self) })
}

@Test func copiedPagesAreSharedCoherentWithReadAndWriteAndWrittenBack() throws {
    let file = ArrayFile(Array(repeating: UInt8(ascii: "."), count: 6000))
    let description = OpenFile(node: file, mount: nil, flags: OpenFlags(rawValue: FileConstants.O_RDWR), lock: NoLock())
    let shared = pages(for: file)
    #expect(file.sharedPages === shared)
    #expect(pages(for: file) === shared)  // one object per node
    #expect(!shared.areLent)
    shared.attach()
    shared.attach()  // a second address space (fork)

    let first = try #require(try shared.page(at: 1, of: file))
    #expect(try shared.page(at: 1, of: file) == first)  // every mapping gets the same page
    #expect(load(first, 0, 4) == "....")
    #expect(try shared.page(at: 2, of: file) == nil)  // wholly past the end: SIGBUS
    // A store through the mapping is what read() returns at once, before any write-back.
    shared.markDirty(1)
    store(first, "mapped", at: 100)
    #expect(text(try pread(description, count: 6, at: 4096 + 100)) == "mapped")
    #expect(file.data[4196] == UInt8(ascii: "."))
    // write() reaches the mapped page.
    #expect(try pwrite(description, bytes("written"), at: 4096 + 200) == 7)
    #expect(load(first, 200, 7) == "written")
    // msync/fsync: the changed page goes to the file, only up to the file's end.
    store(first, "past the end", at: 6000 - 4096)
    try shared.writeBack(to: file)
    #expect(text(Array(file.data[4196..<4202])) == "mapped")
    #expect(file.data.count == 6000)
    // Truncation zeroes the tail of the copy, so growing the file shows zeros there too.
    try description.truncate(to: 4096 + 150)
    #expect(load(first, 150, 50) == String(repeating: "\0", count: 50))
    #expect(load(first, 100, 6) == "mapped")

    // The last mapping to go writes back and lets the pages go; a new mapping reads the file.
    shared.detach(from: file)
    #expect(shared.count == 1)
    store(first, "LAST", at: 0)
    shared.detach(from: file)
    #expect(shared.count == 0)
    #expect(text(Array(file.data[4096..<4100])) == "LAST")
    shared.attach()
    let again = try #require(try shared.page(at: 1, of: file))
    #expect(load(again, 0, 4) == "LAST")
    #expect(load(again, 100, 6) == "mapped")
    shared.detach(from: file)
}

@Test func everySizeChangeZeroesTheCopiesPastTheEnd() throws {
    let file = ArrayFile(Array(repeating: UInt8(ascii: "."), count: 8192))
    let shared = pages(for: file)
    shared.attach()
    let page = try #require(try shared.page(at: 1, of: file))
    // O_TRUNC, truncate(2) and ftruncate all come through `resize(to:)`.
    try file.resize(to: 4096 + 10)
    #expect(load(page, 0, 10) == "..........")
    #expect(load(page, 10, 20) == String(repeating: "\0", count: 20))
    try file.resize(to: 0)
    #expect(load(page, 0, 10) == String(repeating: "\0", count: 10))
    shared.detach(from: file)
}

@Test func cleanCopiesAreNotWrittenBack() throws {
    let file = ArrayFile(Array(repeating: 1, count: 8192))
    let shared = pages(for: file)
    shared.attach()
    _ = try shared.page(at: 0, of: file)
    _ = try shared.page(at: 1, of: file)
    try shared.writeBack(to: file)
    shared.detach(from: file)
    #expect(file.writes == 0)
}

@Test func tmpfsLendsItsOwnPagesToSharedMappings() throws {
    let world = RamWorld()
    let description = try world.open("/shm", O_RDWR_CREAT)
    try description.truncate(to: 3 * 4096)
    #expect(world.fileSystem.usedBytes == 0)
    let node = description.node
    let shared = pages(for: node)
    #expect(shared.areLent)
    shared.attach()
    // A hole inside the file gets a page of the file's own, counted against tmpfs.
    let page = try #require(try shared.page(at: 2, of: node))
    #expect(world.fileSystem.usedBytes == 4096)
    #expect(try shared.page(at: 3, of: node) == nil)
    store(page, "shared memory", at: 10)
    #expect(text(try pread(description, count: 13, at: 2 * 4096 + 10)) == "shared memory")
    #expect(try pwrite(description, bytes("SHARED"), at: 2 * 4096 + 10) == 6)
    #expect(load(page, 10, 13) == "SHARED memory")
    // While mapped, truncation zeroes the page instead of freeing it, so the mapping and the
    // file still share it when the file grows again.
    try description.truncate(to: 4096)
    try description.truncate(to: 3 * 4096)
    #expect(load(page, 10, 13) == String(repeating: "\0", count: 13))
    #expect(try pwrite(description, bytes("again"), at: 2 * 4096) == 5)
    #expect(load(page, 0, 5) == "again")
    shared.detach(from: node)
    #expect(shared.count == 0)
    // Unmapped, truncation frees pages again.
    try description.truncate(to: 0)
    #expect(world.fileSystem.usedBytes == 0)
}

@Test func tmpfsSharedPagesRespectTheSizeLimit() throws {
    var options = RamFileSystemOptions()
    options.sizeLimit = 4096
    let world = RamWorld(options: options)
    let description = try world.open("/f", O_RDWR_CREAT)
    try description.truncate(to: 2 * 4096)
    let shared = pages(for: description.node)
    shared.attach()
    _ = try shared.page(at: 0, of: description.node)
    #expect(errno { try shared.page(at: 1, of: description.node) } == .ENOSPC)
    shared.detach(from: description.node)
}
