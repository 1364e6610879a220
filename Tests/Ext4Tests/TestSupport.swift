import Foundation
import LinuxABI
import Storage
import Testing

@testable import Ext4

/// e2fsprogs, which the tests use to make images (mke2fs), check them (e2fsck) and inspect
/// them (debugfs). A missing tool fails the test that needs it with a message saying what to
/// install; nothing is skipped.
enum E2fsprogs {
    static let directories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]

    static func find(_ name: String) -> String? {
        for directory in directories {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// The path of `name`, or a failure explaining how to get it.
    static func tool(_ name: String) throws -> String {
        guard let path = find(name) else {
            throw TestFailure(
                "\(name) not found in \(directories): the ext4 tests need e2fsprogs (apt-get install e2fsprogs, or make deps)")
        }
        return path
    }

    struct Output {
        var status: Int32
        var text: String
    }

    /// Runs a program to completion, collecting standard output and error together.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["E2FSPROGS_FAKE_TIME"] = nil
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
    }

    /// Runs the e2fsprogs tool `name`.
    @discardableResult
    static func run(tool name: String, _ arguments: [String]) throws -> Output {
        try run(try tool(name), arguments)
    }
}

/// A scratch directory removed when the value goes away.
final class Scratch {
    let url: URL
    var path: String { url.path }

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ext4-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// How to make a test volume with mke2fs.
struct VolumeSpec: CustomStringConvertible {
    var sizeKiB = 16 * 1024
    var blockSize = 4096
    var metadataChecksum = true
    var journal = true
    var bit64 = true
    /// Extra `-O` features (e.g. "^extent", "inline_data").
    var features: [String] = []
    var inodeSize = 256
    var extraArguments: [String] = []
    /// The directory hash new htrees use (`half_md4`, `tea`, `legacy`).
    var hashAlgorithm = "half_md4"

    var description: String {
        var text = "\(blockSize / 1024)K"
        if metadataChecksum { text += "-csum" }
        if inodeSize != 256 { text += "-inode\(inodeSize)" }
        if !journal { text += "-nojournal" }
        text += bit64 ? "-64bit" : "-32bit"
        for feature in features { text += "-" + feature }
        for argument in extraArguments { text += " " + argument }
        if hashAlgorithm != "half_md4" { text += " hash " + hashAlgorithm }
        return text
    }

    /// The combinations most tests run on: 1, 2 and 4 KiB blocks, with and without
    /// checksums, 64- and 32-bit descriptors, with and without a journal, 256- and 128-byte
    /// inodes.
    static let variants: [VolumeSpec] = [
        VolumeSpec(blockSize: 4096, metadataChecksum: true),
        VolumeSpec(blockSize: 1024, metadataChecksum: true),
        VolumeSpec(blockSize: 4096, metadataChecksum: false, bit64: false),
        VolumeSpec(blockSize: 1024, metadataChecksum: false, journal: false, bit64: false),
        VolumeSpec(blockSize: 4096, metadataChecksum: true, journal: false, bit64: false),
        VolumeSpec(blockSize: 2048, metadataChecksum: true, inodeSize: 128),
    ]

    var mke2fsArguments: [String] {
        var list = features
        list.append(metadataChecksum ? "metadata_csum" : "^metadata_csum")
        list.append(journal ? "has_journal" : "^has_journal")
        list.append(bit64 ? "64bit" : "^64bit")
        var arguments = ["-q", "-F", "-t", "ext4", "-b", "\(blockSize)", "-I", "\(inodeSize)", "-O", list.joined(separator: ",")]
        arguments += ["-U", "6f1f5d2e-9a55-4b6e-8a51-0c9f2f1d7a11", "-E", "hash_seed=2b0f8c1e-5a1d-4e7b-9c3a-7d4e5f6a7b8c"]
        return arguments + extraArguments
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An image file in a scratch directory: made by mke2fs, mounted through a
/// `FileBlockDevice`, checked by e2fsck and read by debugfs.
final class TestImage {
    let scratch: Scratch
    let path: String

    /// Makes a volume with mke2fs, populated from `source` when given.
    init(_ spec: VolumeSpec, source: String? = nil, scratch: Scratch = Scratch()) throws {
        self.scratch = scratch
        path = scratch.file("image-\(UUID().uuidString).img")
        var arguments = spec.mke2fsArguments
        if let source { arguments += ["-d", source] }
        arguments += [path, "\(spec.sizeKiB)k"]
        let output = try E2fsprogs.run(tool: "mke2fs", arguments)
        guard output.status == 0 else { throw TestFailure("mke2fs \(arguments) failed: \(output.text)") }
        if spec.hashAlgorithm != "half_md4" {
            // mke2fs takes the hash only from its profile; set it in the superblock instead.
            let set = try E2fsprogs.run(tool: "debugfs", ["-w", "-R", "ssv def_hash_version \(spec.hashAlgorithm)", path])
            guard set.status == 0 else { throw TestFailure("debugfs ssv failed: \(set.text)") }
        }
    }

    /// An image file holding `bytes`.
    init(bytes: [UInt8], scratch: Scratch = Scratch()) throws {
        self.scratch = scratch
        path = scratch.file("image-\(UUID().uuidString).img")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var bytes: [UInt8] {
        get throws { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
    }

    func device(sectorSize: Int = 512, readOnly: Bool = false) throws -> FileBlockDevice {
        try FileBlockDevice(path: path, sectorSize: sectorSize, readOnly: readOnly)
    }

    func mount(readOnly: Bool = false, commitEveryOperation: Bool = false) throws -> Ext4FileSystem {
        try Ext4Tests.mount(try device(), readOnly: readOnly, commitEveryOperation: commitEveryOperation)
    }

    /// Runs e2fsck with `flags` on the file (which `-fy` or `-p` change).
    func fsck(_ flags: [String] = ["-fn"]) throws -> E2fsprogs.Output {
        try E2fsprogs.run(tool: "e2fsck", flags + [path])
    }

    /// Expects `e2fsck -fn` to find nothing to fix.
    func expectClean(_ context: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try fsck()
        #expect(result.status == 0, "e2fsck -fn \(context): status \(result.status)\n\(result.text)", sourceLocation: sourceLocation)
    }

    /// The output of one debugfs request.
    func debugfs(_ request: String, writable: Bool = false) throws -> String {
        try E2fsprogs.run(tool: "debugfs", (writable ? ["-w"] : []) + ["-R", request, path]).text
    }

    /// Runs several debugfs requests from a command file.
    func debugfs(script lines: [String], writable: Bool = false) throws -> String {
        let script = scratch.file("debugfs-\(UUID().uuidString).cmd")
        try lines.joined(separator: "\n").appending("\n").write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        return try E2fsprogs.run(tool: "debugfs", (writable ? ["-w"] : []) + ["-f", script, path]).text
    }

    /// Extracts the whole volume with debugfs rdump; returns the directory.
    func extract() throws -> String {
        let target = scratch.file("rdump-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let output = try E2fsprogs.run(tool: "debugfs", ["-R", "rdump / \(target)", path])
        guard output.status == 0 else { throw TestFailure("debugfs rdump failed: \(output.text)") }
        return target
    }
}

/// Makes a volume with mke2fs and returns its bytes (for memory and recording devices).
func makeImage(_ spec: VolumeSpec, source: String? = nil, scratch: Scratch = Scratch()) throws -> [UInt8] {
    try TestImage(spec, source: source, scratch: scratch).bytes
}

/// The errno `body` failed with (an `Ext4Error`'s, or an `Errno` from the VFS), nil when it
/// succeeded or threw something else.
func errno(_ body: () throws -> Void) -> Errno? {
    do {
        try body()
        return nil
    } catch let error as Ext4Error {
        return error.errno
    } catch let error as Errno {
        return error
    } catch {
        return nil
    }
}

/// Real time, so e2fsck sees sensible timestamps.
func hostClock() -> Timespec {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Timespec(seconds: Int64(now.tv_sec), nanoseconds: Int64(now.tv_nsec))
}

func mount(_ device: any BlockDevice, readOnly: Bool = false, commitEveryOperation: Bool = false) throws -> Ext4FileSystem {
    try Ext4FileSystem.mount(
        device: device,
        options: Ext4MountOptions(readOnly: readOnly, commitEveryOperation: commitEveryOperation, clock: hostClock))
}

/// Runs `e2fsck -fn` on an image held in memory.
func fsck(_ image: [UInt8], scratch: Scratch = Scratch()) throws -> E2fsprogs.Output {
    try TestImage(bytes: image, scratch: scratch).fsck()
}

/// A seeded PRNG so randomized tests are reproducible.
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
        var result = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var value = next()
            var lane = 0
            while lane < 8 && index < count {
                result[index] = UInt8(truncatingIfNeeded: value)
                value >>= 8
                index += 1
                lane += 1
            }
        }
        return result
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

// MARK: Convenience over the file system

extension Ext4FileSystem {
    /// Resolves an absolute path (no symlink following).
    func resolve(_ path: String) throws -> UInt32 {
        var current = Ext4FileSystem.rootInode
        for component in path.split(separator: "/") {
            current = try lookup(Array(component.utf8), in: current)
        }
        return current
    }

    func readAll(_ inode: UInt32) throws -> [UInt8] {
        let size = Int(try attributes(inode).size)
        var data = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let count = try data.withUnsafeMutableBytes { raw in
                try read(inode, at: UInt64(done), into: UnsafeMutableRawBufferPointer(rebasing: raw[done..<min(size, done + 300_000)]))
            }
            if count == 0 { break }
            done += count
        }
        return Array(data[0..<done])
    }

    @discardableResult
    func writeAll(_ inode: UInt32, _ data: [UInt8], at offset: UInt64 = 0) throws -> Int {
        try data.withUnsafeBytes { try write(inode, at: offset, from: $0) }
    }

    func entries(_ directory: UInt32) throws -> [Ext4DirectoryEntry] {
        var result: [Ext4DirectoryEntry] = []
        try readDirectory(directory, from: 0) { entry in
            result.append(entry)
            return true
        }
        return result
    }

    /// Creates a file at `path` (parents must exist) with `data`.
    @discardableResult
    func makeFile(_ path: String, _ data: [UInt8], permissions: UInt16 = 0o644) throws -> UInt32 {
        let (parent, name) = try split(path)
        let inode = try create(name, in: parent, permissions: permissions, uid: 1000, gid: 1000)
        if !data.isEmpty { try writeAll(inode, data) }
        return inode
    }

    @discardableResult
    func makeDirectories(_ path: String) throws -> UInt32 {
        var current = Ext4FileSystem.rootInode
        for component in path.split(separator: "/") {
            let name = Array(component.utf8)
            if let existing = try existingEntry(name, in: current) {
                current = existing
            } else {
                current = try makeDirectory(name, in: current, permissions: 0o755, uid: 1000, gid: 1000)
            }
        }
        return current
    }

    /// The inode `name` names, or nil when there is no such entry.
    func existingEntry(_ name: [UInt8], in directory: UInt32) throws(Ext4Error) -> UInt32? {
        do {
            return try lookup(name, in: directory)
        } catch {
            if error.errno == .ENOENT { return nil }
            throw error
        }
    }

    func split(_ path: String) throws -> (UInt32, [UInt8]) {
        var components = path.split(separator: "/").map { Array($0.utf8) }
        let name = components.removeLast()
        var parent = Ext4FileSystem.rootInode
        for component in components { parent = try lookup(component, in: parent) }
        return (parent, name)
    }
}

/// What a directory tree holds, for comparisons: path → contents (files), link target
/// (symlinks, prefixed "->"), or "dir".
func snapshot(of root: String) throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    let manager = FileManager.default
    func walk(_ relative: String) throws {
        let full = relative.isEmpty ? root : "\(root)/\(relative)"
        for name in try manager.contentsOfDirectory(atPath: full) {
            if relative.isEmpty && name == "lost+found" { continue }
            let path = relative.isEmpty ? name : "\(relative)/\(name)"
            let absolute = "\(root)/\(path)"
            let attributes = try manager.attributesOfItem(atPath: absolute)
            let type = attributes[.type] as? FileAttributeType
            if type == .typeSymbolicLink {
                result[path] = Array("->\(try manager.destinationOfSymbolicLink(atPath: absolute))".utf8)
            } else if type == .typeDirectory {
                result[path] = Array("dir".utf8)
                try walk(path)
            } else {
                result[path] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: absolute)))
            }
        }
    }
    try walk("")
    return result
}

/// The same snapshot taken through the module.
func snapshot(of fs: Ext4FileSystem, _ directory: UInt32 = Ext4FileSystem.rootInode, prefix: String = "") throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    for entry in try fs.entries(directory) {
        let name = String(decoding: entry.name, as: UTF8.self)
        if name == "." || name == ".." { continue }
        if prefix.isEmpty && name == "lost+found" { continue }
        let path = prefix.isEmpty ? name : "\(prefix)/\(name)"
        switch entry.type {
        case .directory:
            result[path] = Array("dir".utf8)
            result.merge(try snapshot(of: fs, entry.inode, prefix: path)) { $1 }
        case .symlink:
            result[path] = Array("->".utf8) + (try fs.readLink(entry.inode))
        default:
            result[path] = try fs.readAll(entry.inode)
        }
    }
    return result
}

/// Describes the differences between two snapshots (empty when equal).
func differences(_ expected: [String: [UInt8]], _ actual: [String: [UInt8]]) -> [String] {
    var problems: [String] = []
    for (path, data) in expected.sorted(by: { $0.key < $1.key }) {
        guard let other = actual[path] else {
            problems.append("missing \(path)")
            continue
        }
        if other != data { problems.append("differs \(path) (\(data.count) vs \(other.count) bytes)") }
    }
    for path in actual.keys.sorted() where expected[path] == nil { problems.append("unexpected \(path)") }
    return problems
}
