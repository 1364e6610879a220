import LinuxABI
import VFS

/// One 9P2000.L session over a transport: the version handshake, fid numbers, and a call per
/// message. A session lives as long as its channel; every mount of the channel's share
/// attaches within it (a second Tversion would clunk the other mounts' fids).
///
/// The lock guards only the fid numbers: it is never held while a message is in flight.
public final class NinePClient {
    public let transport: any NinePTransport
    /// The negotiated `msize`: the largest message either way.
    public let messageSize: Int
    private let lock: any VFSLock
    private var nextFid: UInt32 = 0
    private var freeFids: [UInt32] = []

    public static let protocolVersion: [UInt8] = Array("9P2000.L".utf8)
    /// Room for the header of a Tread/Twrite/Rread (`P9_IOHDRSZ`): what `msize` leaves for data.
    public static let ioHeaderSize = 24
    /// The smallest `msize` accepted: a page of data per message.
    public static let minimumMessageSize = 4096 + ioHeaderSize

    /// Negotiates the version and `msize` (at most `messageSize` and what the transport holds).
    /// EPROTONOSUPPORT when the server does not speak 9P2000.L.
    public init(transport: any NinePTransport, lock: any VFSLock, messageSize wanted: Int = 1 << 20) throws(Errno) {
        self.transport = transport
        self.lock = lock
        let offered = min(wanted, transport.maximumMessageSize)
        guard offered >= Self.minimumMessageSize else { throw .EINVAL }
        let request = NinePRequest.version(messageSize: UInt32(truncatingIfNeeded: offered), version: Self.protocolVersion)
        guard case .version(let size, let version) = try Self.reply(transport, request) else { throw .EIO }
        guard version == Self.protocolVersion else { throw .EPROTONOSUPPORT }
        guard Int(size) >= Self.minimumMessageSize, Int(size) <= offered else { throw .EIO }
        messageSize = Int(size)
    }

    /// The most data one Tread or Twrite carries.
    public var maximumIO: Int { messageSize &- Self.ioHeaderSize }

    // MARK: Fids

    /// A fid number not in use; it goes back with `clunk`, or `release` when the message that
    /// would have bound it failed.
    func allocateFid() -> UInt32 {
        lock.lock()
        defer { lock.unlock() }
        if let fid = freeFids.popLast() { return fid }
        nextFid &+= 1
        return nextFid &- 1
    }

    /// Returns a number the server never bound.
    func release(_ fid: UInt32) {
        lock.lock()
        defer { lock.unlock() }
        freeFids.append(fid)
    }

    // MARK: Messages

    /// Sends `request` (with `payload`, Twrite's data, after it) and passes the reply to
    /// `handle` with the reader standing at the reply's data. Rlerror is thrown as its errno; a
    /// reply of another type or tag is EIO. Not generic, so the kernel has one copy of it.
    public func call(
        _ request: NinePRequest, payload: UnsafeRawBufferPointer? = nil,
        _ handle: (NinePReply, inout NinePReader) throws(Errno) -> Void
    ) throws(Errno) {
        try Self.call(transport, request, payload: payload, handle)
    }

    private static func call(
        _ transport: any NinePTransport, _ request: NinePRequest, payload: UnsafeRawBufferPointer? = nil,
        _ handle: (NinePReply, inout NinePReader) throws(Errno) -> Void
    ) throws(Errno) {
        var sentTag: UInt16 = 0
        try transport.exchange(
            { w in
                sentTag = request.type == NinePMessageType.version ? NinePMessageType.noTag : w.tag
                request.encode(into: &w, tag: sentTag)
                if let payload { w.bytes(payload) }
                return w.finish()
            },
            reply: { r throws(Errno) in
                let (tag, reply) = try NinePReply.decode(&r)
                guard tag == sentTag else { throw .EIO }
                if case .error(let errno) = reply { throw errno }
                guard reply.type == request.type &+ 1 else { throw .EIO }
                try handle(reply, &r)
            })
    }

    /// The reply to a request whose answer is all in its fields.
    public func reply(to request: NinePRequest) throws(Errno) -> NinePReply {
        try Self.reply(transport, request)
    }

    private static func reply(_ transport: any NinePTransport, _ request: NinePRequest) throws(Errno) -> NinePReply {
        var answer = NinePReply.flush
        try call(transport, request) { reply, _ throws(Errno) in answer = reply }
        return answer
    }

    /// A request whose reply carries nothing the caller needs.
    public func perform(_ request: NinePRequest) throws(Errno) {
        try call(request) { _, _ throws(Errno) in }
    }

    /// A request answered with a qid (Tattach, Tmkdir, Tmknod, Tsymlink).
    public func qid(_ request: NinePRequest) throws(Errno) -> NinePQid {
        switch try reply(to: request) {
        case .attach(let qid), .makeDirectory(let qid), .makeNode(let qid), .symlink(let qid): return qid
        default: throw .EIO
        }
    }

    /// Twalk of `names` (at most 16) from `fid` to a new fid, which it returns with the qids.
    /// ENOENT unless every name was walked. When the walk fails the new number is free again —
    /// unless the reply was broken (EIO): then the server may have bound it, and the number is
    /// never used again.
    public func walk(from fid: UInt32, names: [[UInt8]]) throws(Errno) -> (fid: UInt32, qids: [NinePQid]) {
        let newFid = allocateFid()
        do throws(Errno) {
            guard case .walk(let qids) = try reply(to: .walk(fid: fid, newFid: newFid, names: names)) else {
                throw .EIO
            }
            guard qids.count == names.count else {
                release(newFid)
                throw .ENOENT
            }
            return (newFid, qids)
        } catch {
            if error != .EIO { release(newFid) }
            throw error
        }
    }

    /// Tattach as `uid` to the server's tree `tree`: the fid of its root, and the root's qid.
    public func attach(tree: [UInt8], uid: UInt32 = 0) throws(Errno) -> (fid: UInt32, qid: NinePQid) {
        let fid = allocateFid()
        do throws(Errno) {
            return (fid, try qid(.attach(fid: fid, authFid: NinePMessageType.noFid, user: [], tree: tree, uid: uid)))
        } catch {
            if error != .EIO { release(fid) }
            throw error
        }
    }

    /// Tlopen or Tlcreate: the fid becomes an open file. Returns the server's `iounit` (0: no
    /// preference).
    public func open(_ request: NinePRequest) throws(Errno) -> UInt32 {
        switch try reply(to: request) {
        case .open(_, let ioUnit), .create(_, let ioUnit): return ioUnit
        default: throw .EIO
        }
    }

    /// Tclunk, and the number is free again (even when the server complains: the fid is gone
    /// either way).
    public func clunk(_ fid: UInt32) {
        try? perform(.clunk(fid: fid))
        release(fid)
    }

    /// One Tread of at most `maximumIO` bytes into `buffer`; returns the count (0 at the end).
    public func read(_ fid: UInt32, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        let count = min(buffer.count, maximumIO)
        var done = 0
        try call(.read(fid: fid, offset: offset, count: UInt32(count))) { reply, r throws(Errno) in
            guard case .read(let n) = reply, Int(n) <= count else { throw .EIO }
            let data = try r.bytes(Int(n))
            if let source = data.baseAddress, let destination = buffer.baseAddress {
                destination.copyMemory(from: source, byteCount: data.count)
            }
            done = data.count
        }
        return done
    }

    /// One Twrite of at most `maximumIO` bytes from `buffer`; returns the count written.
    public func write(_ fid: UInt32, at offset: UInt64, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        let data = UnsafeRawBufferPointer(rebasing: buffer[0..<min(buffer.count, maximumIO)])
        var written = 0
        try call(.write(fid: fid, offset: offset, count: UInt32(data.count)), payload: data) { reply, _ throws(Errno) in
            guard case .write(let n) = reply, Int(n) <= data.count else { throw .EIO }
            written = Int(n)
        }
        return written
    }

    public func attributes(_ fid: UInt32) throws(Errno) -> NinePAttributes {
        guard case .getAttributes(let attributes) = try reply(to: .getAttributes(fid: fid, mask: NinePAttributes.basic))
        else { throw .EIO }
        return attributes
    }

    /// One Treaddir from the server's `offset` cookie (0: the start); empty at the end.
    public func readDirectory(_ fid: UInt32, from offset: UInt64) throws(Errno) -> [NinePDirectoryEntry] {
        var entries: [NinePDirectoryEntry] = []
        try call(.readDirectory(fid: fid, offset: offset, count: UInt32(maximumIO))) { reply, r throws(Errno) in
            guard case .readDirectory(let n) = reply else { throw .EIO }
            entries = try NinePDirectoryEntry.decode(try r.bytes(Int(n)))
        }
        return entries
    }

    public func readLink(_ fid: UInt32) throws(Errno) -> [UInt8] {
        guard case .readLink(let target) = try reply(to: .readLink(fid: fid)) else { throw .EIO }
        return target
    }

    public func statistics(_ fid: UInt32) throws(Errno) -> FileSystemStatistics {
        guard case .statistics(let statistics) = try reply(to: .statistics(fid: fid)) else { throw .EIO }
        return statistics
    }
}
