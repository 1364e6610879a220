import Foundation
import SkiffHost

/// Host folders over virtio-9p: the host seeds a folder, a guest program
/// (`GuestTests/programs/share.c`) reads it and writes a tree into it through the share, and the
/// host then reads the folder itself, byte for byte, with the modes and times the guest set.

/// The files `share tree` finds and what it leaves: the common tree (`writtenTreeExpected`) of
/// 100 small files, the first removed and made again, with size-300000 truncated; a file grown
/// by ftruncate with a word written in its middle; the six threads' files.
func shareTreeExpected() -> [String: [UInt8]?] {
    var tree = writtenTreeExpected(sizes: [0, 1, 4095, 4096, 4097, 65536, 300_000, 1 << 20], truncated: 300_000, smallFiles: 100)
    tree["out/a/small-000"] = Array("reborn\n".utf8)
    var grown = [UInt8](repeating: 0, count: 300_000)
    grown.replaceSubrange(150_000..<150_006, with: Array("middle".utf8))
    tree["out/grown"] = grown
    for thread in 0..<6 { tree["out/thread-\(thread)"] = diskPattern(40 + thread, count: 200_000) }
    return tree
}

/// What is wrong with the tree `share tree` left in `folder`: contents, and the mode and times
/// it set on out/mode.
func inspectShareTree(_ folder: String) -> [String] {
    do {
        var problems = FolderTree.differences(
            expected: shareTreeExpected(), actual: try FolderTree.read(folder), under: ["out", "seed"])
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/out/mode")
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
        if mode != 0o640 { problems.append("out/mode has mode \(String(mode, radix: 8)), expected 640") }
        if modified != 1_600_000_000 { problems.append("out/mode was modified at \(modified), expected 1600000000") }
        return problems
    } catch {
        return ["\(error)"]
    }
}

/// A folder with the seed files; afterwards holding the expected tree.
let seededShare = GuestShare(make: { folder, _ in try populateDiskSeed(folder) }, inspect: { folder, _ in inspectShareTree(folder) })

/// The same with the test program in it, to boot from (`--rootfs=9p`).
let rootShare = GuestShare(
    make: { folder, build in
        try populateDiskSeed(folder)
        try FileManager.default.copyItem(atPath: build + "/guest/share-static-pie", toPath: folder + "/share")
    },
    inspect: { folder, _ in inspectShareTree(folder) })

let shareTreeExpectations: [GuestTest.Expectation] = [
    .contains("share: the host's files read back: ok"), .contains("share: directories and files written: ok"),
    .contains("share: truncate, append and attributes: ok"), .contains("share: links, renames and removal: ok"),
    .contains("share: error paths: ok"), .matches(#"^\d+ passed, 0 failed$"#),
]

let shareGuestTests: [GuestTest] = [
    GuestTest(
        "9p --mount-fs: the host's files read, a tree written, byte for byte on the host (musl static)",
        "--mount-fs=9p,share0,/data /bin/share-static tree /data", machines: [.microvm, .q35], status: 0,
        expect: shareTreeExpectations, cpus: 2, timeout: 180, programs: ["share-static"], recipe: dataMountPoint,
        shares: [seededShare]),
    GuestTest(
        "9p --mount-fs: the same tree (glibc dynamic)", "--mount-fs=9p,share0,/data /bin/share-dynamic tree /data",
        status: 0, expect: shareTreeExpectations, timeout: 180, programs: ["share-dynamic"], recipe: dataMountPoint,
        shares: [seededShare]),
    GuestTest(
        "9p as the root file system (--rootfs=9p, static-pie from the host folder)", "--rootfs=9p /share tree /",
        machines: [.microvm, .q35], status: 0, expect: shareTreeExpectations, timeout: 180, shares: [rootShare]),
    GuestTest(
        "9p through mount(2) by tag and umount2(2), read-write then read-only", "/bin/share-static mount share0 /data",
        status: 0, expect: [.contains("share: mount and umount: ok"), .matches(#"^\d+ passed, 0 failed$"#)],
        programs: ["share-static"], recipe: dataMountPoint,
        shares: [
            GuestShare(
                make: { _, _ in },
                inspect: { folder, _ in
                    let tree = (try? FolderTree.read(folder)) ?? [:]
                    var problems: [String] = []
                    if tree["mounted.txt"] != .some(Array("written after mount(2)\n".utf8)) {
                        problems.append("mounted.txt is not in the folder")
                    }
                    if tree["refused.txt"] != nil { problems.append("refused.txt was created on a read-only mount") }
                    return problems
                })
        ]),
    GuestTest(
        "9p: a tag no device has is a clear boot error", "--rootfs=9p,nosuch /bin/hello-static", status: 125,
        expect: [.contains("--rootfs=9p: no 9p share tagged nosuch (shares: share0)")], programs: ["hello-static"],
        shares: [GuestShare(make: { _, _ in }, inspect: { _, _ in [] })]),
    GuestTest(
        "9p: --mount-fs of a share when there is none is a clear boot error", "--mount-fs=9p,share0,/data /bin/hello-static",
        status: 125, expect: [.contains("--mount-fs: no 9p share tagged share0 (shares: none)")],
        programs: ["hello-static"], recipe: dataMountPoint),
]
