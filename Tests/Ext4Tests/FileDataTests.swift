import Foundation
import LinuxABI
import Testing

@testable import Ext4

/// Writing, extending and truncating files: extent trees that split and grow, holes, partial
/// blocks. Contents are checked through the module and through debugfs.
@Suite struct FileDataTests {
    @Test(arguments: VolumeSpec.variants)
    func writesReadBackThroughDebugfs(_ spec: VolumeSpec) throws {
        let image = try TestImage(spec)
        var random = SplitMix64(seed: 7)
        var model = [UInt8]()
        do {
            let fs = try image.mount()
            let file = try fs.makeFile("data", [])
            // Sequential appends of odd sizes, then overwrites across block edges.
            for _ in 0..<20 {
                let chunk = random.bytes(1 + random.below(9000))
                try fs.writeAll(file, chunk, at: UInt64(model.count))
                model += chunk
            }
            for _ in 0..<20 {
                let offset = random.below(model.count)
                let chunk = random.bytes(1 + random.below(5000))
                try fs.writeAll(file, chunk, at: UInt64(offset))
                let end = offset + chunk.count
                if end > model.count { model += [UInt8](repeating: 0, count: end - model.count) }
                model.replaceSubrange(offset..<end, with: chunk)
            }
            #expect(try fs.readAll(file) == model)
            // A write far past the end leaves a hole that reads as zeros.
            let far = UInt64(model.count + 3 * 4096 + 17)
            try fs.writeAll(file, bytes("tail"), at: far)
            model += [UInt8](repeating: 0, count: Int(far) - model.count) + bytes("tail")
            #expect(try fs.readAll(file) == model)
            try fs.unmount()
        }
        try image.expectClean(spec.description)
        let extracted = try snapshot(of: try image.extract())
        #expect(extracted["data"] == model)
    }

    @Test(arguments: [1024, 4096])
    func fragmentedFilesGrowDeepExtentTrees(_ blockSize: Int) throws {
        // Every other block written: one extent per block, so the tree must split leaves
        // and grow to depth 2 (4 index entries in the inode × block-sized nodes).
        let perNode = (blockSize - 12) / 12
        let extents = 4 * perNode + perNode / 2 + 3
        let spec = VolumeSpec(sizeKiB: (extents * 2 + 4096) * blockSize / 1024 + 8192, blockSize: blockSize)
        let image = try TestImage(spec)
        var random = SplitMix64(seed: UInt64(blockSize))
        var model = [UInt8](repeating: 0, count: (extents * 2 - 1) * blockSize)
        do {
            let fs = try image.mount()
            let file = try fs.makeFile("sparse", [])
            // Fill in a scattered order so splits happen in the middle of nodes too.
            var order = Array(0..<extents)
            for index in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(index, random.below(index + 1)) }
            for index in order {
                let data = random.bytes(blockSize)
                try fs.writeAll(file, data, at: UInt64(index * 2 * blockSize))
                model.replaceSubrange(index * 2 * blockSize..<(index * 2 + 1) * blockSize, with: data)
            }
            #expect(try fs.readAll(file) == model)
            try fs.unmount()
        }
        try image.expectClean("after growth")
        let stat = try image.debugfs("stat /sparse")
        #expect(stat.contains("ETB1"), "depth 2 expected: \(stat.prefix(600))")
        #expect(try snapshot(of: try image.extract())["sparse"] == model)
        // Truncation in steps walks the tree back down to the inode.
        do {
            let fs = try image.mount()
            let file = try fs.resolve("sparse")
            for size in [model.count / 2 + 100, model.count / 5, blockSize * 7 + 1, 0] {
                try fs.truncate(file, to: UInt64(size))
                model = Array(model[0..<size])
                #expect(try fs.readAll(file) == model)
            }
            #expect(try fs.attributes(file).blocks == 0)
            try fs.unmount()
        }
        try image.expectClean("after truncation")
    }

    @Test func truncateZeroesThePartialBlockAndExtends() throws {
        let image = try TestImage(VolumeSpec(sizeKiB: 8 * 1024, blockSize: 1024))
        do {
            let fs = try image.mount()
            let file = try fs.makeFile("file", [UInt8](repeating: 0xAB, count: 5000))
            try fs.truncate(file, to: 1500)
            try fs.truncate(file, to: 6000)
            var expected = [UInt8](repeating: 0xAB, count: 1500)
            expected += [UInt8](repeating: 0, count: 4500)
            #expect(try fs.readAll(file) == expected)
            #expect(try fs.attributes(file).blocks == 2 * 2)
            try fs.setAttributes(file, Ext4AttributeChanges(size: 0))
            #expect(try fs.attributes(file).size == 0)
            try fs.writeAll(file, bytes("again"), at: 2048)
            #expect(try fs.readAll(file) == [UInt8](repeating: 0, count: 2048) + bytes("again"))
            try fs.unmount()
        }
        try image.expectClean()
    }

    @Test func largeWriteIntoFragmentedSpaceFitsTheJournal() throws {
        // Free space in single blocks and a 1 MiB journal: one write needs thousands of
        // extents, more than one transaction may log, so it is cut into several.
        let spec = VolumeSpec(sizeKiB: 12 * 1024, blockSize: 1024, extraArguments: ["-J", "size=1"])
        let image = try TestImage(spec)
        var random = SplitMix64(seed: 12)
        let data = random.bytes(1_500_000)
        do {
            let fs = try image.mount()
            // Two files written a block at a time in turn take every other block; deleting
            // one leaves free space in single blocks.
            let keep = try fs.makeFile("keep", [])
            let drop = try fs.makeFile("drop", [])
            var offset: UInt64 = 0
            while fs.statistics().freeBlocks > 1800 {
                try fs.writeAll(keep, [UInt8](repeating: 1, count: 1024), at: offset)
                try fs.writeAll(drop, [UInt8](repeating: 2, count: 1024), at: offset)
                offset += 1024
            }
            try fs.unlink(bytes("drop"), in: Ext4FileSystem.rootInode)
            try fs.sync()
            let file = try fs.makeFile("fragmented", [])
            #expect(try fs.writeAll(file, data) == data.count)
            #expect(fs.abortError == nil)
            #expect(try fs.readAll(file) == data)
            try fs.unmount()
        }
        try image.expectClean()
        #expect(try snapshot(of: try image.extract())["fragmented"] == data)
    }

    @Test func largeFileSpansGroupsAndDeletesCleanly() throws {
        let spec = VolumeSpec(sizeKiB: 64 * 1024, blockSize: 1024)
        let image = try TestImage(spec)
        var random = SplitMix64(seed: 99)
        let data = random.bytes(20 * 1024 * 1024)
        do {
            let fs = try image.mount()
            let free = fs.statistics().freeBlocks
            let file = try fs.makeFile("big", data)
            #expect(try fs.readAll(file) == data)
            try fs.unmount()
            let again = try image.mount()
            try again.unlink(bytes("big"), in: Ext4FileSystem.rootInode)
            try again.sync()
            #expect(again.statistics().freeBlocks == free)
            try again.unmount()
        }
        try image.expectClean()
    }
}
