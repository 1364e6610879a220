import Foundation
import LinuxABI
import Testing

@testable import Ext4

/// Running out of blocks or inodes: ENOSPC, a short write at most, and a volume e2fsck still
/// accepts; freeing space makes it usable again.
@Suite struct FullVolumeTests {
    @Test(arguments: [
        VolumeSpec(sizeKiB: 4 * 1024, blockSize: 1024),
        VolumeSpec(sizeKiB: 6 * 1024, blockSize: 4096, metadataChecksum: false, bit64: false),
        VolumeSpec(sizeKiB: 3 * 1024, blockSize: 1024, journal: false),
    ])
    func fillingTheVolumeFailsCleanly(_ spec: VolumeSpec) throws {
        let image = try TestImage(spec)
        var random = SplitMix64(seed: 3)
        var files: [String: [UInt8]] = [:]
        do {
            let fs = try image.mount()
            var index = 0
            var full = false
            while !full {
                let name = "f\(index)"
                index += 1
                let inode: UInt32
                do {
                    inode = try fs.create(bytes(name), in: Ext4FileSystem.rootInode, permissions: 0o644)
                } catch {
                    #expect(error.errno == .ENOSPC)
                    break
                }
                let data = random.bytes(50_000 + random.below(300_000))
                do {
                    let written = try fs.writeAll(inode, data)
                    files[name] = Array(data[0..<written])
                    full = written < data.count
                } catch let error as Ext4Error {
                    #expect(error.errno == .ENOSPC)
                    files[name] = []
                    full = true
                }
            }
            #expect(fs.statistics().freeBlocks < 64)
            // Metadata-only operations that need a block fail the same way.
            for attempt in 0..<200 {
                do {
                    _ = try fs.makeDirectory(bytes("d\(attempt)"), in: Ext4FileSystem.rootInode, permissions: 0o755)
                    files["d\(attempt)"] = bytes("dir")
                } catch {
                    #expect(error.errno == .ENOSPC)
                    break
                }
            }
            #expect(fs.abortError == nil)
            for (name, data) in files where !data.isEmpty && data != bytes("dir") {
                #expect(try fs.readAll(try fs.resolve(name)) == data, "\(name)")
            }
            try fs.unmount()
        }
        try image.expectClean("full")
        #expect(differences(files, try snapshot(of: try image.extract())) == [])
        // Space comes back after deletions.
        do {
            let fs = try image.mount()
            for name in files.keys.sorted().prefix(files.count / 2) where !name.hasPrefix("d") {
                try fs.unlink(bytes(name), in: Ext4FileSystem.rootInode)
            }
            let data = random.bytes(40_000)
            try fs.makeFile("after", data)
            #expect(try fs.readAll(try fs.resolve("after")) == data)
            try fs.unmount()
        }
        try image.expectClean("after deletions")
    }

    @Test func runningOutOfInodes() throws {
        let image = try TestImage(VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024, extraArguments: ["-N", "64"]))
        var created = 0
        do {
            let fs = try image.mount()
            do {
                while true {
                    _ = try fs.create(bytes("i\(created)"), in: Ext4FileSystem.rootInode, permissions: 0o644)
                    created += 1
                }
            } catch {
                #expect(error.errno == .ENOSPC)
            }
            #expect(fs.statistics().freeInodes == 0)
            try fs.unlink(bytes("i0"), in: Ext4FileSystem.rootInode)
            _ = try fs.create(bytes("again"), in: Ext4FileSystem.rootInode, permissions: 0o644)
            try fs.unmount()
        }
        #expect(created > 40)
        try image.expectClean()
    }
}
