import Glibc
import ImageFS
import LinuxABI
import Synchronization
import Testing

@testable import VFS

/// A pthread reader-writer lock, what the tests give the VFS for real concurrency.
final class PthreadLock: VFSLock {
    private let handle: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        handle = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        handle.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(handle, nil)
    }

    deinit {
        pthread_rwlock_destroy(handle)
        handle.deallocate()
    }

    func lock() { pthread_rwlock_wrlock(handle) }
    func unlock() { pthread_rwlock_unlock(handle) }
    func lockShared() { pthread_rwlock_rdlock(handle) }
    func unlockShared() { pthread_rwlock_unlock(handle) }
}

final class PthreadLockFactory: VFSLockFactory {
    func makeLock() -> any VFSLock { PthreadLock() }
}

/// A clock that advances one microsecond per reading, so every change gets a distinct,
/// predictable time. Thread-safe.
final class TestClock: Sendable {
    let ticks = Atomic<Int64>(0)
    let base: Int64

    init(base: Int64 = 1_700_000_000) { self.base = base }

    func now() -> Timespec {
        let tick = ticks.wrappingAdd(1, ordering: .relaxed).newValue
        return Timespec(seconds: base + tick / 1_000_000, nanoseconds: (tick % 1_000_000) * 1000)
    }

    /// The time the next reading will return, without taking it.
    var peek: Timespec {
        let tick = ticks.load(ordering: .relaxed) + 1
        return Timespec(seconds: base + tick / 1_000_000, nanoseconds: (tick % 1_000_000) * 1000)
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// The errno `body` throws, or nil when it succeeds (untyped so closures need no annotation;
/// anything but an Errno shows as errno -1).
func errno<T>(_ body: () throws -> T) -> Errno? {
    do {
        _ = try body()
        return nil
    } catch let error as Errno {
        return error
    } catch {
        return Errno(rawValue: -1)
    }
}

/// A tree with a fresh RamFileSystem at `/`.
struct RamWorld {
    let clock = TestClock()
    let fileSystem: RamFileSystem
    let vfs: VirtualFileSystem
    var context: FileContext

    init(options: RamFileSystemOptions = RamFileSystemOptions(), locks: any VFSLockFactory = NoLockFactory()) {
        let clock = self.clock
        fileSystem = RamFileSystem(options: options, clock: { clock.now() }, lockFactory: locks)
        vfs = VirtualFileSystem(root: fileSystem, lockFactory: locks)
        context = vfs.makeContext(umask: 0)
    }

    func open(_ path: String, _ flags: Int, mode: UInt32 = 0o644, at: Location? = nil) throws(Errno) -> OpenFile {
        try vfs.open(bytes(path), in: context, at: at, flags: flags, mode: mode)
    }

    func mkdir(_ path: String, _ mode: UInt32 = 0o755) throws(Errno) {
        try vfs.makeDirectory(bytes(path), in: context, mode: mode)
    }

    func symlink(_ path: String, to target: String) throws(Errno) {
        try vfs.makeSymlink(bytes(path), target: bytes(target), in: context)
    }

    func stat(_ path: String, follow: Bool = true) throws(Errno) -> FileAttributes {
        try vfs.attributes(of: bytes(path), in: context, options: follow ? [] : .noFollow)
    }

    func lookup(_ path: String, _ options: LookupOptions = []) throws(Errno) -> Location {
        try vfs.lookup(bytes(path), in: context, options: options)
    }

    /// Creates (or truncates) `path` with `contents`.
    func write(_ path: String, _ contents: [UInt8], mode: UInt32 = 0o644) throws(Errno) {
        let file = try open(path, O_WRONLY_CREAT_TRUNC, mode: mode)
        let written = try writeBytes(file, contents)
        #expect(written == contents.count)
    }

    func read(_ path: String) throws(Errno) -> [UInt8] {
        try readAll(open(path, FileConstants.O_RDONLY))
    }

    func names(_ path: String) throws(Errno) -> [String] {
        try listNames(open(path, FileConstants.O_RDONLY | FileConstants.O_DIRECTORY))
    }
}

let O_WRONLY_CREAT_TRUNC = FileConstants.O_WRONLY | FileConstants.O_CREAT | FileConstants.O_TRUNC
let O_RDWR_CREAT = FileConstants.O_RDWR | FileConstants.O_CREAT

func writeBytes(_ file: OpenFile, _ contents: [UInt8]) throws(Errno) -> Int {
    let result: Result<Int, Errno> = contents.withUnsafeBytes { buffer in
        do throws(Errno) { return .success(try file.write(from: buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}

func pwrite(_ file: OpenFile, _ contents: [UInt8], at offset: Int64) throws(Errno) -> Int {
    let result: Result<Int, Errno> = contents.withUnsafeBytes { buffer in
        do throws(Errno) { return .success(try file.write(at: offset, from: buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}

func readBytes(_ file: OpenFile, count: Int) throws(Errno) -> [UInt8] {
    var buffer = [UInt8](repeating: 0xEE, count: count)
    let result: Result<Int, Errno> = buffer.withUnsafeMutableBytes { raw in
        do throws(Errno) { return .success(try file.read(into: raw)) } catch { return .failure(error) }
    }
    return Array(buffer[0..<(try result.get())])
}

func pread(_ file: OpenFile, count: Int, at offset: Int64) throws(Errno) -> [UInt8] {
    var buffer = [UInt8](repeating: 0xEE, count: count)
    let result: Result<Int, Errno> = buffer.withUnsafeMutableBytes { raw in
        do throws(Errno) { return .success(try file.read(at: offset, into: raw)) } catch { return .failure(error) }
    }
    return Array(buffer[0..<(try result.get())])
}

func readAll(_ file: OpenFile, chunk: Int = 1000) throws(Errno) -> [UInt8] {
    var all: [UInt8] = []
    while true {
        let part = try readBytes(file, count: chunk)
        if part.isEmpty { return all }
        all += part
    }
}

func readNode(_ node: VNode, at offset: UInt64, count: Int) throws(Errno) -> [UInt8] {
    var buffer = [UInt8](repeating: 0xEE, count: count)
    let result: Result<Int, Errno> = buffer.withUnsafeMutableBytes { raw in
        do throws(Errno) { return .success(try node.read(at: offset, into: raw)) } catch { return .failure(error) }
    }
    return Array(buffer[0..<(try result.get())])
}

/// One `linux_dirent64` record parsed back byte by byte.
struct ParsedDirent: Equatable {
    var inode: UInt64
    var offset: Int64
    var recordLength: Int
    var type: UInt8
    var name: [UInt8]
}

func littleEndian<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as: T.Type) -> T {
    var value: T = 0
    for (shift, byte) in bytes.enumerated() { value |= T(byte) << (8 * shift) }
    return value
}

/// Parses the records getdents64 wrote into `buffer[0..<used]`, checking padding and NULs.
func parseDirents(_ buffer: [UInt8], used: Int) -> [ParsedDirent] {
    var records: [ParsedDirent] = []
    var position = 0
    while position < used {
        let inode = littleEndian(buffer[position..<(position + 8)], as: UInt64.self)
        let offset = littleEndian(buffer[(position + 8)..<(position + 16)], as: Int64.self)
        let length = Int(littleEndian(buffer[(position + 16)..<(position + 18)], as: UInt16.self))
        let type = buffer[position + 18]
        var end = position + 19
        while buffer[end] != 0 { end += 1 }
        let name = Array(buffer[(position + 19)..<end])
        #expect(length % 8 == 0)
        #expect(length == (19 + name.count + 1 + 7) / 8 * 8)
        for pad in end..<(position + length) { #expect(buffer[pad] == 0) }
        records.append(ParsedDirent(inode: inode, offset: offset, recordLength: length, type: type, name: name))
        position += length
    }
    #expect(position == used)
    return records
}

/// Every entry of the directory `file` is open on, read with getdents64.
func listDirents(_ file: OpenFile, bufferSize: Int = 4096) throws(Errno) -> [ParsedDirent] {
    var all: [ParsedDirent] = []
    var buffer = [UInt8](repeating: 0xAA, count: bufferSize)
    while true {
        let result: Result<Int, Errno> = buffer.withUnsafeMutableBytes { raw in
            do throws(Errno) { return .success(try file.readDirectory(into: raw)) } catch { return .failure(error) }
        }
        let used = try result.get()
        if used == 0 { return all }
        all += parseDirents(buffer, used: used)
    }
}

func listNames(_ file: OpenFile) throws(Errno) -> [String] {
    try listDirents(file).map { text($0.name) }.filter { $0 != "." && $0 != ".." }.sorted()
}

/// A small, fast, seeded PRNG so randomized tests are reproducible.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}
