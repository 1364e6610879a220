import Ext4
import Storage

/// ext4 volumes: a disk attached to the VM is outside data, read by `--rootfs=ext`,
/// `--mount-fs` and mount(2). The input is the start of a 128 KiB volume (the rest of the disk
/// is zeros); it is mounted read-only and walked — readdir, lookup, stat, read, readlink —
/// then mounted read-write (replaying its journal) and changed. The seeds, made with mke2fs
/// by `Fuzz/make-corpus.sh`, have no metadata checksums so that damage reaches the parsers;
/// `journal` (`Ext4JournalSeed`, generated here) is a volume left with three committed
/// transactions to replay.
enum Ext4Fuzzing {
    static let harness = FuzzHarness(
        name: "ext4", summary: "ext4: mount (journal replay), readdir, lookup, read, readlink, create, unlink",
        maxLength: 65536,
        run: { data in
            guard let fs = mount(data, readOnly: true) else { return }
            var budget = 512
            walk(fs, Ext4FileSystem.rootInode, depth: 0, budget: &budget)
            guard let rw = mount(data, readOnly: false) else { return }
            let root = Ext4FileSystem.rootInode
            if let file = try? rw.create(Array("fuzz".utf8), in: root, permissions: 0o644) {
                let bytes = [UInt8](repeating: 0x5A, count: 3000)
                _ = try? bytes.withUnsafeBytes { try rw.write(file, at: 1000, from: $0) }
                _ = try? rw.truncate(file, to: 100)
            }
            _ = try? rw.makeDirectory(Array("fuzz-dir".utf8), in: root, permissions: 0o755)
            var names: [[UInt8]] = []
            try? rw.readDirectory(root, from: 0) { entry in
                names.append(entry.name)
                return names.count < 16
            }
            for name in names where name.first != UInt8(ascii: ".") {
                _ = try? rw.rename(name, in: root, to: name + Array("-moved".utf8), in: root)
                _ = try? rw.unlink(name + Array("-moved".utf8), in: root)
            }
            _ = try? rw.unmount()
        },
        seeds: { [("journal", Ext4JournalSeed.make())] })

    /// A volume on a RAM disk holding `data` followed by zeros, or nil when it does not mount.
    static func mount(_ data: UnsafeRawBufferPointer, readOnly: Bool) -> Ext4FileSystem? {
        let size = max(131_072, (data.count + 4095) & ~4095)
        let device = MemoryBlockDevice(sectorCount: UInt64(size / 512))
        do throws(BlockDeviceError) {
            try device.write(sector: 0, from: data)
        } catch {
            return nil
        }
        let options = Ext4MountOptions(readOnly: readOnly, cacheBlocks: 64, checkpointBlocks: 64)
        return try? Ext4FileSystem.mount(device: device, options: options)
    }

    /// Visits what is reachable from `directory`, within `budget` entries.
    static func walk(_ fs: Ext4FileSystem, _ directory: UInt32, depth: Int, budget: inout Int) {
        guard depth < 6, budget > 0 else { return }
        _ = try? fs.parent(of: directory)
        var entries: [Ext4DirectoryEntry] = []
        try? fs.readDirectory(directory, from: 0) { entry in
            entries.append(entry)
            return entries.count < 64
        }
        var buffer = [UInt8](repeating: 0, count: 8192)
        for entry in entries {
            budget -= 1
            guard budget > 0 else { return }
            if entry.name == Array(".".utf8) || entry.name == Array("..".utf8) { continue }
            _ = try? fs.lookup(entry.name, in: directory)
            guard let attributes = try? fs.attributes(entry.inode) else { continue }
            switch attributes.type {
            case .directory: walk(fs, entry.inode, depth: depth + 1, budget: &budget)
            case .symlink: _ = try? fs.readLink(entry.inode)
            default:
                _ = try? buffer.withUnsafeMutableBytes { try fs.read(entry.inode, at: 0, into: $0) }
                _ = try? buffer.withUnsafeMutableBytes { try fs.read(entry.inode, at: 70_000, into: $0) }
            }
        }
        if let next = entries.last?.nextCookie {
            try? fs.readDirectory(directory, from: next) { _ in false }
        }
    }
}
