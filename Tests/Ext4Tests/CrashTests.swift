import Foundation
import LinuxABI
import Storage
import Testing

@testable import Ext4

/// Power loss at every point of a workload: the disk is rebuilt as it would be after a crash
/// following each block write (with, for the writes since the last flush, the device keeping
/// all of them or any subset), recovered, and checked. After recovery e2fsck must find nothing
/// to fix, and the tree must be the state after some prefix of the completed operations —
/// never a mixture within one operation.
@Suite struct CrashTests {
    /// A run of the workload on a recording device.
    struct Recording {
        let device: RecordingBlockDevice
        /// The tree after each operation (index 0: before the first).
        var states: [[String: [UInt8]]] = []
        /// Writes issued when each state was reached.
        var writesAt: [Int] = []
    }

    /// Operations that each fit in one transaction, so each must be all or nothing.
    static func workload(_ fs: Ext4FileSystem, _ step: () throws -> Void) throws {
        var random = SplitMix64(seed: 11)
        let root = Ext4FileSystem.rootInode
        let dir = try fs.makeDirectory(bytes("dir"), in: root, permissions: 0o755)
        try step()
        for index in 0..<6 {
            let file = try fs.create(bytes("f\(index)"), in: dir, permissions: 0o644)
            try step()
            try fs.writeAll(file, random.bytes(3000 + index * 5000))
            try step()
        }
        try fs.rename(bytes("f1"), in: dir, to: bytes("moved"), in: root)
        try step()
        try fs.unlink(bytes("f2"), in: dir)
        try step()
        let sub = try fs.makeDirectory(bytes("sub"), in: dir, permissions: 0o700)
        try step()
        _ = try fs.makeSymlink(bytes("link"), in: sub, target: bytes(String(repeating: "t", count: 100)))
        try step()
        try fs.link(try fs.resolve("dir/f3"), into: sub, as: bytes("hard"))
        try step()
        try fs.truncate(try fs.resolve("dir/f4"), to: 1000)
        try step()
        try fs.rename(bytes("f5"), in: dir, to: bytes("f0"), in: dir)
        try step()
        try fs.unlink(bytes("link"), in: sub)
        try step()
        try fs.unlink(bytes("hard"), in: sub)
        try step()
        try fs.removeDirectory(bytes("sub"), in: dir)
        try step()
        try fs.unlink(bytes("moved"), in: root)
        try step()
        for index in 0..<20 {
            _ = try fs.create(bytes("many-\(index)"), in: root, permissions: 0o644)
            try step()
        }
    }

    static func record(_ spec: VolumeSpec, commitEveryOperation: Bool = true) throws -> Recording {
        let device = RecordingBlockDevice(image: try makeImage(spec))
        var recording = Recording(device: device)
        let fs = try mount(device, commitEveryOperation: commitEveryOperation)
        // Mounting writes the superblock and journal superblock; crashes from here on.
        func step() throws {
            if !commitEveryOperation { try fs.commit() }
            recording.states.append(try snapshot(of: fs))
            recording.writesAt.append(device.writeCount)
        }
        try step()
        try workload(fs, step)
        try fs.unmount()
        recording.states.append(recording.states.last!)
        recording.writesAt.append(device.writeCount)
        return recording
    }

    /// Recovers a crashed disk with the module and returns the recovered disk.
    static func recover(_ image: [UInt8]) throws -> [UInt8] {
        let device = try MemoryBlockDevice.holding(image)
        let fs = try mount(device)
        try fs.unmount()
        return device.bytes
    }

    /// Checks one crashed disk: recovery, e2fsck, and that the tree is a state the workload
    /// passed through around the cut.
    static func check(_ crashed: [UInt8], cut: Int, _ recording: Recording, reordered: Bool = false, label: String) throws {
        let recovered: [UInt8]
        do {
            recovered = try recover(crashed)
        } catch {
            Issue.record("\(label): recovery failed after write \(cut): \(error)")
            return
        }
        let result = try fsck(recovered)
        #expect(result.status == 0, "\(label): e2fsck after a crash at write \(cut):\n\(result.text)")
        let fs = try mount(MemoryBlockDevice.holding(recovered), readOnly: true)
        let tree = try snapshot(of: fs)
        // The last state complete before the cut, and the one the cut interrupted; when the
        // device may drop unflushed writes, also any state since the last flush.
        let before = recording.writesAt.lastIndex { $0 <= cut } ?? 0
        var first = before
        if reordered {
            let flushed = recording.device.flushedWrites(before: cut)
            first = recording.writesAt.lastIndex { $0 <= flushed } ?? 0
        }
        let candidates = first...min(before + 1, recording.states.count - 1)
        let matches = candidates.contains { differences(recording.states[$0], tree).isEmpty }
        #expect(matches, "\(label): crash at write \(cut) left a tree of no state: \(differences(recording.states[before], tree).prefix(5))")
    }

    @Test(arguments: [
        VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024),
        VolumeSpec(sizeKiB: 8 * 1024, blockSize: 4096, metadataChecksum: false, bit64: false),
    ])
    func crashAtEveryWriteRecovers(_ spec: VolumeSpec) throws {
        let recording = try Self.record(spec)
        let total = recording.device.writeCount
        #expect(total > 100)
        for cut in 0...total {
            try Self.check(recording.device.image(after: cut), cut: cut, recording, label: "\(spec)")
        }
    }

    @Test func crashWithReorderedUnflushedWritesRecovers() throws {
        let spec = VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024)
        let recording = try Self.record(spec)
        let total = recording.device.writeCount
        var random = SplitMix64(seed: 5)
        for cut in stride(from: 1, through: total, by: 3) {
            let seed = random.next()
            var lane = SplitMix64(seed: seed)
            let image = recording.device.image(after: cut) { _ in lane.next() & 1 == 0 }
            try Self.check(image, cut: cut, recording, reordered: true, label: "reordered seed \(seed)")
        }
    }

    @Test func batchedTransactionsRecover() throws {
        // Without a commit per operation several operations share a transaction; the cut
        // points between commits must still recover to a committed state.
        let spec = VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024)
        let recording = try Self.record(spec, commitEveryOperation: false)
        let total = recording.device.writeCount
        for cut in stride(from: 0, through: total, by: 2) {
            try Self.check(recording.device.image(after: cut), cut: cut, recording, label: "batched")
        }
    }

    @Test func crashWhileTheLogWrapsRecovers() throws {
        // A 1 MiB log and hundreds of commits: the log wraps several times and checkpoints
        // run when it fills, so cuts land in checkpoints and in transactions that wrap.
        let spec = VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024, extraArguments: ["-J", "size=1"])
        let device = RecordingBlockDevice(image: try makeImage(spec))
        var recording = Recording(device: device)
        let fs = try mount(device, commitEveryOperation: true)
        func step() throws {
            recording.states.append(try snapshot(of: fs))
            recording.writesAt.append(device.writeCount)
        }
        try step()
        var random = SplitMix64(seed: 21)
        for round in 0..<160 {
            let file = try fs.create(bytes("r\(round)"), in: Ext4FileSystem.rootInode, permissions: 0o644)
            try step()
            try fs.writeAll(file, random.bytes(1 + random.below(4000)))
            try step()
            if round >= 2 {
                try fs.rename(bytes("r\(round - 2)"), in: Ext4FileSystem.rootInode, to: bytes("old-\(round % 7)"), in: Ext4FileSystem.rootInode)
                try step()
            }
        }
        try fs.unmount()
        try step()
        let total = device.writeCount
        #expect(total > 3000, "\(total) writes")
        var random2 = SplitMix64(seed: 22)
        var cut = random2.below(7)
        while cut <= total {
            try Self.check(device.image(after: cut), cut: cut, recording, label: "wrapping log")
            cut += 5 + random2.below(20)
        }
    }

    @Test func e2fsckReplaysTheModulesJournal() throws {
        // Cut after commits but before checkpoints, and let e2fsck do the replay.
        let spec = VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024)
        let recording = try Self.record(spec)
        for (index, cut) in recording.writesAt.enumerated() where index % 4 == 1 {
            let image = try TestImage(bytes: recording.device.image(after: cut))
            let logdump = try image.debugfs("logdump")
            #expect(!logdump.contains("checksum") || !logdump.contains("bad"), "\(logdump)")
            let replay = try image.fsck(["-fy"])
            #expect(replay.status <= 1, "e2fsck -fy: \(replay.text)")
            #expect(!replay.text.contains("Fix? yes") && !replay.text.contains("Clear? yes"), "\(replay.text)")
            try image.expectClean("after e2fsck replayed up to state \(index)")
            let tree = try snapshot(of: try image.mount(readOnly: true))
            #expect(differences(recording.states[index], tree) == [], "state \(index)")
        }
    }

    @Test func failingDeviceAbortsWithoutDamage() throws {
        let spec = VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024)
        let reference = try Self.record(spec)
        for limit in stride(from: 5, to: reference.device.writeCount, by: 37) {
            let device = RecordingBlockDevice(image: reference.device.initial)
            let fs = try mount(device, commitEveryOperation: true)
            device.failAfterWrites = limit
            do {
                try Self.workload(fs) {}
                try fs.unmount()
            } catch let error as Ext4Error {
                #expect(error.errno == .EIO, "\(error)")
            }
            device.failAfterWrites = nil
            try Self.check(device.current, cut: limit, reference, label: "I/O error after \(limit) writes")
        }
    }
}

extension MemoryBlockDevice {
    /// A memory disk holding `image`.
    static func holding(_ image: [UInt8]) throws -> MemoryBlockDevice {
        let device = MemoryBlockDevice(sectorCount: UInt64(image.count / 512))
        try image.withUnsafeBytes { try device.write(sector: 0, from: $0) }
        return device
    }
}
