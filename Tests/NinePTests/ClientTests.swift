import LinuxABI
import Testing
import VFS

@testable import NineP

/// The session: version and msize negotiation, errno pass-through, replies that do not belong
/// to the request, and fid numbers.
@Suite struct ClientTests {
    @Test func messageSizeIsTheSmallestOfBothSides() throws {
        let server = FakeNinePServer(maximumMessageSize: 65536, serverMessageSize: 16384)
        let client = try NinePClient(transport: server, lock: NoLock())
        #expect(client.messageSize == 16384)
        #expect(client.maximumIO == 16384 - 24)
        #expect(server.requests == [.version(messageSize: 65536, version: NinePClient.protocolVersion)])

        let small = FakeNinePServer(maximumMessageSize: 8192)
        #expect(try NinePClient(transport: small, lock: NoLock(), messageSize: 1 << 20).messageSize == 8192)
        #expect(try NinePClient(transport: small, lock: NoLock(), messageSize: 6000).messageSize == 6000)
        #expect(throws: Errno.EINVAL) { try NinePClient(transport: small, lock: NoLock(), messageSize: 100) }
    }

    @Test func aServerWithoutNineP2000LOrWithATinyMessageSizeIsRefused() {
        let old = FakeNinePServer()
        old.version = Array("9P2000".utf8)
        #expect(throws: Errno.EPROTONOSUPPORT) { try NinePClient(transport: old, lock: NoLock()) }
        let tiny = FakeNinePServer(serverMessageSize: 512)
        #expect(throws: Errno.EIO) { try NinePClient(transport: tiny, lock: NoLock()) }
        let dead = FakeNinePServer()
        dead.broken = true
        #expect(throws: Errno.EIO) { try NinePClient(transport: dead, lock: NoLock()) }
    }

    @Test func rlerrorIsThrownAsItsErrno() throws {
        let server = FakeNinePServer()
        let client = try NinePClient(transport: server, lock: NoLock())
        let root = try client.attach(tree: []).fid
        #expect(throws: Errno.ENOENT) { try client.walk(from: root, names: [Array("missing".utf8)]) }
        #expect(throws: Errno.EBADF) { try client.read(root, at: 0, into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) }
        server.add("dir", mode: 0o040755)
        #expect(throws: Errno.ENOTEMPTY) {
            server.add("dir/x")
            try client.perform(.unlink(directoryFid: root, name: Array("dir".utf8), flags: 0x200))
        }
    }

    /// A reply with another tag or type than the request's, or one cut short, is EIO.
    @Test func mismatchedRepliesAreEIO() throws {
        let server = FakeNinePServer()
        let client = try NinePClient(transport: server, lock: NoLock())
        let root = try client.attach(tree: []).fid
        server.corruptNextReply = { $0[5] ^= 0xFF }
        #expect(throws: Errno.EIO) { try client.attributes(root) }
        server.corruptNextReply = { $0[4] = NinePMessageType.clunk &+ 1 }
        #expect(throws: Errno.EIO) { try client.attributes(root) }
        server.corruptNextReply = { $0.removeLast(9) }
        #expect(throws: Errno.EIO) { try client.attributes(root) }
        server.corruptNextReply = { $0 = [] }
        #expect(throws: Errno.EIO) { try client.statistics(root) }
        // Rread with more data than was asked for.
        server.add("f", data: [1, 2, 3, 4])
        let fid = try client.walk(from: root, names: [Array("f".utf8)]).fid
        _ = try client.open(.open(fid: fid, flags: 0))
        var buffer = [UInt8](repeating: 0, count: 2)
        server.corruptNextReply = { $0[7] = 4 }
        #expect(throws: Errno.EIO) { try buffer.withUnsafeMutableBytes { try client.read(fid, at: 0, into: $0) } }
        #expect(try buffer.withUnsafeMutableBytes { try client.read(fid, at: 0, into: $0) } == 2)
        #expect(buffer == [1, 2])
        // The session still works.
        #expect(try client.attributes(root).qid == server.root.qid)
    }

    /// A number goes back after a clunk or a walk the server refused, but not after a broken
    /// reply, which may have bound it.
    @Test func fidNumbersAreReusedOnlyWhenKnownFree() throws {
        let server = FakeNinePServer()
        let client = try NinePClient(transport: server, lock: NoLock())
        let root = try client.attach(tree: []).fid
        server.add("f")
        let (a, _) = try client.walk(from: root, names: [Array("f".utf8)])
        client.clunk(a)
        #expect(try client.walk(from: root, names: []).fid == a)
        let next = client.allocateFid()
        client.release(next)
        #expect(throws: Errno.ENOENT) { try client.walk(from: root, names: [Array("g".utf8)]) }
        #expect(client.allocateFid() == next)
        client.release(next)
        server.corruptNextReply = { $0.removeLast() }
        #expect(throws: Errno.EIO) { try client.walk(from: root, names: [Array("f".utf8)]) }
        #expect(client.allocateFid() != next)
        #expect(server.fids[next] != nil)
    }
}
