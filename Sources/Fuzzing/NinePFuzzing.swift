import LinuxABI
import NineP
import VFS

/// Replies of a 9p server (the host's, through virtio-9p): the input is a stream of R-messages
/// that answers, in order, the conversation of a mount and the calls an application makes
/// (stat, open, read, write, readdir, mkdir, symlink, readlink, rename, unlink, truncate,
/// statfs, unmount). Each reply gets the request's tag, so mutations reach the fields rather
/// than stop at the tag check. When the stream runs out, a well-behaved server answers the rest,
/// so a damaged reply early on still lets the later calls run.
enum NinePFuzzing {
    static let harness = FuzzHarness(
        name: "9p", summary: "9p server replies: NinePReply, NinePClient, NinePFileSystem through the VFS",
        maxLength: 16384,
        run: { data in
            let server = ScriptedServer(stream: Array(data))
            converse(with: server)
            // The unmounted file system and its root node keep each other (and so the server)
            // alive, as a kernel's never-freed mounts do; let go of the bytes at least.
            server.empty()
        },
        seeds: {
            // The whole conversation a well-behaved server has; then the same with a walk
            // refused (ENOENT), and cut short.
            let whole = recorded()
            var refused = whole
            if let walk = firstReply(of: NinePMessageType.walk &+ 1, in: whole) {
                refused.replaceSubrange(walk, with: encode((.error(.ENOENT), [])))
            }
            return [("seed-0", whole), ("seed-1", refused), ("seed-2", Array(whole.prefix(whole.count / 3)))]
        })

    /// The calls: what the file system does with the replies.
    static func converse(with server: ScriptedServer) {
        guard let client = try? NinePClient(transport: server, lock: NoLock(), messageSize: 8192),
            let fileSystem = try? NinePFileSystem(client: client, device: .none, lockFactory: NoLockFactory())
        else { return }
        let vfs = VirtualFileSystem(root: fileSystem, lockFactory: NoLockFactory())
        let context = vfs.makeContext()
        func path(_ text: StaticString) -> [UInt8] { text.withUTF8Buffer { Array($0) } }
        _ = try? vfs.attributes(of: path("/file"), in: context)
        var buffer = [UInt8](repeating: 0x5A, count: 20000)
        if let file = try? vfs.open(path("/file"), in: context, flags: FileConstants.O_RDWR) {
            _ = try? buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            _ = try? buffer.withUnsafeBytes { try file.write(at: 100, from: $0) }
            _ = try? file.attributes()
            try? file.sync(dataOnly: false)
        }
        if let directory = try? vfs.open(path("/"), in: context, flags: FileConstants.O_RDONLY | FileConstants.O_DIRECTORY) {
            while let n = try? buffer.withUnsafeMutableBytes({ try directory.readDirectory(into: $0) }), n > 0 {}
        }
        try? vfs.makeDirectory(path("/sub"), in: context, mode: 0o755)
        try? vfs.makeSymlink(path("/sub/link"), target: path("../file"), in: context)
        _ = try? vfs.readLink(path("/sub/link"), in: context)
        try? vfs.rename(path("/file"), in: context, to: path("/sub/moved"))
        try? vfs.truncate(path("/sub/moved"), in: context, length: 10)
        try? vfs.unlink(path("/sub/link"), in: context)
        _ = try? vfs.statistics(of: path("/"), in: context)
        fileSystem.unmounted()
    }

    /// Answers each request with the next message of the stream, its tag set to the request's;
    /// when the stream ends, as a well-behaved server would. `recording` keeps every reply sent.
    final class ScriptedServer: NinePTransport {
        let maximumMessageSize = 8192
        private var stream: [UInt8]
        private var position = 0
        private(set) var recording: [UInt8] = []

        init(stream: [UInt8]) {
            self.stream = stream
        }

        func empty() {
            stream = []
            recording = []
        }

        func exchange(
            _ request: (inout NinePWriter) -> Int?, reply: (inout NinePReader) throws(Errno) -> Void
        ) throws(Errno) {
            var message = [UInt8](repeating: 0, count: maximumMessageSize)
            let sent: (tag: UInt16, request: NinePRequest)? = message.withUnsafeMutableBytes { buffer in
                var writer = NinePWriter(buffer, tag: 1)
                guard let length = request(&writer) else { return nil }
                var reader = NinePReader(UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
                return try? NinePRequest.decode(&reader)
            }
            guard let sent else { throw .EIO }
            var answer: [UInt8]
            if position &+ 7 <= stream.count {
                let size = Int(stream[position]) | Int(stream[position &+ 1]) << 8
                    | Int(stream[position &+ 2]) << 16 | Int(stream[position &+ 3]) << 24
                let length = max(7, min(size, stream.count &- position, maximumMessageSize))
                answer = Array(stream[position..<(position &+ length)])
                position &+= length
                answer[5] = UInt8(truncatingIfNeeded: sent.tag)
                answer[6] = UInt8(truncatingIfNeeded: sent.tag >> 8)
            } else {
                answer = NinePFuzzing.encode(self.answer(to: sent.request), tag: sent.tag)
            }
            recording += answer
            var failure: Errno? = nil
            answer.withUnsafeBytes { buffer in
                var reader = NinePReader(buffer)
                do throws(Errno) { try reply(&reader) } catch { failure = error }
            }
            if let failure { throw failure }
        }

        /// The names a well-behaved server knows (one flat namespace: the conversation uses
        /// each name once): `file` (regular, 5000 bytes) and `dir` at first.
        private var names: [[UInt8]: NinePQid] = [
            Array("file".utf8): NinePQid(type: 0, path: 2), Array("dir".utf8): NinePQid(type: NinePQid.directory, path: 1),
        ]

        /// What a well-behaved server answers.
        func answer(to request: NinePRequest) -> (NinePReply, [UInt8]) {
            let directory = NinePQid(type: NinePQid.directory, path: 1)
            let file = NinePQid(type: 0, path: 2)
            switch request {
            case .version(let size, let version): return (.version(messageSize: size, version: version), [])
            case .attach: return (.attach(qid: directory), [])
            case .walk(_, _, let walked):
                var qids: [NinePQid] = []
                for name in walked {
                    guard let qid = name == Array("..".utf8) ? directory : names[name] else { break }
                    qids.append(qid)
                }
                return (qids.isEmpty && !walked.isEmpty ? .error(.ENOENT) : .walk(qids: qids), [])
            case .open: return (.open(qid: file, ioUnit: 0), [])
            case .create(_, let name, _, _, _): return (.create(qid: made(name, NinePQid(type: 0, path: 6)), ioUnit: 0), [])
            case .read(_, let offset, let count):
                let n = offset >= 5000 ? 0 : min(Int(count), 5000 &- Int(offset))
                return (.read(count: UInt32(n)), [UInt8](repeating: 0x41, count: n))
            case .write(_, _, let count): return (.write(count: count), [])
            case .getAttributes:
                return (.getAttributes(NinePAttributes(qid: file, mode: 0o100644, size: 5000, blocks: 16)), [])
            case .readDirectory(_, let offset, _):
                guard offset == 0 else { return (.readDirectory(count: 0), []) }
                var entries: [UInt8] = []
                for (index, (name, qid)) in [(".", directory), ("..", directory), ("file", file), ("dir", directory)].enumerated() {
                    let entry = NinePDirectoryEntry(
                        qid: qid, offset: UInt64(index &+ 1), type: qid.isDirectory ? 4 : 8, name: Array(name.utf8))
                    entries += NinePFuzzing.encodeFields { entry.encode(into: &$0) }
                }
                return (.readDirectory(count: UInt32(entries.count)), entries)
            case .makeDirectory(_, let name, _, _):
                return (.makeDirectory(qid: made(name, NinePQid(type: NinePQid.directory, path: 3))), [])
            case .makeNode(_, let name, _, _, _, _): return (.makeNode(qid: made(name, NinePQid(type: 0, path: 4))), [])
            case .symlink(_, let name, _, _): return (.symlink(qid: made(name, NinePQid(type: NinePQid.symlink, path: 5))), [])
            case .readLink: return (.readLink(target: Array("../file".utf8)), [])
            case .statistics:
                return (
                    .statistics(
                        FileSystemStatistics(
                            type: 0xEF53, blockSize: 4096, blocks: 100, freeBlocks: 50, availableBlocks: 50, files: 10,
                            freeFiles: 5, fileSystemID: 1, nameLength: 255)), []
                )
            case .rename(_, let old, _, let new):
                names[new] = names.removeValue(forKey: old)
                return (.rename, [])
            case .unlink(_, let name, _):
                names[name] = nil
                return (.unlink, [])
            case .clunk: return (.clunk, [])
            case .setAttributes: return (.setAttributes, [])
            case .link: return (.link, [])
            case .sync: return (.sync, [])
            case .flush: return (.flush, [])
            }
        }

        private func made(_ name: [UInt8], _ qid: NinePQid) -> NinePQid {
            names[name] = qid
            return qid
        }
    }

    static func encode(_ reply: (NinePReply, [UInt8]), tag: UInt16 = 1) -> [UInt8] {
        var message = encodeFields { writer in
            reply.0.encode(into: &writer, tag: tag)
            reply.1.withUnsafeBytes { writer.bytes($0) }
        }
        let size = message.count
        for index in 0..<4 { message[index] = UInt8(truncatingIfNeeded: size >> (index * 8)) }
        return message
    }

    static func encodeFields(_ body: (inout NinePWriter) -> Void) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16384)
        let count = bytes.withUnsafeMutableBytes { buffer in
            var writer = NinePWriter(buffer, tag: 0)
            body(&writer)
            return writer.count
        }
        return Array(bytes[0..<count])
    }

    /// The replies a well-behaved server gives the whole conversation.
    static func recorded() -> [UInt8] {
        let server = ScriptedServer(stream: [])
        converse(with: server)
        return server.recording
    }

    /// Where the first reply of `type` lies in a recorded stream.
    static func firstReply(of type: UInt8, in stream: [UInt8]) -> Range<Int>? {
        var position = 0
        while position &+ 7 <= stream.count {
            let size = Int(stream[position]) | Int(stream[position &+ 1]) << 8 | Int(stream[position &+ 2]) << 16
            if stream[position &+ 4] == type { return position..<(position &+ size) }
            position &+= max(size, 7)
        }
        return nil
    }
}
