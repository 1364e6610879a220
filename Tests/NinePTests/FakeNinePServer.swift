import LinuxABI
import VFS
import NineP

/// A tiny 9P2000.L server over an in-memory tree, speaking through `NinePTransport` the way a
/// virtio-9p device does: the client writes a request into a buffer, the server answers in
/// another. It follows Linux's semantics (what QEMU's passthrough server gets from the host),
/// so the file system can be driven through every operation and error path.
///
/// Fids point at file objects, so an open fid keeps reaching a file after its name is removed,
/// and a fid follows its file through renames, as with QEMU.
final class FakeNinePServer: NinePTransport {
    final class File {
        let path: UInt64
        var mode: UInt32
        var data: [UInt8] = []
        var target: [UInt8] = []
        var children: [[UInt8]: File] = [:]
        weak var parent: File?
        var linkCount: UInt64 = 1
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        var specialDevice: UInt64 = 0
        var accessTime = Timespec(seconds: 1000)
        var modificationTime = Timespec(seconds: 1000)

        init(path: UInt64, mode: UInt32) {
            self.path = path
            self.mode = mode
        }

        var isDirectory: Bool { mode & 0o170000 == 0o040000 }
        var isSymlink: Bool { mode & 0o170000 == 0o120000 }
        var qid: NinePQid {
            NinePQid(type: isDirectory ? NinePQid.directory : isSymlink ? NinePQid.symlink : 0, version: 0, path: path)
        }
    }

    struct Fid {
        var file: File
        var isOpen = false
    }

    let maximumMessageSize: Int
    /// What Rversion answers (a server that speaks only 9P2000 says so here).
    var version = NinePClient.protocolVersion
    /// The server's own limit on msize.
    var serverMessageSize: Int
    /// The iounit Rlopen and Rlcreate report.
    var ioUnit: UInt32 = 0
    let root: File
    private var nextPath: UInt64 = 1
    var fids: [UInt32: Fid] = [:]
    /// Every request, in order.
    var requests: [NinePRequest] = []
    /// Changes the bytes of the next reply (then is cleared): malformed-reply tests.
    var corruptNextReply: ((inout [UInt8]) -> Void)? = nil
    /// Fails every exchange, as a dead channel does.
    var broken = false
    private var nextTag: UInt16 = 0

    init(maximumMessageSize: Int = 8192, serverMessageSize: Int = 1 << 20) {
        self.maximumMessageSize = maximumMessageSize
        self.serverMessageSize = serverMessageSize
        root = File(path: 0, mode: 0o040755)
        root.linkCount = 2
    }

    // MARK: The tree, for tests to set up and inspect

    @discardableResult
    func add(_ path: String, mode: UInt32 = 0o100644, data: [UInt8] = [], target: [UInt8] = []) -> File {
        var components = path.split(separator: "/").map { Array($0.utf8) }
        let name = components.removeLast()
        var directory = root
        for component in components { directory = directory.children[component]! }
        let file = makeFile(mode: mode)
        file.data = data
        file.target = target
        attach(file, as: name, in: directory)
        return file
    }

    /// Adds a regular file with the qid path of an earlier (removed) file, as a host that reuses
    /// inode numbers does.
    func addReusing(_ path: UInt64, _ name: String, mode: UInt32 = 0o100644, data: [UInt8] = []) {
        let file = File(path: path, mode: mode)
        file.data = data
        attach(file, as: Array(name.utf8), in: root)
    }

    func file(_ path: String) -> File? {
        var file = root
        for component in path.split(separator: "/") {
            guard let next = file.children[Array(component.utf8)] else { return nil }
            file = next
        }
        return file
    }

    var openFidCount: Int { fids.count }

    /// Removes `name` from the root behind the client's back, as the host can.
    func removeBehindTheClient(_ name: String) {
        root.children[Array(name.utf8)] = nil
    }

    /// The qid path the next file made gets instead of a fresh one (a host reusing an inode).
    var reusePathOnce: UInt64? = nil

    private func makeFile(mode: UInt32) -> File {
        defer { nextPath += 1 }
        let file = File(path: reusePathOnce ?? nextPath, mode: mode)
        reusePathOnce = nil
        if file.isDirectory { file.linkCount = 2 }
        return file
    }

    private func attach(_ file: File, as name: [UInt8], in directory: File) {
        directory.children[name] = file
        file.parent = directory
        if file.isDirectory { directory.linkCount += 1 }
    }

    // MARK: NinePTransport

    func exchange(
        _ request: (inout NinePWriter) -> Int?, reply: (inout NinePReader) throws(Errno) -> Void
    ) throws(Errno) {
        if broken { throw .EIO }
        nextTag &+= 1
        var requestBytes = [UInt8](repeating: 0, count: maximumMessageSize)
        let length = requestBytes.withUnsafeMutableBytes { buffer in
            var writer = NinePWriter(buffer, tag: nextTag)
            return request(&writer)
        }
        guard let length else { throw .EIO }
        let (tag, decoded, payload) = try reading(Array(requestBytes[0..<length])) { (reader) throws(Errno) in
            let (tag, decoded) = try NinePRequest.decode(&reader)
            return (tag, decoded, Array(try reader.bytes(reader.remaining)))
        }
        requests.append(decoded)
        let (answer, data) = handle(decoded, payload: payload)
        var replyBytes = [UInt8](repeating: 0, count: maximumMessageSize)
        let replyLength = replyBytes.withUnsafeMutableBytes { out in
            var writer = NinePWriter(out, tag: tag)
            answer.encode(into: &writer, tag: tag)
            data.withUnsafeBytes { writer.bytes($0) }
            return writer.finish() ?? 0
        }
        var sent = Array(replyBytes[0..<replyLength])
        if let corrupt = corruptNextReply {
            corruptNextReply = nil
            corrupt(&sent)
        }
        try reading(sent, reply)
    }

    // MARK: The server

    private func handle(_ request: NinePRequest, payload: [UInt8]) -> (NinePReply, [UInt8]) {
        do {
            return try serve(request, payload: payload)
        } catch {
            return (.error(error), [])
        }
    }

    private func fid(_ number: UInt32) throws(Errno) -> File {
        guard let fid = fids[number] else { throw .EBADF }
        return fid.file
    }

    private func openFid(_ number: UInt32) throws(Errno) -> File {
        guard let fid = fids[number], fid.isOpen else { throw .EBADF }
        return fid.file
    }

    private func directory(_ number: UInt32) throws(Errno) -> File {
        let file = try fid(number)
        guard file.isDirectory else { throw .ENOTDIR }
        return file
    }

    private func newName(_ name: [UInt8], in directory: File) throws(Errno) {
        guard !name.isEmpty, !name.contains(UInt8(ascii: "/")) else { throw .EINVAL }
        guard directory.children[name] == nil else { throw .EEXIST }
    }

    private func attributes(_ file: File) -> NinePAttributes {
        let size = file.isSymlink ? UInt64(file.target.count) : file.isDirectory ? 4096 : UInt64(file.data.count)
        return NinePAttributes(
            qid: file.qid, mode: file.mode, uid: file.uid, gid: file.gid, linkCount: file.linkCount,
            specialDevice: file.specialDevice, size: size, blockSize: 4096, blocks: (size + 511) / 512,
            accessTime: file.accessTime, modificationTime: file.modificationTime, changeTime: file.modificationTime)
    }

    private func serve(_ request: NinePRequest, payload: [UInt8]) throws(Errno) -> (NinePReply, [UInt8]) {
        switch request {
        case .version(let size, _):
            fids.removeAll()
            return (.version(messageSize: UInt32(min(Int(size), serverMessageSize)), version: version), [])
        case .attach(let fid, _, _, _, _):
            guard fids[fid] == nil else { throw .EBADF }
            fids[fid] = Fid(file: root)
            return (.attach(qid: root.qid), [])
        case .walk(let fid, let newFid, let names):
            var file = try self.fid(fid)
            guard newFid == fid || fids[newFid] == nil else { throw .EBADF }
            var qids: [NinePQid] = []
            for name in names {
                guard file.isDirectory else { break }
                let next: File?
                if name == Array("..".utf8) {
                    next = file.parent ?? root
                } else if name == Array(".".utf8) {
                    next = file
                } else {
                    next = file.children[name]
                }
                guard let next else { break }
                file = next
                qids.append(file.qid)
            }
            if qids.isEmpty && !names.isEmpty { throw .ENOENT }
            if qids.count == names.count { fids[newFid] = Fid(file: file) }
            return (.walk(qids: qids), [])
        case .open(let fid, let flags):
            let file = try self.fid(fid)
            if file.isDirectory && flags & 3 != 0 { throw .EISDIR }
            if file.mode & 0o200 == 0 && flags & 3 != 0 { throw .EACCES }
            fids[fid]!.isOpen = true
            return (.open(qid: file.qid, ioUnit: ioUnit), [])
        case .create(let fid, let name, _, let mode, let gid):
            let directory = try directory(fid)
            try newName(name, in: directory)
            let file = makeFile(mode: 0o100000 | (mode & 0o7777))
            file.gid = gid
            attach(file, as: name, in: directory)
            fids[fid] = Fid(file: file, isOpen: true)
            return (.create(qid: file.qid, ioUnit: ioUnit), [])
        case .read(let fid, let offset, let count):
            let file = try openFid(fid)
            guard !file.isDirectory else { throw .EISDIR }
            let start = min(Int(offset), file.data.count)
            let end = min(start + Int(count), file.data.count)
            return (.read(count: UInt32(end - start)), Array(file.data[start..<end]))
        case .write(let fid, let offset, _):
            let file = try openFid(fid)
            let end = Int(offset) + payload.count
            if file.data.count < end { file.data += [UInt8](repeating: 0, count: end - file.data.count) }
            file.data.replaceSubrange(Int(offset)..<end, with: payload)
            return (.write(count: UInt32(payload.count)), [])
        case .clunk(let fid):
            guard fids.removeValue(forKey: fid) != nil else { throw .EBADF }
            return (.clunk, [])
        case .getAttributes(let fid, _):
            return (.getAttributes(attributes(try self.fid(fid))), [])
        case .setAttributes(let fid, let c):
            let file = try self.fid(fid)
            if c.valid & NinePAttributeChanges.mode != 0 { file.mode = file.mode & 0o170000 | c.mode & 0o7777 }
            if c.valid & NinePAttributeChanges.uid != 0 { file.uid = c.uid }
            if c.valid & NinePAttributeChanges.gid != 0 { file.gid = c.gid }
            if c.valid & NinePAttributeChanges.size != 0 {
                guard !file.isDirectory else { throw .EISDIR }
                let size = Int(c.size)
                if size < file.data.count {
                    file.data.removeLast(file.data.count - size)
                } else {
                    file.data += [UInt8](repeating: 0, count: size - file.data.count)
                }
            }
            if c.valid & NinePAttributeChanges.accessTime != 0 {
                file.accessTime = c.valid & NinePAttributeChanges.accessTimeSet != 0 ? c.accessTime : Timespec(seconds: 2000)
            }
            if c.valid & NinePAttributeChanges.modificationTime != 0 {
                file.modificationTime =
                    c.valid & NinePAttributeChanges.modificationTimeSet != 0 ? c.modificationTime : Timespec(seconds: 2000)
            }
            return (.setAttributes, [])
        case .readDirectory(let fid, let offset, let count):
            let directory = try openFid(fid)
            guard directory.isDirectory else { throw .ENOTDIR }
            var entries: [(name: [UInt8], file: File)] = [(Array(".".utf8), directory), (Array("..".utf8), directory.parent ?? root)]
            for name in directory.children.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                entries.append((name, directory.children[name]!))
            }
            var data: [UInt8] = []
            var index = Int(offset)
            while index < entries.count {
                let (name, file) = entries[index]
                let entry = NinePDirectoryEntry(
                    qid: file.qid, offset: UInt64(index + 1), type: UInt8(file.mode >> 12 & 0xF), name: name)
                guard data.count + entry.encodedSize <= Int(count) else { break }
                var bytes = [UInt8](repeating: 0, count: entry.encodedSize)
                bytes.withUnsafeMutableBytes { buffer in
                    var writer = NinePWriter(buffer, tag: 0)
                    entry.encode(into: &writer)
                }
                data += bytes
                index += 1
            }
            return (.readDirectory(count: UInt32(data.count)), data)
        case .makeDirectory(let directoryFid, let name, let mode, let gid):
            let directory = try directory(directoryFid)
            try newName(name, in: directory)
            let file = makeFile(mode: 0o040000 | (mode & 0o7777))
            file.gid = gid
            attach(file, as: name, in: directory)
            return (.makeDirectory(qid: file.qid), [])
        case .makeNode(let directoryFid, let name, let mode, let major, let minor, let gid):
            let directory = try directory(directoryFid)
            try newName(name, in: directory)
            let file = makeFile(mode: mode)
            file.gid = gid
            file.specialDevice = UInt64(major) << 8 | UInt64(minor)
            attach(file, as: name, in: directory)
            return (.makeNode(qid: file.qid), [])
        case .symlink(let directoryFid, let name, let target, let gid):
            let directory = try directory(directoryFid)
            try newName(name, in: directory)
            let file = makeFile(mode: 0o120777)
            file.target = target
            file.gid = gid
            attach(file, as: name, in: directory)
            return (.symlink(qid: file.qid), [])
        case .readLink(let fid):
            let file = try self.fid(fid)
            guard file.isSymlink else { throw .EINVAL }
            return (.readLink(target: file.target), [])
        case .link(let directoryFid, let fid, let name):
            let directory = try directory(directoryFid)
            let file = try self.fid(fid)
            guard !file.isDirectory else { throw .EPERM }
            try newName(name, in: directory)
            directory.children[name] = file
            file.linkCount += 1
            return (.link, [])
        case .unlink(let directoryFid, let name, let flags):
            let directory = try directory(directoryFid)
            guard let file = directory.children[name] else { throw .ENOENT }
            if flags & UInt32(FileConstants.AT_REMOVEDIR) != 0 {
                guard file.isDirectory else { throw .ENOTDIR }
                guard file.children.isEmpty else { throw .ENOTEMPTY }
                directory.linkCount -= 1
                file.linkCount = 0
            } else {
                guard !file.isDirectory else { throw .EISDIR }
                file.linkCount -= 1
            }
            directory.children[name] = nil
            return (.unlink, [])
        case .rename(let oldDirectoryFid, let oldName, let newDirectoryFid, let newName):
            let from = try directory(oldDirectoryFid)
            let to = try directory(newDirectoryFid)
            guard let file = from.children[oldName] else { throw .ENOENT }
            if file.isDirectory {
                var ancestor: File? = to
                while let current = ancestor {
                    if current === file { throw .EINVAL }
                    ancestor = current === root ? nil : current.parent
                }
            }
            if let existing = to.children[newName] {
                if existing === file { return (.rename, []) }
                if file.isDirectory && !existing.isDirectory { throw .ENOTDIR }
                if !file.isDirectory && existing.isDirectory { throw .EISDIR }
                if existing.isDirectory && !existing.children.isEmpty { throw .ENOTEMPTY }
                existing.linkCount -= existing.isDirectory ? 2 : 1
                if existing.isDirectory { to.linkCount -= 1 }
            }
            from.children[oldName] = nil
            if file.isDirectory { from.linkCount -= 1 }
            to.children[newName] = nil
            attach(file, as: newName, in: to)
            return (.rename, [])
        case .statistics(let fid):
            _ = try self.fid(fid)
            return (
                .statistics(
                    FileSystemStatistics(
                        type: 0xEF53, blockSize: 4096, blocks: 1000, freeBlocks: 600, availableBlocks: 500, files: 100,
                        freeFiles: 90, fileSystemID: 7, nameLength: 255)), []
            )
        case .sync(let fid, _):
            _ = try openFid(fid)
            return (.sync, [])
        case .flush:
            return (.flush, [])
        }
    }
}

/// Runs `body` with a reader over `bytes` (Array's `withUnsafeBytes` does not carry a typed
/// error through).
func reading<R>(_ bytes: [UInt8], _ body: (inout NinePReader) throws(Errno) -> R) throws(Errno) -> R {
    var result: Result<R, Errno>? = nil
    bytes.withUnsafeBytes { buffer in
        var reader = NinePReader(buffer)
        do throws(Errno) {
            result = .success(try body(&reader))
        } catch {
            result = .failure(error)
        }
    }
    return try result!.get()
}
