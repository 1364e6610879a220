import LinuxABI
import Testing

@testable import VFS

/// A plain model of a file tree: paths to entries, file contents by inode, the pages each file
/// has had written (what RamFileSystem should be holding). Symlinks all dangle (to /nowhere/x),
/// so following one always ends in ENOENT (even with O_CREAT: /nowhere does not exist).
private struct Model {
    enum Entry: Equatable {
        case directory
        case file(Int)
        /// Symlinks can be hard-linked too, so they have an identity.
        case symlink(Int)

        var isDirectory: Bool { self == .directory }
        var isSymlink: Bool {
            if case .symlink = self { return true }
            return false
        }
    }

    var entries: [String: Entry] = ["/": .directory]
    var contents: [Int: [UInt8]] = [:]
    var pages: [Int: Set<Int>] = [:]
    var nextInode = 0

    static func parent(_ path: String) -> String {
        let parts = path.split(separator: "/")
        return parts.count <= 1 ? "/" : "/" + parts.dropLast().joined(separator: "/")
    }

    /// The errno walking to `path`'s parent gives, or nil when the parent is a directory.
    func parentError(_ path: String) -> Errno? {
        var prefix = ""
        for part in path.split(separator: "/").dropLast() {
            prefix += "/" + part
            switch entries[prefix] {
            case nil, .symlink: return .ENOENT
            case .file: return .ENOTDIR
            case .directory: continue
            }
        }
        return nil
    }

    func children(_ directory: String) -> [String] {
        let prefix = directory == "/" ? "/" : directory + "/"
        return entries.keys.filter { $0 != "/" && $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
            .map { String($0.dropFirst(prefix.count)) }.sorted()
    }

    func linkCount(_ path: String) -> UInt32 {
        switch entries[path]! {
        case .directory: return 2 + UInt32(children(path).filter { entries[Self.join(path, $0)] == .directory }.count)
        case .symlink(let id): return UInt32(entries.values.filter { $0 == .symlink(id) }.count)
        case .file(let inode): return UInt32(entries.values.filter { $0 == .file(inode) }.count)
        }
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }

    mutating func newFile() -> Int {
        nextInode += 1
        contents[nextInode] = []
        pages[nextInode] = []
        return nextInode
    }

    mutating func write(_ inode: Int, _ data: [UInt8], at offset: Int) {
        var content = contents[inode]!
        if content.count < offset + data.count {
            content += [UInt8](repeating: 0, count: offset + data.count - content.count)
        }
        content.replaceSubrange(offset..<(offset + data.count), with: data)
        contents[inode] = content
        if !data.isEmpty {
            for page in (offset / 4096)...((offset + data.count - 1) / 4096) { pages[inode]!.insert(page) }
        }
    }

    mutating func truncate(_ inode: Int, to size: Int) {
        var content = contents[inode]!
        if size < content.count {
            content.removeSubrange(size...)
        } else {
            content += [UInt8](repeating: 0, count: size - content.count)
        }
        contents[inode] = content
        let keep = (size + 4095) / 4096
        pages[inode] = pages[inode]!.filter { $0 < keep }
    }
}

/// How often (in steps) the whole tree is compared with the model.
private let compareEvery = 25
private let names = ["a", "b", "c", "d"]

private func randomPath(_ random: inout SplitMix64) -> String {
    let depth = 1 + random.below(3)
    return "/" + (0..<depth).map { _ in names[random.below(names.count)] }.joined(separator: "/")
}

/// Runs `steps` random operations against both the model and a RamFileSystem, comparing every
/// result (errno included) and, regularly, the whole tree.
private func runModel(seed: UInt64, steps: Int) throws {
    var random = SplitMix64(seed: seed)
    var model = Model()
    let world = RamWorld()
    let vfs = world.vfs
    let context = world.context
    var open: [(file: OpenFile, inode: Int)] = []

    func check(_ actual: Errno?, _ expected: Errno?, _ what: String, _ step: Int) {
        #expect(actual == expected, "seed \(seed) step \(step): \(what)")
    }

    for step in 0..<steps {
        let path = randomPath(&random)
        let parentError = model.parentError(path)
        switch random.below(11) {
        case 0:  // mkdir
            var expected = parentError
            if expected == nil && model.entries[path] != nil { expected = .EEXIST }
            let actual = errno { try vfs.makeDirectory(bytes(path), in: context, mode: 0o755) }
            check(actual, expected, "mkdir \(path)", step)
            if expected == nil { model.entries[path] = .directory }
        case 1, 2:  // open O_CREAT and pwrite
            let offset = random.below(3) == 0 ? random.below(20000) : random.below(100)
            let data = random.bytes(random.below(6000))
            var expected = parentError
            if expected == nil {
                switch model.entries[path] {
                case .directory: expected = .EISDIR
                case .symlink: expected = .ENOENT
                default: break
                }
            }
            let actual = errno {
                let file = try vfs.open(bytes(path), in: context, flags: O_RDWR_CREAT, mode: 0o644)
                _ = try pwrite(file, data, at: Int64(offset))
            }
            check(actual, expected, "create+write \(path)", step)
            if expected == nil {
                if model.entries[path] == nil { model.entries[path] = .file(model.newFile()) }
                guard case .file(let inode) = model.entries[path] else { break }
                model.write(inode, data, at: offset)
            }
        case 3:  // truncate
            let size = random.below(12000)
            var expected = parentError
            if expected == nil {
                switch model.entries[path] {
                case nil, .symlink: expected = .ENOENT
                case .directory: expected = .EISDIR
                case .file: break
                }
            }
            let actual = errno { try vfs.truncate(bytes(path), in: context, length: Int64(size)) }
            check(actual, expected, "truncate \(path)", step)
            if expected == nil, case .file(let inode) = model.entries[path] { model.truncate(inode, to: size) }
        case 4:  // unlink
            var expected = parentError
            if expected == nil {
                switch model.entries[path] {
                case nil: expected = .ENOENT
                case .directory: expected = .EISDIR
                default: break
                }
            }
            check(errno { try vfs.unlink(bytes(path), in: context) }, expected, "unlink \(path)", step)
            if expected == nil { model.entries[path] = nil }
        case 5:  // rmdir
            var expected = parentError
            if expected == nil {
                switch model.entries[path] {
                case nil: expected = .ENOENT
                case .directory: if !model.children(path).isEmpty { expected = .ENOTEMPTY }
                default: expected = .ENOTDIR
                }
            }
            check(errno { try vfs.removeDirectory(bytes(path), in: context) }, expected, "rmdir \(path)", step)
            if expected == nil { model.entries[path] = nil }
        case 6:  // symlink (always dangling)
            var expected = parentError
            if expected == nil && model.entries[path] != nil { expected = .EEXIST }
            let actual = errno { try vfs.makeSymlink(bytes(path), target: bytes("/nowhere/x"), in: context) }
            check(actual, expected, "symlink \(path)", step)
            if expected == nil {
                model.nextInode += 1
                model.entries[path] = .symlink(model.nextInode)
            }
        case 7:  // link
            let target = randomPath(&random)
            var expected = parentError
            if expected == nil && model.entries[path] == nil { expected = .ENOENT }
            if expected == nil { expected = model.parentError(target) }
            if expected == nil && model.entries[target] != nil { expected = .EEXIST }
            if expected == nil && model.entries[path] == .directory { expected = .EPERM }
            let actual = errno { try vfs.link(bytes(path), in: context, to: bytes(target)) }
            check(actual, expected, "link \(path) \(target)", step)
            if expected == nil { model.entries[target] = model.entries[path] }
        case 8:  // rename
            let target = randomPath(&random)
            let source = model.entries[path]
            let victim = model.entries[target]
            var expected = parentError ?? model.parentError(target)
            if expected == nil && source == nil { expected = .ENOENT }
            if expected == nil && source == .directory && (target == path || target.hasPrefix(path + "/")) {
                expected = target == path ? nil : .EINVAL
            }
            if expected == nil && victim == .directory && path.hasPrefix(target + "/") { expected = .ENOTEMPTY }
            let same = (source == victim && source != .directory) || target == path
            if expected == nil && victim != nil && !same {
                if source == .directory && victim != .directory {
                    expected = .ENOTDIR
                } else if source != .directory && victim == .directory {
                    expected = .EISDIR
                } else if victim == .directory && !model.children(target).isEmpty {
                    expected = .ENOTEMPTY
                }
            }
            let actual = errno { try vfs.rename(bytes(path), in: context, to: bytes(target)) }
            check(actual, expected, "rename \(path) \(target)", step)
            if expected == nil && !same {
                var moved: [String: Model.Entry] = [:]
                for (key, value) in model.entries where key == path || key.hasPrefix(path + "/") {
                    moved[target + key.dropFirst(path.count)] = value
                    model.entries[key] = nil
                }
                for (key, _) in model.entries where key == target || key.hasPrefix(target + "/") {
                    model.entries[key] = nil
                }
                for (key, value) in moved { model.entries[key] = value }
            }
        case 9:  // keep a file open (to survive unlink), or close one
            if open.count < 4, case .file(let inode) = model.entries[path] {
                open.append((try vfs.open(bytes(path), in: context, flags: FileConstants.O_RDWR), inode))
            } else if !open.isEmpty {
                open.remove(at: random.below(open.count))
            }
        default:  // write through an open file, linked or not
            guard !open.isEmpty else { break }
            let (file, inode) = open[random.below(open.count)]
            let data = random.bytes(random.below(3000))
            let offset = random.below(9000)
            #expect(try pwrite(file, data, at: Int64(offset)) == data.count)
            model.write(inode, data, at: offset)
        }

        if step % compareEvery == compareEvery - 1 || step == steps - 1 {
            try compare(model, world, open, seed: seed, step: step)
        }
    }

    // Everything returns to the file system once nothing references it.
    open.removeAll()
    let liveFiles = Set(
        model.entries.values.compactMap { entry -> Int? in
            if case .file(let inode) = entry { return inode }
            return nil
        })
    let directories = model.entries.values.filter { $0.isDirectory }.count
    let symlinks = Set(model.entries.values.filter { $0.isSymlink }.map { "\($0)" }).count
    let nonFiles = directories + symlinks
    #expect(world.fileSystem.usedNodes == liveFiles.count + nonFiles)
    let pages = liveFiles.reduce(0) { $0 + model.pages[$1]!.count }
    #expect(world.fileSystem.usedBytes == UInt64(pages * 4096))
}

private func compare(
    _ model: Model, _ world: RamWorld, _ open: [(file: OpenFile, inode: Int)], seed: UInt64, step: Int
) throws {
    for (path, entry) in model.entries {
        let attributes = try world.stat(path, follow: false)
        #expect(attributes.linkCount == model.linkCount(path), "seed \(seed) step \(step): nlink \(path)")
        switch entry {
        case .directory:
            #expect(attributes.type == .directory)
            #expect(try world.names(path) == model.children(path), "seed \(seed) step \(step): ls \(path)")
        case .symlink:
            #expect(attributes.type == .symlink)
        case .file(let inode):
            #expect(attributes.type == .regular)
            #expect(attributes.size == UInt64(model.contents[inode]!.count))
            #expect(
                attributes.blocks == UInt64(model.pages[inode]!.count * 8), "seed \(seed) step \(step): blocks \(path)")
            #expect(try world.read(path) == model.contents[inode]!, "seed \(seed) step \(step): read \(path)")
        }
    }
    for (file, inode) in open {
        #expect(try pread(file, count: 100_000, at: 0) == model.contents[inode]!, "seed \(seed): open file")
    }
}

@Test(arguments: [1, 2, 3, 0xDEAD_BEEF] as [UInt64])
func ramFileSystemMatchesModel(seed: UInt64) throws {
    try runModel(seed: seed, steps: 1500)
}
