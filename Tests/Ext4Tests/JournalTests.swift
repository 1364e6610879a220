import Foundation
import LinuxABI
import Storage
import Testing

@testable import Ext4

/// The jbd2 journal against e2fsprogs' own: transactions debugfs writes (descriptor, revoke
/// and commit blocks, with and without checksums) must replay exactly, and a log the module
/// fills and wraps many times must stay valid.
@Suite struct JournalTests {
    struct Case: CustomStringConvertible {
        var spec: VolumeSpec
        /// `jo` options: "" (no checksums), "-c" (v3), "-c -v 2".
        var open: String
        var description: String { "\(spec) jo \(open)" }
    }

    @Test(arguments: [
        Case(spec: VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024), open: "-c"),
        Case(spec: VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024, metadataChecksum: false), open: ""),
        Case(spec: VolumeSpec(sizeKiB: 16 * 1024, blockSize: 4096, metadataChecksum: false, bit64: false), open: ""),
        Case(spec: VolumeSpec(sizeKiB: 16 * 1024, blockSize: 4096), open: "-c -v 2"),
    ])
    func replaysTransactionsDebugfsWrote(_ testCase: Case) throws {
        let spec = testCase.spec
        let image = try TestImage(spec)
        let blocks = spec.sizeKiB * 1024 / spec.blockSize
        // Free blocks near the end of the volume.
        let (x, y, z) = (blocks - 20, blocks - 19, blocks - 10)
        var random = SplitMix64(seed: 1)
        let first = random.bytes(2 * spec.blockSize)
        var second = random.bytes(spec.blockSize)
        // A block starting with the jbd2 magic must be escaped in the log and restored.
        second.replaceSubrange(0..<4, with: [0xC0, 0x3B, 0x39, 0x98])
        let firstFile = image.scratch.file("first")
        let secondFile = image.scratch.file("second")
        try Data(first).write(to: URL(fileURLWithPath: firstFile))
        try Data(second).write(to: URL(fileURLWithPath: secondFile))
        let output = try image.debugfs(
            script: [
                "jo \(testCase.open)", "jw -b \(x),\(y) \(firstFile)", "jc",
                "jo", "jw -r \(y)", "jc",
                "jo", "jw -b \(z) \(secondFile)", "jc",
            ], writable: true)
        let header = try image.debugfs("logdump")
        #expect(header.contains("revoke"), "\(output)\n\(header)")
        let before = try image.bytes
        #expect(Array(before[z * spec.blockSize..<(z + 1) * spec.blockSize]) != second)
        do {
            let fs = try image.mount()
            #expect(fs.recoveredTransactions == 3)
            try fs.unmount()
        }
        let after = try image.bytes
        #expect(Array(after[x * spec.blockSize..<(x + 1) * spec.blockSize]) == Array(first[0..<spec.blockSize]))
        #expect(Array(after[y * spec.blockSize..<(y + 1) * spec.blockSize]) == Array(before[y * spec.blockSize..<(y + 1) * spec.blockSize]))
        #expect(Array(after[z * spec.blockSize..<(z + 1) * spec.blockSize]) == second)
        try image.expectClean(testCase.description)
        let dumpe2fs = try E2fsprogs.run(tool: "dumpe2fs", ["-h", image.path]).text
        #expect(!dumpe2fs.contains("needs_recovery"), "\(dumpe2fs)")
    }

    @Test func readOnlyMountReplaysToo() throws {
        let image = try TestImage(VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024))
        let data = SplitMix64(seed: 2).bytesCopy(1024)
        let file = image.scratch.file("data")
        try Data(data).write(to: URL(fileURLWithPath: file))
        _ = try image.debugfs(script: ["jo -c", "jw -b 8000 \(file)", "jc"], writable: true)
        // A read-only device cannot be recovered: the mount says so.
        do {
            _ = try mount(try image.device(readOnly: true), readOnly: true)
            Issue.record("mounted a volume needing recovery from a read-only device")
        } catch let error as Ext4Error {
            #expect(error.errno == .EROFS)
        }
        let fs = try image.mount(readOnly: true)
        #expect(fs.recoveredTransactions == 1)
        #expect(Array(try image.bytes[8000 * 1024..<8001 * 1024]) == data)
        try image.expectClean()
    }

    @Test(arguments: [true, false])
    func logWrapsManyTimes(_ checksums: Bool) throws {
        // 1 MiB journal, thousands of transactions: checkpoints and wrap-around.
        let spec = VolumeSpec(
            sizeKiB: 16 * 1024, blockSize: 1024, metadataChecksum: checksums, extraArguments: ["-J", "size=1"])
        let image = try TestImage(spec)
        var random = SplitMix64(seed: 4)
        var model: [String: [UInt8]] = [:]
        do {
            let fs = try image.mount(commitEveryOperation: true)
            for round in 0..<1500 {
                let name = "n\(random.below(200))"
                if model[name] != nil, round % 3 == 0 {
                    try fs.unlink(bytes(name), in: Ext4FileSystem.rootInode)
                    model[name] = nil
                } else if let _ = model[name] {
                    let data = random.bytes(random.below(3000))
                    let inode = try fs.resolve(name)
                    try fs.truncate(inode, to: 0)
                    try fs.writeAll(inode, data)
                    model[name] = data
                } else {
                    let data = random.bytes(random.below(3000))
                    try fs.makeFile(name, data)
                    model[name] = data
                }
            }
            try fs.unmount()
        }
        try image.expectClean()
        #expect(differences(model, try snapshot(of: try image.extract())) == [])
        let logdump = try image.debugfs("logdump")
        #expect(logdump.contains("Journal starts at block"), "\(logdump)")
    }
}

extension SplitMix64 {
    /// `bytes(count)` on a copy, for one-off data.
    func bytesCopy(_ count: Int) -> [UInt8] {
        var copy = self
        return copy.bytes(count)
    }
}
