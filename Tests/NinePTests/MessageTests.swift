import LinuxABI
import VFS
import Testing

@testable import NineP

/// The wire format: every request and reply survives encode → decode unchanged, the bytes are
/// 9P2000.L's, and a short or malformed message is EIO — never a trap (in the kernel a trap is a
/// panic, and the bytes come from outside).
@Suite struct MessageTests {
    static let qid = NinePQid(type: NinePQid.directory, version: 7, path: 0x1122_3344_5566_7788)
    static let name = Array("a name".utf8)

    static var requests: [NinePRequest] {
        var changes = NinePAttributeChanges()
        changes.valid = NinePAttributeChanges.mode | NinePAttributeChanges.size | NinePAttributeChanges.modificationTime
            | NinePAttributeChanges.modificationTimeSet
        changes.mode = 0o640
        changes.size = 1 << 40
        changes.modificationTime = Timespec(seconds: 1_700_000_000, nanoseconds: 123)
        return [
            .version(messageSize: 65536, version: NinePClient.protocolVersion),
            .attach(fid: 1, authFid: NinePMessageType.noFid, user: Array("root".utf8), tree: [], uid: 0),
            .walk(fid: 1, newFid: 2, names: []),
            .walk(fid: 1, newFid: 2, names: [name, Array("..".utf8), [0xFF, 0x00]]),
            .open(fid: 2, flags: 0o2),
            .create(fid: 3, name: name, flags: 0o302, mode: 0o644, gid: 100),
            .read(fid: 4, offset: 1 << 33, count: 8192),
            .clunk(fid: 5),
            .getAttributes(fid: 6, mask: NinePAttributes.basic),
            .setAttributes(fid: 7, changes: changes),
            .readDirectory(fid: 8, offset: 0x7FFF_FFFF_FFFF_FFFF, count: 4000),
            .makeDirectory(directoryFid: 9, name: name, mode: 0o755, gid: 0),
            .makeNode(directoryFid: 9, name: name, mode: 0o020666, major: 1, minor: 3, gid: 0),
            .symlink(directoryFid: 9, name: name, target: Array("../target".utf8), gid: 5),
            .readLink(fid: 10),
            .link(directoryFid: 9, fid: 10, name: name),
            .unlink(directoryFid: 9, name: name, flags: 0x200),
            .rename(oldDirectoryFid: 9, oldName: name, newDirectoryFid: 11, newName: Array("b".utf8)),
            .statistics(fid: 1),
            .sync(fid: 4, dataOnly: true),
            .flush(oldTag: 3),
        ]
    }

    static var replies: [NinePReply] {
        [
        .error(.ENOTEMPTY),
        .version(messageSize: 8192, version: NinePClient.protocolVersion),
        .attach(qid: qid),
        .walk(qids: []),
        .walk(qids: [qid, NinePQid(type: 0, path: 9)]),
        .open(qid: qid, ioUnit: 4096),
        .create(qid: qid, ioUnit: 0),
        .write(count: 77),
        .clunk,
        .getAttributes(
            NinePAttributes(
                qid: qid, mode: 0o100644, uid: 1000, gid: 1000, linkCount: 3, specialDevice: 0x0801, size: 12345,
                blockSize: 4096, blocks: 32, accessTime: Timespec(seconds: 1, nanoseconds: 2),
                modificationTime: Timespec(seconds: 3, nanoseconds: 4), changeTime: Timespec(seconds: 5, nanoseconds: 6),
                birthTime: Timespec(seconds: -7, nanoseconds: 8), generation: 9, dataVersion: 10)),
        .setAttributes,
        .makeDirectory(qid: qid),
        .makeNode(qid: qid),
        .symlink(qid: qid),
        .readLink(target: Array("/somewhere/else".utf8)),
        .link, .unlink, .rename,
        .statistics(
            FileSystemStatistics(
                type: 0xEF53, blockSize: 4096, blocks: 100, freeBlocks: 50, availableBlocks: 40, files: 10, freeFiles: 5,
                fileSystemID: 0xABCD, nameLength: 255)),
        .sync, .flush,
        ]
    }

    /// `body`'s message as bytes.
    static func encoded(capacity: Int = 4096, finish: Bool = true, _ body: (inout NinePWriter) -> Void) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: capacity)
        let length: Int? = bytes.withUnsafeMutableBytes { buffer in
            var writer = NinePWriter(buffer, tag: 0)
            body(&writer)
            return finish ? writer.finish() : writer.count
        }
        guard let length else { return nil }
        return Array(bytes[0..<length])
    }

    static func decodeRequest(_ bytes: [UInt8]) throws(Errno) -> (UInt16, NinePRequest, [UInt8]) {
        try reading(bytes) { (reader) throws(Errno) in
            let (tag, request) = try NinePRequest.decode(&reader)
            return (tag, request, Array(try reader.bytes(reader.remaining)))
        }
    }

    static func decodeReply(_ bytes: [UInt8]) throws(Errno) -> (UInt16, NinePReply, [UInt8]) {
        try reading(bytes) { (reader) throws(Errno) in
            let (tag, reply) = try NinePReply.decode(&reader)
            return (tag, reply, Array(try reader.bytes(reader.remaining)))
        }
    }

    @Test func requestsRoundTrip() throws {
        for request in Self.requests { try roundTrip(request) }
    }

    func roundTrip(_ request: NinePRequest) throws {
        let bytes = try #require(Self.encoded { request.encode(into: &$0, tag: 0x1234) })
        #expect(Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24 == bytes.count)
        #expect(bytes[4] == request.type)
        #expect(bytes[5] == 0x34 && bytes[6] == 0x12)
        let (tag, decoded, rest) = try Self.decodeRequest(bytes)
        #expect(tag == 0x1234)
        #expect(decoded == request)
        #expect(rest.isEmpty)
    }

    @Test func repliesRoundTrip() throws {
        for reply in Self.replies { try roundTrip(reply) }
    }

    func roundTrip(_ reply: NinePReply) throws {
        let bytes = try #require(Self.encoded { reply.encode(into: &$0, tag: 9) })
        #expect(bytes[4] == reply.type)
        let (tag, decoded, rest) = try Self.decodeReply(bytes)
        #expect(tag == 9)
        #expect(decoded == reply)
        #expect(rest.isEmpty)
    }

    /// Twrite and Rread carry their data after the fields; Rreaddir its entries.
    @Test func dataFollowsTheHeader() throws {
        let data: [UInt8] = Array(0..<200)
        let write = try #require(
            Self.encoded {
                w in
                NinePRequest.write(fid: 3, offset: 10, count: 200).encode(into: &w, tag: 1)
                data.withUnsafeBytes { w.bytes($0) }
            })
        // size[4] type[1] tag[2] fid[4] offset[8] count[4] data[200]
        #expect(write.count == 23 + 200)
        let (_, request, payload) = try Self.decodeRequest(write)
        #expect(request == .write(fid: 3, offset: 10, count: 200))
        #expect(payload == data)

        let read = try #require(
            Self.encoded {
                w in
                NinePReply.read(count: 200).encode(into: &w, tag: 1)
                data.withUnsafeBytes { w.bytes($0) }
            })
        let (_, reply, rest) = try Self.decodeReply(read)
        #expect(reply == .read(count: 200))
        #expect(rest == data)

        let entries = [
            NinePDirectoryEntry(qid: Self.qid, offset: 1, type: 4, name: Array(".".utf8)),
            NinePDirectoryEntry(qid: NinePQid(type: 0, path: 5), offset: 99, type: 8, name: Array("file".utf8)),
        ]
        let listing = try #require(Self.encoded(finish: false) { w in for entry in entries { entry.encode(into: &w) } })
        #expect(listing.count == entries.reduce(0) { $0 + $1.encodedSize })
        #expect(try reading(listing) { (r) throws(Errno) in try NinePDirectoryEntry.decode(try r.bytes(r.remaining)) } == entries)
    }

    /// The bytes of Tversion as Linux sends them: size 21, type 100, NOTAG, msize, "9P2000.L".
    @Test func versionBytesAreNinePs() throws {
        let bytes = try #require(
            Self.encoded { NinePRequest.version(messageSize: 8192, version: NinePClient.protocolVersion).encode(into: &$0, tag: 0xFFFF) })
        #expect(bytes == [21, 0, 0, 0, 100, 0xFF, 0xFF, 0x00, 0x20, 0, 0, 8, 0] + Array("9P2000.L".utf8))
    }

    /// Every prefix of every reply is rejected with EIO, and so is every reply whose size field
    /// claims more than arrived.
    @Test func shortRepliesAreEIO() throws {
        for reply in Self.replies {
            let bytes = try #require(Self.encoded { reply.encode(into: &$0, tag: 1) })
            for length in 0..<bytes.count {
                #expect(throws: Errno.EIO) { try Self.decodeReply(Array(bytes[0..<length])) }
            }
        }
        for request in Self.requests {
            let bytes = try #require(Self.encoded { request.encode(into: &$0, tag: 1) })
            for length in 0..<bytes.count {
                #expect(throws: Errno.EIO) { try Self.decodeRequest(Array(bytes[0..<length])) }
            }
        }
    }

    @Test func malformedRepliesAreEIO() throws {
        // An unknown type.
        #expect(throws: Errno.EIO) { try Self.decodeReply([7, 0, 0, 0, 99, 0, 0]) }
        // A size below the header's.
        #expect(throws: Errno.EIO) { try Self.decodeReply([6, 0, 0, 0, 121, 0, 0]) }
        // Rread claiming more data than the message holds.
        #expect(throws: Errno.EIO) { try Self.decodeReply([11, 0, 0, 0, 117, 0, 0, 5, 0, 0, 0]) }
        // A string running past the end.
        #expect(throws: Errno.EIO) { try Self.decodeReply([10, 0, 0, 0, 23, 0, 0, 0xFF, 0xFF, 0x41]) }
        // Rwalk with more qids than it carries.
        #expect(throws: Errno.EIO) { try Self.decodeReply([9, 0, 0, 0, 111, 0, 0, 0xFF, 0xFF]) }
        // Rlerror with errno 0 or out of range.
        #expect(throws: Errno.EIO) { try Self.decodeReply([11, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: Errno.EIO) { try Self.decodeReply([11, 0, 0, 0, 7, 0, 0, 0, 0x10, 0, 0]) }
        // Rreaddir entries cut short.
        let listing: [UInt8] = [1, 2, 3]
        #expect(throws: Errno.EIO) { try reading(listing) { (r) throws(Errno) in try NinePDirectoryEntry.decode(try r.bytes(r.remaining)) } }
        // Twrite whose count disagrees with its data.
        #expect(throws: Errno.EIO) { try Self.decodeRequest([24, 0, 0, 0, 118, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 9]) }
        // Trailing bytes beyond the size field are not part of the message.
        let (_, reply, rest) = try Self.decodeReply([7, 0, 0, 0, 121, 0, 0, 0xEE, 0xEE])
        #expect(reply == .clunk)
        #expect(rest.isEmpty)
    }

    /// A message that does not fit the buffer is refused, not truncated.
    @Test func overflowingMessagesAreRefused() {
        #expect(Self.encoded(capacity: 20) { NinePRequest.walk(fid: 1, newFid: 2, names: [Self.name, Self.name]).encode(into: &$0, tag: 1) } == nil)
        #expect(Self.encoded(capacity: 4096) { NinePRequest.symlink(directoryFid: 1, name: Self.name, target: [UInt8](repeating: 65, count: 70_000), gid: 0).encode(into: &$0, tag: 1) } == nil)
        #expect(Self.encoded(capacity: 7) { NinePReply.clunk.encode(into: &$0, tag: 1) } == [7, 0, 0, 0, 121, 1, 0])
    }
}
