import Foundation
import LinuxABI
import Testing

@testable import Ext4

/// Random operations checked against a model of the tree: after every remount the module must
/// read back the model, and at the end e2fsck must accept the volume and debugfs must extract
/// the model.
@Suite struct RandomizedTests {
    /// The expected tree: path → contents, "dir" for directories, "->target" for symlinks.
    struct Model {
        var entries: [String: [UInt8]] = [:]

        func directories() -> [String] { [""] + entries.filter { $0.value == bytes("dir") }.keys.sorted() }
        func files() -> [String] {
            entries.filter { $0.value != bytes("dir") && !$0.value.starts(with: bytes("->")) }.keys.sorted()
        }
        func children(of directory: String) -> [String] {
            let prefix = directory.isEmpty ? "" : directory + "/"
            return entries.keys.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
        }
        static func join(_ directory: String, _ name: String) -> String {
            directory.isEmpty ? name : directory + "/" + name
        }
    }

    @Test(arguments: [(VolumeSpec(sizeKiB: 24 * 1024, blockSize: 1024), UInt64(1)),
                      (VolumeSpec(sizeKiB: 24 * 1024, blockSize: 4096, metadataChecksum: false, bit64: false), UInt64(2)),
                      (VolumeSpec(sizeKiB: 24 * 1024, blockSize: 1024, journal: false), UInt64(3))])
    func randomOperationsMatchTheModel(_ spec: VolumeSpec, _ seed: UInt64) throws {
        let image = try TestImage(spec)
        var random = SplitMix64(seed: seed)
        var model = Model()
        var fs = try image.mount()
        func inode(_ path: String) throws -> UInt32 { path.isEmpty ? Ext4FileSystem.rootInode : try fs.resolve(path) }
        for round in 0..<1200 {
            let directories = model.directories()
            let files = model.files()
            switch random.below(12) {
            case 0, 1:
                let parent = directories[random.below(directories.count)]
                let path = Model.join(parent, "f\(round)")
                let data = random.bytes(random.below(4) == 0 ? random.below(200_000) : random.below(3000))
                try fs.makeFile(path, data)
                model.entries[path] = data
            case 2:
                let parent = directories[random.below(directories.count)]
                let path = Model.join(parent, "d\(round)")
                _ = try fs.makeDirectory(bytes("d\(round)"), in: try inode(parent), permissions: 0o755)
                model.entries[path] = bytes("dir")
            case 3 where !files.isEmpty:
                let path = files[random.below(files.count)]
                var data = model.entries[path]!
                let offset = random.below(data.count + 5000)
                let chunk = random.bytes(1 + random.below(20_000))
                try fs.writeAll(try inode(path), chunk, at: UInt64(offset))
                if offset + chunk.count > data.count { data += [UInt8](repeating: 0, count: offset + chunk.count - data.count) }
                data.replaceSubrange(offset..<offset + chunk.count, with: chunk)
                model.entries[path] = data
            case 4 where !files.isEmpty:
                let path = files[random.below(files.count)]
                var data = model.entries[path]!
                let size = random.below(data.count + 10_000)
                try fs.truncate(try inode(path), to: UInt64(size))
                if size < data.count { data = Array(data[0..<size]) } else { data += [UInt8](repeating: 0, count: size - data.count) }
                model.entries[path] = data
            case 5, 6:
                guard !files.isEmpty else { break }
                let path = files[random.below(files.count)]
                let (parent, name) = split(path)
                try fs.unlink(bytes(name), in: try inode(parent))
                model.entries[path] = nil
            case 7 where directories.count > 1:
                let path = directories[1 + random.below(directories.count - 1)]
                let (parent, name) = split(path)
                if model.children(of: path).isEmpty {
                    try fs.removeDirectory(bytes(name), in: try inode(parent))
                    model.entries[path] = nil
                }
            case 8 where !files.isEmpty:
                // Rename a file, sometimes over another file.
                let path = files[random.below(files.count)]
                let (parent, name) = split(path)
                let targetDirectory = directories[random.below(directories.count)]
                let target = random.below(3) == 0 && files.count > 1
                    ? files[random.below(files.count)] : Model.join(targetDirectory, "r\(round)")
                let (newParent, newName) = split(target)
                guard target != path else { break }
                try fs.rename(bytes(name), in: try inode(parent), to: bytes(newName), in: try inode(newParent))
                model.entries[target] = model.entries.removeValue(forKey: path)
            case 9 where directories.count > 1:
                // Move a directory somewhere outside itself.
                let path = directories[1 + random.below(directories.count - 1)]
                let destination = directories[random.below(directories.count)]
                guard destination != path, !destination.hasPrefix(path + "/") else { break }
                let (parent, name) = split(path)
                let newPath = Model.join(destination, "m\(round)")
                try fs.rename(bytes(name), in: try inode(parent), to: bytes("m\(round)"), in: try inode(destination))
                for key in model.entries.keys where key == path || key.hasPrefix(path + "/") {
                    model.entries[newPath + key.dropFirst(path.count)] = model.entries.removeValue(forKey: key)
                }
            case 10:
                let parent = directories[random.below(directories.count)]
                let target = String(repeating: "s", count: 1 + random.below(300))
                _ = try fs.makeSymlink(bytes("l\(round)"), in: try inode(parent), target: bytes(target))
                model.entries[Model.join(parent, "l\(round)")] = bytes("->" + target)
            case 11 where !files.isEmpty:
                let path = files[random.below(files.count)]
                let parent = directories[random.below(directories.count)]
                let newPath = Model.join(parent, "h\(round)")
                try fs.link(try inode(path), into: try inode(parent), as: bytes("h\(round)"))
                model.entries[newPath] = model.entries[path]
                // Hard links share contents: later writes to either must show in both, which
                // the model cannot express, so the new name is frozen by renaming the old one
                // out of the set of files that get written.
                try fs.unlink(bytes(split(path).1), in: try inode(split(path).0))
                model.entries[path] = nil
            default:
                break
            }
            if round % 200 == 199 {
                try fs.unmount()
                fs = try image.mount()
                #expect(differences(model.entries, try snapshot(of: fs)) == [], "round \(round)")
            }
        }
        try fs.unmount()
        try image.expectClean("\(spec) seed \(seed)")
        #expect(differences(model.entries, try snapshot(of: try image.extract())) == [])
    }

    func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
