import Foundation
import SkiffHost

/// Persistent storage: ext4 volumes made by mke2fs on the host, written by a guest program
/// (`GuestTests/programs/disk.c`), then checked on the host with e2fsprogs — `e2fsck -fn` must
/// find nothing to fix and `debugfs rdump` must give back the tree the program was told to
/// write, byte for byte. A power-cut test kills QEMU while the program writes and fsyncs.

/// Byte `index` of pattern `seed` (`pattern()` in GuestTests/include/pattern.h, which disk.c and
/// net.c share).
func diskPattern(_ seed: Int, _ index: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: (index &* 131 &+ (index >> 9) &* 7 &+ seed &* 29) ^ (seed >> 3))
}

func diskPattern(_ seed: Int, count: Int) -> [UInt8] {
    (0..<count).map { diskPattern(seed, $0) }
}

/// What the guest tests do with e2fsprogs (`make deps` installs them).
extension E2fsprogs {
    static func run(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
        do {
            let result = try Subprocess(path(tool) ?? tool, arguments).run()
            return (result.status, result.outputText + result.errorText)
        } catch {
            return (-1, "cannot run \(tool): \(error)")
        }
    }

    /// A fresh ext4 volume of `megabytes` at `path`, holding what `populate` puts in a folder.
    static func makeVolume(_ path: String, megabytes: Int, populate: (String) throws -> Void) throws {
        let source = NSTemporaryDirectory() + "skiff-mke2fs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: source) }
        try populate(source)
        let made = run("mke2fs", ["-q", "-F", "-t", "ext4", "-d", source, path, "\(megabytes)M"])
        guard made.status == 0 else { throw SkiffError("mke2fs failed: \(made.output)") }
    }

    /// `e2fsck -fn`: what it complains about, nothing when the volume is clean.
    static func check(_ path: String) -> [String] {
        let result = run("e2fsck", ["-fn", path])
        return result.status == 0 ? [] : ["e2fsck -fn found problems (status \(result.status)):\n\(result.output)"]
    }

    /// Replays the journal as Linux would at mount (`e2fsck -E journal_only`).
    static func replayJournal(_ path: String) -> [String] {
        let result = run("e2fsck", ["-E", "journal_only", "-y", path])
        return result.status <= 1 ? [] : ["journal replay failed (status \(result.status)):\n\(result.output)"]
    }

    /// The volume's tree through `debugfs rdump` (see `FolderTree`).
    static func tree(_ path: String) throws -> [String: [UInt8]?] {
        let target = NSTemporaryDirectory() + "skiff-rdump-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: target) }
        let dumped = run("debugfs", ["-R", "rdump / \(target)", path])
        guard dumped.status == 0 else { throw SkiffError("debugfs rdump failed: \(dumped.output)") }
        return try FolderTree.read(target)
    }
}

/// What `disk tree` and `share tree` both leave, relative to the directory they were given: the
/// host's seed files; out, out/a and out/a/b; a file of each of `sizes` (pattern 10 + index),
/// then size-1 renamed over size-0, size-4096 linked as a/b/hard, size-4097 moved to a/renamed
/// and the one of `truncated` bytes cut to 123457; small files a/small-001 on; the appended log,
/// the symlink and the empty file whose mode was changed.
func writtenTreeExpected(sizes: [Int], truncated: Int, smallFiles: Int) -> [String: [UInt8]?] {
    let directory: [UInt8]? = nil
    var tree: [String: [UInt8]?] = [:]
    for path in ["seed", "seed/nested", "out", "out/a", "out/a/b"] { tree[path] = .some(directory) }
    tree["seed/hello.txt"] = Array("hello from the host\n".utf8)
    tree["seed/nested/pattern.bin"] = diskPattern(1, count: 200_000)
    for (index, size) in sizes.enumerated() {
        let contents = diskPattern(10 + index, count: size == truncated ? 123_457 : size)
        switch size {
        case 0: break
        case 1: tree["out/size-0"] = contents
        case 4096:
            tree["out/size-4096"] = contents
            tree["out/a/b/hard"] = contents
        case 4097: tree["out/a/renamed"] = contents
        default: tree["out/size-\(size)"] = contents
        }
    }
    for index in 1..<smallFiles {
        tree[String(format: "out/a/small-%03d", index)] = Array("small file \(index)\n".utf8)
    }
    tree["out/log"] = Array("line 0\nline 1\nline 2\n".utf8)
    tree["out/link"] = Array("->a/b/hard".utf8)
    tree["out/mode"] = []
    return tree
}

/// The files `disk tree` finds and what it leaves: the common tree of 300 small files, with
/// size-1000000 truncated, a 10 MiB sparse file, and a file written through a shared mapping.
func diskTreeExpected() -> [String: [UInt8]?] {
    var tree = writtenTreeExpected(sizes: [0, 1, 4095, 4096, 4097, 65536, 1_000_000, 3 << 20], truncated: 1_000_000, smallFiles: 300)
    var sparse = [UInt8](repeating: 0, count: 10 << 20)
    sparse.replaceSubrange((5 << 20)..<((5 << 20) + 6), with: Array("middle".utf8))
    tree["out/sparse"] = sparse
    tree["out/mapped"] = diskPattern(20, count: 3 * 4096 + 100)
    return tree
}

/// The host's files `disk tree` and `share tree` expect to find.
func populateDiskSeed(_ source: String) throws {
    try FileManager.default.createDirectory(atPath: source + "/seed/nested", withIntermediateDirectories: true)
    try Data("hello from the host\n".utf8).write(to: URL(fileURLWithPath: source + "/seed/hello.txt"))
    try Data(diskPattern(1, count: 200_000)).write(to: URL(fileURLWithPath: source + "/seed/nested/pattern.bin"))
}

/// A 64 MiB volume with the seed files; afterwards clean and holding the expected tree.
let ext4TreeDisk = GuestDisk(
    make: { path, _ in try E2fsprogs.makeVolume(path, megabytes: 64, populate: populateDiskSeed) },
    inspect: { path, _ in inspectTree(path, prefix: "") })

/// The same with the test program in it, to boot from (`--rootfs=ext`).
let ext4RootDisk = GuestDisk(
    make: { path, build in
        try E2fsprogs.makeVolume(path, megabytes: 64) { source in
            try populateDiskSeed(source)
            try FileManager.default.copyItem(atPath: build + "/guest/disk-static-pie", toPath: source + "/disk")
        }
    },
    inspect: { path, _ in inspectTree(path, prefix: "") })

func inspectTree(_ path: String, prefix: String) -> [String] {
    let problems = E2fsprogs.check(path)
    if !problems.isEmpty { return problems }
    do {
        return FolderTree.differences(expected: diskTreeExpected(), actual: try E2fsprogs.tree(path), under: ["out", "seed"])
    } catch {
        return ["\(error)"]
    }
}

/// A 16 MiB volume the program fills up.
let ext4SmallDisk = GuestDisk(
    make: { path, _ in try E2fsprogs.makeVolume(path, megabytes: 16) { _ in } },
    inspect: { path, _ in
        let problems = E2fsprogs.check(path)
        if !problems.isEmpty { return problems }
        do {
            let tree = try E2fsprogs.tree(path)
            var wrong: [String] = []
            if tree["keep"] != .some(diskPattern(5, count: 100_000)) { wrong.append("keep is not the file written first") }
            if tree["after"] != .some(diskPattern(7, count: 1 << 20)) { wrong.append("after is not the file written last") }
            if tree["filler"] != nil { wrong.append("filler was unlinked but is still there") }
            return wrong
        } catch {
            return ["\(error)"]
        }
    })

/// The volume a power cut hits: after the journal is replayed it must be clean, and every file
/// the program reported durable (`durable N SIZE` after fsync of the file and its directory)
/// must be there in full; files deleted more than a round before the cut must be gone.
let ext4PowerCutDisk = GuestDisk(
    make: { path, _ in try E2fsprogs.makeVolume(path, megabytes: 64) { _ in } },
    inspect: { path, console in
        var durable: [(round: Int, size: Int)] = []
        for line in console.split(separator: "\n") where line.hasPrefix("durable ") {
            let fields = line.split(separator: " ")
            if fields.count == 3, let round = Int(fields[1]), let size = Int(fields[2]) { durable.append((round, size)) }
        }
        guard let last = durable.last else { return ["no round was reported durable before the cut"] }
        var problems = E2fsprogs.replayJournal(path)
        problems += E2fsprogs.check(path)
        if !problems.isEmpty { return problems }
        let tree: [String: [UInt8]?]
        do { tree = try E2fsprogs.tree(path) } catch { return ["\(error)"] }
        for (round, size) in durable where round + 12 > last.round {
            if tree["churn/r\(round)"] != .some(diskPattern(round, count: size)) {
                problems.append("churn/r\(round), reported durable, is \(tree["churn/r\(round)"].map { "\($0?.count ?? -1) bytes" } ?? "missing")")
            }
        }
        for (round, _) in durable where round + 13 <= last.round && tree["churn/r\(round)"] != nil {
            problems.append("churn/r\(round) was deleted before round \(last.round) but is back")
        }
        // Any other round file present must be whole: a name is only given after fsync.
        for (name, contents) in tree where name.hasPrefix("churn/r") {
            guard let round = Int(name.dropFirst("churn/r".count)) else { continue }
            let size = 1000 + (round * 7919) % 300_000
            if contents != .some(diskPattern(round, count: size)) { problems.append("\(name) holds garbage") }
        }
        return Array(problems.prefix(8))
    })

/// 2 MiB of pattern 3, checked after `disk raw` patched it.
let rawPatternDisk = GuestDisk(sectors: 4096, contents: { diskPattern(3, $0) }) { bytes, _ in
    for (offset, byte) in bytes.enumerated() {
        var expected = diskPattern(3, offset)
        if offset >= 100_000 && offset < 101_000 { expected = diskPattern(8, offset - 100_000) }
        if offset >= 1 << 20 && offset < (1 << 20) + 4096 { expected = diskPattern(9, offset - (1 << 20)) }
        if byte != expected { return ["disk byte \(offset) is \(byte), expected \(expected)"] }
    }
    return []
}

/// An image with the mount point for the volume.
let dataMountPoint = ImageRecipe(name: "data-mount-point", directories: ["/data"])

let treeExpectations: [GuestTest.Expectation] = [
    .contains("disk: the host's files read back: ok"), .contains("disk: directories and files written: ok"),
    .contains("disk: sparse files, truncate and append: ok"), .contains("disk: shared file mappings: ok"),
    .contains("disk: links, renames and removal: ok"),
    .matches(#"^\d+ passed, 0 failed$"#),
]

let diskGuestTests: [GuestTest] = [
    GuestTest(
        "ext4 --mount-fs: a tree written, e2fsck -fn clean, byte for byte on the host (musl static)",
        "--mount-fs=ext4,/dev/vda,/data /bin/disk-static tree /data", machines: [.microvm, .q35], status: 0,
        expect: treeExpectations, timeout: 180, programs: ["disk-static"], recipe: dataMountPoint, disks: [ext4TreeDisk]),
    GuestTest(
        "ext4 --mount-fs: the same tree (glibc dynamic)", "--mount-fs=ext4,/dev/vda,/data /bin/disk-dynamic tree /data",
        status: 0, expect: treeExpectations, timeout: 180, programs: ["disk-dynamic"], recipe: dataMountPoint,
        disks: [ext4TreeDisk]),
    GuestTest(
        "ext4 as the root file system (--rootfs=ext, static-pie from the volume)", "--rootfs=ext /disk tree /",
        status: 0, expect: treeExpectations, timeout: 180, disks: [ext4RootDisk]),
    GuestTest(
        "ext4: a full volume gives ENOSPC and loses nothing", "--mount-fs=ext4,/dev/vda,/data /bin/disk-static fill /data",
        status: 0, expect: [.contains("disk: full volume: ok"), .matches(#"^\d+ passed, 0 failed$"#)], timeout: 180,
        programs: ["disk-static"], recipe: dataMountPoint, disks: [ext4SmallDisk]),
    GuestTest(
        "ext4: power cut while writing and fsyncing; the journal replays clean, fsync'd files intact",
        "--mount-fs=ext4,/dev/vda,/data /bin/disk-static churn /data", machines: [.microvm, .q35], status: 0,
        expect: [.contains("churn: started"), .lacks("failed")], programs: ["disk-static"], recipe: dataMountPoint,
        disks: [ext4PowerCutDisk], powerCut: 3...8),
    GuestTest(
        "ext4 through mount(2) and umount2(2), read-write then read-only", "/bin/disk-static mount /dev/vda /data",
        status: 0, expect: [.contains("disk: mount and umount: ok"), .matches(#"^\d+ passed, 0 failed$"#)],
        programs: ["disk-static"], recipe: dataMountPoint,
        disks: [
            GuestDisk(
                make: { path, _ in try E2fsprogs.makeVolume(path, megabytes: 16) { _ in } },
                inspect: { path, _ in
                    let problems = E2fsprogs.check(path)
                    if !problems.isEmpty { return problems }
                    let tree = (try? E2fsprogs.tree(path)) ?? [:]
                    return tree["mounted.txt"] == .some(Array("written after mount(2)\n".utf8)) ? [] : ["mounted.txt is not on the disk"]
                })
        ]),
    GuestTest(
        "/dev/vda: unaligned and aligned reads and writes, BLKGETSIZE64, the host checks the bytes",
        "/bin/disk-static raw /dev/vda", status: 0,
        expect: [.contains("disk: raw device: ok"), .matches(#"^\d+ passed, 0 failed$"#)], programs: ["disk-static"],
        disks: [rawPatternDisk]),
]
