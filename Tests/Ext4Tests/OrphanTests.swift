import Foundation
import LinuxABI
import Storage
import Testing

@testable import Ext4

/// The orphan list: files unlinked while open live on until released, deletions and
/// truncations too large for one transaction finish after a crash, and e2fsck never sees a
/// half-freed inode.
@Suite struct OrphanTests {
    @Test func openUnlinkedFileLivesUntilReleased() throws {
        let image = try TestImage(VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024))
        do {
            let fs = try image.mount()
            let data = SplitMix64(seed: 1).bytesCopy(50_000)
            let file = try fs.makeFile("open", data)
            let freeInodes = fs.statistics().freeInodes
            fs.isInUse = { $0 == file }
            try fs.unlink(bytes("open"), in: Ext4FileSystem.rootInode)
            #expect(throws: Ext4Error.self) { _ = try fs.resolve("open") }
            #expect(try fs.readAll(file) == data)
            try fs.writeAll(file, bytes("more"), at: 50_000)
            #expect(try fs.attributes(file).linkCount == 0)
            #expect(fs.superblock.lastOrphan == file)
            try fs.release(file)
            try fs.sync()
            #expect(fs.statistics().freeInodes == freeInodes + 1)
            #expect(fs.superblock.lastOrphan == 0)
            try fs.unmount()
        }
        try image.expectClean()
    }

    @Test func crashWithOpenUnlinkedFilesFinishesAtMount() throws {
        let image = try TestImage(VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024))
        var numbers: [UInt32] = []
        do {
            let fs = try image.mount()
            for index in 0..<3 {
                numbers.append(try fs.makeFile("f\(index)", SplitMix64(seed: UInt64(index)).bytesCopy(20_000 * (index + 1))))
            }
            fs.isInUse = { _ in true }
            for index in 0..<3 { try fs.unlink(bytes("f\(index)"), in: Ext4FileSystem.rootInode) }
            try fs.commit()
            // Power lost with the files still open: no unmount.
        }
        let recovered = try image.mount()
        #expect(recovered.superblock.lastOrphan == 0)
        try recovered.unmount()
        try image.expectClean()
        for number in numbers {
            let test = try image.debugfs("testi <\(number)>")
            #expect(test.contains("not in use"), "\(test)")
        }
    }

    @Test func unmountFreesFilesStillOpen() throws {
        let image = try TestImage(VolumeSpec(sizeKiB: 8 * 1024, blockSize: 4096))
        do {
            let fs = try image.mount()
            let file = try fs.makeFile("open", [UInt8](repeating: 1, count: 100_000))
            fs.isInUse = { _ in true }
            try fs.unlink(bytes("open"), in: Ext4FileSystem.rootInode)
            try fs.unmount()
            _ = file
        }
        try image.expectClean()
    }

    /// A file of `extents` one-block extents (every other block written).
    static func fragmentedFile(_ fs: Ext4FileSystem, _ path: String, extents: Int) throws {
        let file = try fs.makeFile(path, [])
        let block = fs.blockSize
        for index in 0..<extents {
            try fs.writeAll(file, [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: block), at: UInt64(index * 2 * block))
        }
    }

    @Test func crashDuringLongDeletionsRecovers() throws {
        // A small journal makes deleting 700 extents take many transactions.
        let spec = VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024, extraArguments: ["-J", "size=1"])
        let setup = try MemoryBlockDevice.holding(try makeImage(spec))
        do {
            let fs = try mount(setup)
            try Self.fragmentedFile(fs, "victim", extents: 700)
            try Self.fragmentedFile(fs, "shrinks", extents: 400)
            try fs.unmount()
        }
        let device = RecordingBlockDevice(image: setup.bytes)
        var recording = CrashTests.Recording(device: device)
        let fs = try mount(device, commitEveryOperation: true)
        recording.states.append(try snapshot(of: fs))
        recording.writesAt.append(device.writeCount)
        try fs.unlink(bytes("victim"), in: Ext4FileSystem.rootInode)
        recording.states.append(try snapshot(of: fs))
        recording.writesAt.append(device.writeCount)
        try fs.truncate(try fs.resolve("shrinks"), to: 3000)
        recording.states.append(try snapshot(of: fs))
        recording.writesAt.append(device.writeCount)
        try fs.unmount()
        let total = device.writeCount
        // The deletion took several transactions (two flushes per commit).
        #expect(device.flushes(from: recording.writesAt[0], to: recording.writesAt[1]) > 8)
        #expect(total > 60)
        for cut in stride(from: 0, through: total, by: 2) {
            try CrashTests.check(device.image(after: cut), cut: cut, recording, label: "long deletion")
        }
    }
}
