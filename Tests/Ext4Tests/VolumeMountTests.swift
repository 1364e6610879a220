import Foundation
import LinuxABI
import Testing
import FileSystemTestSupport
import VFS

@testable import Ext4

/// ext4 mounted in the VFS (`Ext4Volume`): path-based calls from the system-call layer reach
/// the volume, and what they leave behind is a clean volume with the expected tree.
@Suite struct VolumeMountTests {
    struct World {
        let image: TestImage
        let volume: Ext4Volume
        let vfs: VirtualFileSystem
        let context: FileContext

        init(_ spec: VolumeSpec = VolumeSpec(), source: String? = nil) throws {
            image = try TestImage(spec, source: source)
            volume = try Ext4Volume(
                blockDevice: try image.device(), options: Ext4MountOptions(clock: hostClock),
                device: DeviceNumber(major: 254, minor: 0), lockFactory: NoLockFactory())
            vfs = VirtualFileSystem(root: volume, lockFactory: NoLockFactory())
            context = vfs.makeContext()
        }

        func write(_ path: String, _ data: [UInt8], flags: Int = FileConstants.O_WRONLY | FileConstants.O_CREAT | FileConstants.O_TRUNC) throws {
            let file = try vfs.open(bytes(path), in: context, flags: flags, mode: 0o644)
            let n = try data.withUnsafeBytes { buffer in try file.write(from: buffer) }
            #expect(n == data.count)
        }

        func read(_ path: String) throws -> [UInt8] {
            let file = try vfs.open(bytes(path), in: context, flags: FileConstants.O_RDONLY)
            return try readAll(file)
        }

        func readAll(_ file: OpenFile) throws -> [UInt8] { try file.readToEnd() }

        /// Names `getdents64` returns for `path`.
        func list(_ path: String) throws -> [String] {
            try vfs.open(bytes(path), in: context, flags: FileConstants.O_RDONLY | FileConstants.O_DIRECTORY)
                .directoryNames().sorted()
        }
    }

    @Test func systemCallsThroughTheVFSLeaveTheExpectedTree() throws {
        let world = try World()
        let vfs = world.vfs
        let context = world.context
        try vfs.makeDirectory(bytes("/etc"), in: context, mode: 0o755)
        try vfs.makeDirectory(bytes("/var"), in: context, mode: 0o755)
        try vfs.makeDirectory(bytes("/var/log"), in: context, mode: 0o700)
        try world.write("/etc/hostname", bytes("skiff\n"))
        var random = SplitMix64(seed: 7)
        let big = random.bytes(300_000)
        try world.write("/var/log/big", big)
        // Appends land at the end, whatever the position.
        try world.write("/var/log/app.log", bytes("one\n"))
        try world.write("/var/log/app.log", bytes("two\n"), flags: FileConstants.O_WRONLY | FileConstants.O_APPEND)
        try vfs.makeSymlink(bytes("/etc/hostname-link"), target: bytes("/etc/hostname"), in: context)
        try vfs.link(bytes("/etc/hostname"), in: context, to: bytes("/var/hostname-hard"))
        try vfs.rename(bytes("/var/log/app.log"), in: context, to: bytes("/etc/app.log"))
        #expect(try world.read("/etc/app.log") == bytes("one\ntwo\n"))
        #expect(try world.read("/var/log/big") == big)
        #expect(try world.list("/etc") == [".", "..", "app.log", "hostname", "hostname-link"])
        #expect(errno { try vfs.removeDirectory(bytes("/var/log"), in: context) } == .ENOTEMPTY)
        #expect(errno { try vfs.makeDirectory(bytes("/etc"), in: context, mode: 0o755) } == .EEXIST)
        #expect(errno { _ = try vfs.open(bytes("/nope/x"), in: context, flags: FileConstants.O_RDONLY) } == .ENOENT)

        // A file unlinked while open stays readable until it is closed.
        try world.write("/tmpfile", bytes("still here"))
        var open: OpenFile? = try vfs.open(bytes("/tmpfile"), in: context, flags: FileConstants.O_RDONLY)
        let freeBefore = try world.volume.statistics().freeFiles
        try vfs.unlink(bytes("/tmpfile"), in: context)
        #expect(try world.readAll(open!) == bytes("still here"))
        #expect(try world.volume.statistics().freeFiles == freeBefore)
        open = nil
        #expect(try world.volume.statistics().freeFiles == freeBefore + 1)

        let attributes = try vfs.attributes(of: bytes("/var/log/big"), in: context)
        #expect(attributes.size == 300_000)
        #expect(attributes.type == .regular)
        #expect(attributes.permissions == 0o644)
        #expect(try vfs.statistics(of: bytes("/"), in: context).type == Ext4Volume.EXT4_SUPER_MAGIC)

        world.volume.unmounted()
        #expect(errno { _ = try world.read("/etc/hostname") } == .EIO)
        try world.image.expectClean("after the VFS scenario")
        let extracted = try snapshot(of: try world.image.extract())
        #expect(extracted["etc/hostname"] == bytes("skiff\n"))
        #expect(extracted["var/hostname-hard"] == bytes("skiff\n"))
        #expect(extracted["etc/hostname-link"] == bytes("->/etc/hostname"))
        #expect(extracted["var/log/big"] == big)
        #expect(extracted["tmpfile"] == nil)
    }

    /// Walking many files keeps the node table bounded, and nodes still held keep their identity.
    @Test func nodesAreSharedWhileHeldAndDroppedAfter() throws {
        let world = try World()
        for index in 0..<600 { try world.write("/f\(index)", bytes("\(index)")) }
        let held = try world.vfs.open(bytes("/f1"), in: world.context, flags: FileConstants.O_RDONLY)
        for index in 0..<600 { #expect(try world.read("/f\(index)") == bytes("\(index)")) }
        let again = try world.vfs.open(bytes("/f1"), in: world.context, flags: FileConstants.O_RDONLY)
        #expect(again.node === held.node)
        world.volume.unmounted()
        try world.image.expectClean()
    }
}
