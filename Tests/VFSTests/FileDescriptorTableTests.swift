import LinuxABI
import Testing

@testable import VFS

private func makeFiles(_ count: Int) throws -> (RamWorld, [OpenFile]) {
    let world = RamWorld()
    var files: [OpenFile] = []
    for index in 0..<count {
        try world.write("/f\(index)", [UInt8(index)])
        files.append(try world.open("/f\(index)", FileConstants.O_RDONLY))
    }
    return (world, files)
}

@Test func installTakesTheLowestFreeDescriptor() throws {
    let (_, files) = try makeFiles(4)
    let table = FileDescriptorTable(limit: 10, lock: NoLock())
    #expect(try table.install(files[0]) == 0)
    #expect(try table.install(files[1]) == 1)
    #expect(try table.install(files[2]) == 2)
    try table.close(1)
    #expect(try table.install(files[3]) == 1)
    try table.close(0)
    try table.close(2)
    #expect(try table.install(files[0]) == 0)
    #expect(try table.install(files[0]) == 2)
    #expect(try table.install(files[0], minimum: 7) == 7)
    #expect(try table.install(files[0]) == 3)
    #expect(table.openDescriptors == [0, 1, 2, 3, 7])
    #expect(try table.file(7) === files[0])
    #expect(errno { try table.file(5) } == .EBADF)
    #expect(errno { try table.file(-1) } == .EBADF)
    #expect(errno { try table.close(5) } == .EBADF)
}

@Test func limitGivesEMFILEAndDupfdEINVAL() throws {
    let (_, files) = try makeFiles(1)
    let table = FileDescriptorTable(limit: 3, lock: NoLock())
    for expected in 0..<3 { #expect(try table.install(files[0]) == Int32(expected)) }
    #expect(errno { try table.install(files[0]) } == .EMFILE)
    #expect(errno { try table.duplicate(0) } == .EMFILE)
    #expect(errno { try table.duplicate(0, minimum: 3, closeOnExec: false) } == .EINVAL)
    #expect(errno { try table.duplicate(0, minimum: -1, closeOnExec: false) } == .EINVAL)
    try table.close(1)
    #expect(try table.duplicate(0, minimum: 1, closeOnExec: true) == 1)
    #expect(try table.closeOnExec(1))
    // Lowering the limit keeps open descriptors above it.
    table.limit = 1
    #expect(try table.file(2) === files[0])
    #expect(errno { try table.install(files[0]) } == .EMFILE)
}

@Test func dupSemantics() throws {
    let (_, files) = try makeFiles(3)
    let table = FileDescriptorTable(limit: 64, lock: NoLock())
    let a = try table.install(files[0], closeOnExec: true)
    let b = try table.install(files[1])
    // dup clears close-on-exec and shares the description (and so the position).
    let copy = try table.duplicate(a)
    #expect(try !table.closeOnExec(copy))
    #expect(try table.file(copy) === table.file(a))
    _ = try readBytes(table.file(a), count: 1)
    #expect(try table.file(copy).position == 1)
    // dup2 onto an open descriptor replaces it and reports what was replaced.
    let (fd, replaced) = try table.duplicate2(a, to: b)
    #expect(fd == b && replaced === files[1])
    #expect(try table.file(b) === files[0])
    // dup2 to itself only checks the source.
    #expect(try table.duplicate2(a, to: a).replaced == nil)
    #expect(errno { try table.duplicate2(40, to: 40) } == .EBADF)
    #expect(errno { try table.duplicate2(40, to: 41) } == .EBADF)
    #expect(errno { try table.duplicate2(a, to: 64) } == .EBADF)
    #expect(errno { try table.duplicate2(a, to: -1) } == .EBADF)
    // dup3: EINVAL for equal descriptors or bad flags; O_CLOEXEC sets the flag.
    #expect(errno { try table.duplicate3(a, to: a, flags: 0) } == .EINVAL)
    #expect(errno { try table.duplicate3(a, to: 9, flags: FileConstants.O_NONBLOCK) } == .EINVAL)
    #expect(try table.duplicate3(a, to: 20, flags: FileConstants.O_CLOEXEC).fd == 20)
    #expect(try table.closeOnExec(20))
    #expect(errno { try table.duplicate3(33, to: 9, flags: 0) } == .EBADF)
    // F_SETFD.
    try table.setCloseOnExec(20, false)
    #expect(try !table.closeOnExec(20))
    #expect(errno { try table.setCloseOnExec(19, true) } == .EBADF)
}

@Test func closeRangeAndExecSweep() throws {
    let (_, files) = try makeFiles(1)
    let table = FileDescriptorTable(limit: 100, lock: NoLock())
    for index in 0..<10 { _ = try table.install(files[0], closeOnExec: index % 3 == 0) }
    #expect(errno { try table.closeRange(first: 5, last: 4, flags: 0) } == .EINVAL)
    #expect(errno { try table.closeRange(first: 0, last: 1, flags: 1) } == .EINVAL)
    let closed = try table.closeRange(first: 7, last: UInt32.max, flags: 0)
    #expect(closed.count == 3)
    #expect(table.openDescriptors == [0, 1, 2, 3, 4, 5, 6])
    _ = try table.closeRange(first: 4, last: 5, flags: FileDescriptorTable.CLOSE_RANGE_CLOEXEC)
    #expect(try table.closeOnExec(4) && table.closeOnExec(5))
    #expect(try table.closeRange(first: 50, last: 60, flags: 0).isEmpty)
    let swept = table.closeOnExecSweep()
    #expect(swept.count == 5)  // 0, 3, 6 from the start, 4 and 5 from close_range
    #expect(table.openDescriptors == [1, 2])
    // fork: a copy shares descriptions but not slots.
    let child = table.copy(lock: NoLock())
    try child.close(1)
    #expect(try table.file(1) === files[0])
    #expect(child.openDescriptors == [2])
    #expect(table.removeAll().count == 2)
    #expect(table.count == 0)
}

@Test func lastCloseReleasesTheNode() throws {
    final class CountingNode: VNode {
        var releases = 0
        init() { super.init(type: .fifo) }
        override func released(flags: OpenFlags) { releases += 1 }
    }
    let node = CountingNode()
    let table = FileDescriptorTable(lock: NoLock())
    let fd: Int32
    do {
        let file = OpenFile(node: node, mount: nil, flags: .readOnly, lock: NoLock())
        fd = try table.install(file)
        _ = try table.duplicate(fd)
    }
    try table.close(fd)
    #expect(node.releases == 0)
    _ = table.removeAll()
    #expect(node.releases == 1)
}

@Test func zeroLimitIsEMFILEForOpenButEINVALForDupfd() throws {
    let (_, files) = try makeFiles(1)
    let table = FileDescriptorTable(limit: 1, lock: NoLock())
    let fd = try table.install(files[0])
    table.limit = 0
    #expect(errno { try table.install(files[0]) } == .EMFILE)
    #expect(errno { try table.duplicate(fd) } == .EMFILE)
    #expect(errno { try table.duplicate(fd, minimum: 0, closeOnExec: false) } == .EINVAL)
    #expect(errno { try table.duplicate(9, minimum: 0, closeOnExec: false) } == .EBADF)
    #expect(errno { try table.install(files[0], minimum: -1) } == .EINVAL)
}

@Test func descriptionsCountTheirDescriptorsAcrossTables() throws {
    let (_, files) = try makeFiles(2)
    let file = files[0]
    let table = FileDescriptorTable(limit: 16, lock: NoLock())
    #expect(file.descriptorCount == 0)
    let fd = try table.install(file)
    _ = try table.duplicate(fd)
    _ = try table.duplicate(fd, minimum: 5, closeOnExec: true)
    #expect(file.descriptorCount == 3)
    let child = table.copy(lock: NoLock())
    #expect(file.descriptorCount == 6)
    // dup2 over a descriptor of another description moves one count across.
    let other = try table.install(files[1])
    _ = try table.duplicate2(other, to: fd)
    #expect(file.descriptorCount == 5 && files[1].descriptorCount == 2)
    _ = try table.closeRange(first: 0, last: 100, flags: 0)
    #expect(file.descriptorCount == 3 && files[1].descriptorCount == 0)
    _ = table.closeOnExecSweep()
    _ = child.closeOnExecSweep()
    #expect(file.descriptorCount == 2)
    _ = child.removeAll()
    #expect(file.descriptorCount == 0)
}
