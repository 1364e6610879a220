import Foundation
import LinuxABI
import Testing

@testable import Ext4

/// Creating, linking, renaming and removing names: after each scenario e2fsck must find
/// nothing to fix and debugfs must extract exactly the expected tree.
@Suite struct NamespaceTests {
    /// Descriptor layouts beyond the classic one: meta_bg (descriptors in the groups they
    /// describe; small groups so there are several meta groups) and sparse_super2.
    static let layouts: [VolumeSpec] = [
        VolumeSpec(sizeKiB: 40 * 1024, blockSize: 1024, features: ["meta_bg", "^resize_inode"], extraArguments: ["-g", "1024"]),
        VolumeSpec(sizeKiB: 40 * 1024, blockSize: 1024, metadataChecksum: false, bit64: false, features: ["sparse_super2"], extraArguments: ["-g", "2048"]),
    ]

    @Test(arguments: VolumeSpec.variants + layouts)
    func namespaceOperationsLeaveACleanVolume(_ spec: VolumeSpec) throws {
        let image = try TestImage(spec)
        var expected: [String: [UInt8]] = [:]
        do {
            let fs = try image.mount()
            try fs.makeDirectories("a/b/c")
            try fs.makeDirectories("d")
            expected["a"] = bytes("dir")
            expected["a/b"] = bytes("dir")
            expected["a/b/c"] = bytes("dir")
            expected["d"] = bytes("dir")
            for index in 0..<40 {
                let data = bytes(String(repeating: "file \(index) ", count: index * 37))
                try fs.makeFile("a/f\(index)", data)
                expected["a/f\(index)"] = data
            }
            // Hard links, then the original name goes.
            let a = try fs.resolve("a")
            let d = try fs.resolve("d")
            let f1 = try fs.resolve("a/f1")
            try fs.link(f1, into: d, as: bytes("hard"))
            expected["d/hard"] = expected["a/f1"]
            try fs.unlink(bytes("f1"), in: a)
            expected["a/f1"] = nil
            #expect(try fs.attributes(f1).linkCount == 1)
            // Symlinks: fast (in the inode) and slow (a data block).
            let fast = try fs.makeSymlink(bytes("fast"), in: d, target: bytes("../a/f2"))
            let slowTarget = bytes(String(repeating: "x/", count: 60) + "end")
            let slow = try fs.makeSymlink(bytes("slow"), in: d, target: slowTarget)
            expected["d/fast"] = bytes("->../a/f2")
            expected["d/slow"] = bytes("->") + slowTarget
            #expect(try fs.readLink(fast) == bytes("../a/f2"))
            #expect(try fs.readLink(slow) == slowTarget)
            // Renames: in place, across directories, over an existing file, a directory across.
            try fs.rename(bytes("f2"), in: a, to: bytes("f2-renamed"), in: a)
            expected["a/f2-renamed"] = expected.removeValue(forKey: "a/f2")
            try fs.rename(bytes("f3"), in: a, to: bytes("f3-moved"), in: d)
            expected["d/f3-moved"] = expected.removeValue(forKey: "a/f3")
            try fs.rename(bytes("f4"), in: a, to: bytes("f5"), in: a)
            expected["a/f5"] = expected.removeValue(forKey: "a/f4")
            try fs.rename(bytes("b"), in: a, to: bytes("b-moved"), in: d)
            for key in expected.keys.filter({ $0.hasPrefix("a/b") }) {
                expected["d/b-moved" + key.dropFirst(3)] = expected.removeValue(forKey: key)
            }
            let moved = try fs.resolve("d/b-moved")
            #expect(try fs.parent(of: moved) == d)
            // Removal of an empty directory, and of files.
            try fs.makeDirectories("d/empty")
            try fs.removeDirectory(bytes("empty"), in: d)
            for index in stride(from: 10, to: 40, by: 3) {
                try fs.unlink(bytes("f\(index)"), in: a)
                expected["a/f\(index)"] = nil
            }
            // Special files exist but debugfs does not extract them.
            let fifo = try fs.create(bytes("fifo"), in: d, type: .fifo, permissions: 0o600)
            let device = try fs.create(
                bytes("tty"), in: d, type: .characterDevice, permissions: 0o620,
                device: Ext4DeviceNumber(major: 4, minor: 300))
            #expect(try fs.attributes(fifo).type == .fifo)
            #expect(try fs.attributes(device).device == Ext4DeviceNumber(major: 4, minor: 300))
            try fs.unmount()
        }
        try image.expectClean(spec.description)
        let extracted = try snapshot(of: try image.extract())
        #expect(differences(expected, extracted) == [])
        let again = try image.mount(readOnly: true)
        var withSpecial = expected
        withSpecial["d/fifo"] = []
        withSpecial["d/tty"] = []
        #expect(differences(withSpecial, try snapshot(of: again)) == [])
        let stat = try image.debugfs("stat /d/tty")
        #expect(stat.contains("Device major/minor number: 04:300"), "\(stat)")
    }

    @Test func errorsMapToLinuxErrnoAndChangeNothing() throws {
        let image = try TestImage(VolumeSpec(sizeKiB: 8 * 1024))
        do {
            let fs = try image.mount()
            let root = Ext4FileSystem.rootInode
            let dir = try fs.makeDirectory(bytes("dir"), in: root, permissions: 0o755)
            let file = try fs.makeFile("dir/file", bytes("data"))
            #expect(errno { _ = try fs.lookup(bytes("missing"), in: root) } == .ENOENT)
            #expect(errno { _ = try fs.makeDirectory(bytes("dir"), in: root, permissions: 0o755) } == .EEXIST)
            #expect(errno { _ = try fs.create(bytes("x"), in: file, permissions: 0o644) } == .ENOTDIR)
            #expect(errno { try fs.unlink(bytes("dir"), in: root) } == .EISDIR)
            #expect(errno { try fs.removeDirectory(bytes("dir"), in: root) } == .ENOTEMPTY)
            #expect(errno { try fs.removeDirectory(bytes("file"), in: dir) } == .ENOTDIR)
            #expect(errno { _ = try fs.create([UInt8](repeating: 0x61, count: 256), in: root, permissions: 0o644) } == .ENAMETOOLONG)
            #expect(errno { _ = try fs.create(bytes("a/b"), in: root, permissions: 0o644) } == .EINVAL)
            #expect(errno { try fs.rename(bytes("dir"), in: root, to: bytes("inside"), in: dir) } == .EINVAL)
            #expect(errno { try fs.rename(bytes("file"), in: dir, to: bytes("dir"), in: root) } == .EISDIR)
            #expect(errno { try fs.link(dir, into: root, as: bytes("dirlink")) } == .EPERM)
            #expect(errno { _ = try fs.readLink(file) } == .EINVAL)
            #expect(errno { _ = try fs.write(dir, at: 0, from: UnsafeRawBufferPointer(start: nil, count: 0)) } == .EISDIR)
            let other = try fs.makeFile("other", bytes("x"))
            #expect(errno { try fs.rename(bytes("other"), in: root, to: bytes("file"), in: dir, flags: .noReplace) } == .EEXIST)
            try fs.rename(bytes("other"), in: root, to: bytes("file"), in: dir, flags: .exchange)
            #expect(try fs.lookup(bytes("file"), in: dir) == other)
            #expect(try fs.lookup(bytes("other"), in: root) == file)
            try fs.unmount()
        }
        try image.expectClean()
        let readOnly = try image.mount(readOnly: true)
        do {
            _ = try readOnly.create(bytes("new"), in: Ext4FileSystem.rootInode, permissions: 0o644)
            Issue.record("a read-only mount created a file")
        } catch {
            #expect(error.errno == .EROFS)
        }
    }

    /// RENAME_WHITEOUT: the old entry points at a new character device 0/0 with mode bits 0,
    /// which e2fsck accepts (overlayfs leaves these on ext4 upper layers).
    @Test(arguments: [VolumeSpec(blockSize: 1024), VolumeSpec(blockSize: 4096, metadataChecksum: false, bit64: false)])
    func renameWhiteoutLeavesADevice00ThatE2fsckAccepts(_ spec: VolumeSpec) throws {
        let image = try TestImage(spec)
        do {
            let fs = try image.mount()
            let upper = try fs.makeDirectories("upper")
            let other = try fs.makeDirectories("other")
            let file = try fs.makeFile("upper/file", bytes("data"))
            _ = try fs.makeFile("other/old", bytes("replaced"))
            let moved = try fs.makeDirectories("upper/dir")
            try fs.rename(bytes("file"), in: upper, to: bytes("renamed"), in: upper, flags: .whiteout, uid: 1000, gid: 100)
            try fs.rename(bytes("renamed"), in: upper, to: bytes("old"), in: other, flags: .whiteout, uid: 1000, gid: 100)
            try fs.rename(bytes("dir"), in: upper, to: bytes("dir"), in: other, flags: [.whiteout, .noReplace])
            #expect(try fs.lookup(bytes("old"), in: other) == file)
            #expect(try fs.lookup(bytes("dir"), in: other) == moved)
            #expect(try fs.parent(of: moved) == other)
            for name in ["file", "renamed", "dir"] {
                let whiteout = try fs.attributes(try fs.lookup(bytes(name), in: upper))
                #expect(whiteout.type == .characterDevice, "\(name)")
                #expect(whiteout.permissions == 0)
                #expect(whiteout.device == Ext4DeviceNumber(major: 0, minor: 0))
                #expect(whiteout.linkCount == 1)
                #expect((whiteout.uid, whiteout.gid) == (name == "dir" ? (0, 0) : (1000, 100)))
            }
            #expect(try fs.attributes(upper).linkCount == 2)
            #expect(try fs.attributes(other).linkCount == 3)
            #expect(errno { try fs.rename(bytes("old"), in: other, to: bytes("dir"), in: other, flags: [.whiteout, .exchange]) } == .EINVAL)
            try fs.unmount()
        }
        try image.expectClean(spec.description)
        let stat = try image.debugfs("stat /upper/file")
        #expect(stat.contains("Type: character special"), "\(stat)")
        #expect(stat.contains("Mode:  0000"), "\(stat)")
        #expect(stat.contains("Device major/minor number: 00:00"), "\(stat)")
    }

    @Test func renameWhiteoutWithoutAFreeInodeChangesNothing() throws {
        let image = try TestImage(VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024, extraArguments: ["-N", "64"]))
        do {
            let fs = try image.mount()
            let root = Ext4FileSystem.rootInode
            var created = 0
            while (try? fs.create(bytes("i\(created)"), in: root, permissions: 0o644)) != nil { created += 1 }
            #expect(errno { try fs.rename(bytes("i0"), in: root, to: bytes("moved"), in: root, flags: .whiteout) } == .ENOSPC)
            #expect(try fs.existingEntry(bytes("i0"), in: root) != nil)
            #expect(try fs.existingEntry(bytes("moved"), in: root) == nil)
            try fs.rename(bytes("i0"), in: root, to: bytes("moved"), in: root)
            try fs.unmount()
        }
        try image.expectClean()
    }

    @Test func timestampsAndAttributesMatchDebugfs() throws {
        let image = try TestImage(VolumeSpec(sizeKiB: 8 * 1024))
        do {
            let fs = try image.mount()
            let file = try fs.makeFile("file", bytes("contents"), permissions: 0o640)
            try fs.setAttributes(
                file,
                Ext4AttributeChanges(
                    permissions: 0o4751, uid: 70000, gid: 1234,
                    accessTime: .set(Timespec(seconds: 1_000_000_000, nanoseconds: 5)),
                    modificationTime: .set(Timespec(seconds: 1_500_000_000, nanoseconds: 123_456_789))))
            let attributes = try fs.attributes(file)
            #expect(attributes.permissions == 0o4751)
            #expect(attributes.uid == 70000)
            #expect(attributes.modificationTime == Timespec(seconds: 1_500_000_000, nanoseconds: 123_456_789))
            let before = try fs.attributes(Ext4FileSystem.rootInode).modificationTime
            usleep(2000)
            _ = try fs.makeFile("later", [])
            let after = try fs.attributes(Ext4FileSystem.rootInode).modificationTime
            #expect(after.seconds > before.seconds || after.nanoseconds > before.nanoseconds)
            try fs.unmount()
        }
        try image.expectClean()
        let stat = try image.debugfs("stat /file")
        #expect(stat.contains("Mode:  04751"), "\(stat)")
        #expect(stat.contains("User: 70000"), "\(stat)")
        #expect(stat.contains("Group:  1234"), "\(stat)")
        #expect(stat.contains("Size: 8"), "\(stat)")
        #expect(stat.contains("mtime: 0x59682f00:1d6f3454"), "\(stat)")
    }
}
