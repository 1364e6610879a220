import LinuxABI
import Testing
import VFS

@testable import ProcFS

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// A RAM root with a synthetic file system mounted at /proc.
struct SyntheticWorld {
    let vfs: VirtualFileSystem
    let context: FileContext
    let fileSystem: SyntheticFileSystem

    init(entries: @escaping (SyntheticDirectory) -> [SyntheticEntry]) throws {
        let locks = NoLockFactory()
        let root = RamFileSystem(
            options: RamFileSystemOptions(), clock: { Timespec(seconds: 1_700_000_000, nanoseconds: 0) },
            lockFactory: locks)
        vfs = VirtualFileSystem(root: root, lockFactory: locks, source: bytes("rootfs"), typeName: bytes("tmpfs"))
        context = vfs.makeContext(umask: 0)
        try vfs.makeDirectory(bytes("/proc"), in: context, mode: 0o555)
        fileSystem = SyntheticFileSystem(
            magic: SyntheticFileSystem.PROC_SUPER_MAGIC, device: DeviceNumber(major: 0, minor: 21),
            clock: { Timespec(seconds: 1_700_000_000, nanoseconds: 0) }, entries: entries)
        try vfs.mount(fileSystem, at: bytes("/proc"), in: context, source: bytes("proc"), typeName: bytes("proc"))
    }

    func open(_ path: String, _ flags: Int) throws(Errno) -> OpenFile {
        try vfs.open(bytes(path), in: context, flags: flags)
    }

    func read(_ path: String, chunk: Int = 4096) throws(Errno) -> [UInt8] {
        try readAll(open(path, FileConstants.O_RDONLY), chunk: chunk)
    }

    func names(_ path: String, bufferSize: Int = 4096) throws(Errno) -> [String] {
        let file = try open(path, FileConstants.O_RDONLY | FileConstants.O_DIRECTORY)
        var names: [String] = []
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        while true {
            let used = try fill(&buffer) { raw throws(Errno) in try file.readDirectory(into: raw) }
            if used == 0 { break }
            var offset = 0
            while offset < used {
                let length = Int(buffer[offset + 16]) | Int(buffer[offset + 17]) << 8
                var end = offset + Dirent64.nameOffset
                while buffer[end] != 0 { end += 1 }
                names.append(text(Array(buffer[(offset + Dirent64.nameOffset)..<end])))
                offset += length
            }
        }
        return names
    }
}

func readAll(_ file: OpenFile, chunk: Int = 4096) throws(Errno) -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
        let n = try fill(&buffer) { raw throws(Errno) in try file.read(into: raw) }
        if n == 0 { return out }
        out.append(contentsOf: buffer[0..<n])
    }
}

/// Runs a read-like call on `buffer`'s bytes.
func fill(_ buffer: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(Errno) -> Int) throws(Errno) -> Int {
    let result: Result<Int, Errno> = buffer.withUnsafeMutableBytes { raw in
        do throws(Errno) { return .success(try body(raw)) } catch { return .failure(error) }
    }
    return try result.get()
}

func write(_ file: OpenFile, _ contents: [UInt8]) throws(Errno) -> Int {
    let result: Result<Int, Errno> = contents.withUnsafeBytes { raw in
        do throws(Errno) { return .success(try file.write(from: raw)) } catch { return .failure(error) }
    }
    return try result.get()
}
