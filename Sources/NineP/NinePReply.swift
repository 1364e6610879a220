import LinuxABI
import VFS

/// The 9P2000.L replies (R-messages) to `NinePRequest`s.
///
/// Rread and Rreaddir carry only their count here: the data follows in the same buffer, where
/// the reader stands after `decode`, so file data is copied once, from the device's buffer to
/// the caller's.
public enum NinePReply: Equatable {
    /// Rlerror: the request failed with this Linux errno.
    case error(Errno)
    case version(messageSize: UInt32, version: [UInt8])
    case attach(qid: NinePQid)
    case walk(qids: [NinePQid])
    case open(qid: NinePQid, ioUnit: UInt32)
    case create(qid: NinePQid, ioUnit: UInt32)
    /// Followed by `count` bytes of data.
    case read(count: UInt32)
    case write(count: UInt32)
    case clunk
    case getAttributes(NinePAttributes)
    case setAttributes
    /// Followed by `count` bytes of directory entries (`NinePDirectoryEntry`).
    case readDirectory(count: UInt32)
    case makeDirectory(qid: NinePQid)
    case makeNode(qid: NinePQid)
    case symlink(qid: NinePQid)
    case readLink(target: [UInt8])
    case link
    case unlink
    case rename
    case statistics(FileSystemStatistics)
    case sync
    case flush

    /// The type byte: the request's plus one.
    public var type: UInt8 {
        switch self {
        case .error: NinePMessageType.error
        case .version: NinePMessageType.version &+ 1
        case .attach: NinePMessageType.attach &+ 1
        case .walk: NinePMessageType.walk &+ 1
        case .open: NinePMessageType.open &+ 1
        case .create: NinePMessageType.create &+ 1
        case .read: NinePMessageType.read &+ 1
        case .write: NinePMessageType.write &+ 1
        case .clunk: NinePMessageType.clunk &+ 1
        case .getAttributes: NinePMessageType.getAttributes &+ 1
        case .setAttributes: NinePMessageType.setAttributes &+ 1
        case .readDirectory: NinePMessageType.readDirectory &+ 1
        case .makeDirectory: NinePMessageType.makeDirectory &+ 1
        case .makeNode: NinePMessageType.makeNode &+ 1
        case .symlink: NinePMessageType.symlink &+ 1
        case .readLink: NinePMessageType.readLink &+ 1
        case .link: NinePMessageType.link &+ 1
        case .unlink: NinePMessageType.unlink &+ 1
        case .rename: NinePMessageType.rename &+ 1
        case .statistics: NinePMessageType.statistics &+ 1
        case .sync: NinePMessageType.sync &+ 1
        case .flush: NinePMessageType.flush &+ 1
        }
    }

    /// Reads a reply. After Rread or Rreaddir the reader stands at the data, which is checked
    /// to be all there. EIO for a short, overlong-count or unknown message.
    public static func decode(_ r: inout NinePReader) throws(Errno) -> (tag: UInt16, reply: NinePReply) {
        let (type, tag) = try r.header()
        let reply: NinePReply
        switch type {
        case NinePMessageType.error:
            let code = try r.u32()
            // An errno of 0 or beyond Linux's range would read as success or nonsense.
            guard code > 0, code < 4096 else { throw .EIO }
            reply = .error(Errno(rawValue: Int(code)))
        case NinePMessageType.version &+ 1:
            reply = .version(messageSize: try r.u32(), version: try r.string())
        case NinePMessageType.attach &+ 1:
            reply = .attach(qid: try r.qid())
        case NinePMessageType.walk &+ 1:
            var qids: [NinePQid] = []
            for _ in 0..<Int(try r.u16()) { qids.append(try r.qid()) }
            reply = .walk(qids: qids)
        case NinePMessageType.open &+ 1:
            reply = .open(qid: try r.qid(), ioUnit: try r.u32())
        case NinePMessageType.create &+ 1:
            reply = .create(qid: try r.qid(), ioUnit: try r.u32())
        case NinePMessageType.read &+ 1, NinePMessageType.readDirectory &+ 1:
            let count = try r.u32()
            guard Int(count) <= r.remaining else { throw .EIO }
            reply = type == NinePMessageType.read &+ 1 ? .read(count: count) : .readDirectory(count: count)
        case NinePMessageType.write &+ 1:
            reply = .write(count: try r.u32())
        case NinePMessageType.clunk &+ 1: reply = .clunk
        case NinePMessageType.getAttributes &+ 1:
            reply = .getAttributes(try NinePAttributes(from: &r))
        case NinePMessageType.setAttributes &+ 1: reply = .setAttributes
        case NinePMessageType.makeDirectory &+ 1: reply = .makeDirectory(qid: try r.qid())
        case NinePMessageType.makeNode &+ 1: reply = .makeNode(qid: try r.qid())
        case NinePMessageType.symlink &+ 1: reply = .symlink(qid: try r.qid())
        case NinePMessageType.readLink &+ 1: reply = .readLink(target: try r.string())
        case NinePMessageType.link &+ 1: reply = .link
        case NinePMessageType.unlink &+ 1: reply = .unlink
        case NinePMessageType.rename &+ 1: reply = .rename
        case NinePMessageType.statistics &+ 1: reply = .statistics(try FileSystemStatistics(from: &r))
        case NinePMessageType.sync &+ 1: reply = .sync
        case NinePMessageType.flush &+ 1: reply = .flush
        default: throw .EIO
        }
        return (tag, reply)
    }

    /// Writes the reply (what a server does; the host tests' server uses it). The data of an
    /// Rread or Rreaddir is the caller's to append.
    public func encode(into w: inout NinePWriter, tag: UInt16) {
        w.begin(type: type, tag: tag)
        switch self {
        case .error(let errno): w.u32(UInt32(truncatingIfNeeded: errno.rawValue))
        case .version(let size, let version):
            w.u32(size)
            w.string(version)
        case .attach(let qid), .makeDirectory(let qid), .makeNode(let qid), .symlink(let qid): w.qid(qid)
        case .walk(let qids):
            w.u16(UInt16(truncatingIfNeeded: qids.count))
            for qid in qids { w.qid(qid) }
        case .open(let qid, let ioUnit), .create(let qid, let ioUnit):
            w.qid(qid)
            w.u32(ioUnit)
        case .read(let count), .write(let count), .readDirectory(let count): w.u32(count)
        case .getAttributes(let attributes): attributes.encode(into: &w)
        case .readLink(let target): w.string(target)
        case .statistics(let statistics): statistics.encode(into: &w)
        case .clunk, .setAttributes, .link, .unlink, .rename, .sync, .flush: break
        }
    }
}
