import LinuxABI

/// The 9P2000.L requests (T-messages) Skiff sends. Names are byte strings, flags and modes
/// Linux's values (9P2000.L carries them unchanged).
///
/// Twrite carries only its header here: its data follows in the same buffer (`NinePClient`
/// copies it straight from the caller), so a write is never staged in an array.
public enum NinePRequest: Equatable {
    case version(messageSize: UInt32, version: [UInt8])
    /// `n_uname` is the numeric user the server should act as.
    case attach(fid: UInt32, authFid: UInt32, user: [UInt8], tree: [UInt8], uid: UInt32)
    case walk(fid: UInt32, newFid: UInt32, names: [[UInt8]])
    case open(fid: UInt32, flags: UInt32)
    /// Creates `name` in directory `fid` and turns `fid` into the new file, opened.
    case create(fid: UInt32, name: [UInt8], flags: UInt32, mode: UInt32, gid: UInt32)
    case read(fid: UInt32, offset: UInt64, count: UInt32)
    /// Followed by `count` bytes of data.
    case write(fid: UInt32, offset: UInt64, count: UInt32)
    case clunk(fid: UInt32)
    case getAttributes(fid: UInt32, mask: UInt64)
    case setAttributes(fid: UInt32, changes: NinePAttributeChanges)
    case readDirectory(fid: UInt32, offset: UInt64, count: UInt32)
    case makeDirectory(directoryFid: UInt32, name: [UInt8], mode: UInt32, gid: UInt32)
    case makeNode(directoryFid: UInt32, name: [UInt8], mode: UInt32, major: UInt32, minor: UInt32, gid: UInt32)
    case symlink(directoryFid: UInt32, name: [UInt8], target: [UInt8], gid: UInt32)
    case readLink(fid: UInt32)
    case link(directoryFid: UInt32, fid: UInt32, name: [UInt8])
    /// `flags` is 0 or `AT_REMOVEDIR`.
    case unlink(directoryFid: UInt32, name: [UInt8], flags: UInt32)
    case rename(oldDirectoryFid: UInt32, oldName: [UInt8], newDirectoryFid: UInt32, newName: [UInt8])
    case statistics(fid: UInt32)
    case sync(fid: UInt32, dataOnly: Bool)
    case flush(oldTag: UInt16)

    /// The message's type byte; its reply's is one more (or Rlerror).
    public var type: UInt8 {
        switch self {
        case .version: NinePMessageType.version
        case .attach: NinePMessageType.attach
        case .walk: NinePMessageType.walk
        case .open: NinePMessageType.open
        case .create: NinePMessageType.create
        case .read: NinePMessageType.read
        case .write: NinePMessageType.write
        case .clunk: NinePMessageType.clunk
        case .getAttributes: NinePMessageType.getAttributes
        case .setAttributes: NinePMessageType.setAttributes
        case .readDirectory: NinePMessageType.readDirectory
        case .makeDirectory: NinePMessageType.makeDirectory
        case .makeNode: NinePMessageType.makeNode
        case .symlink: NinePMessageType.symlink
        case .readLink: NinePMessageType.readLink
        case .link: NinePMessageType.link
        case .unlink: NinePMessageType.unlink
        case .rename: NinePMessageType.rename
        case .statistics: NinePMessageType.statistics
        case .sync: NinePMessageType.sync
        case .flush: NinePMessageType.flush
        }
    }

    /// Writes the header and fields (not Twrite's data, which the caller appends, nor the size,
    /// which `NinePWriter.finish` sets).
    public func encode(into w: inout NinePWriter, tag: UInt16) {
        w.begin(type: type, tag: tag)
        switch self {
        case .version(let size, let version):
            w.u32(size)
            w.string(version)
        case .attach(let fid, let authFid, let user, let tree, let uid):
            w.u32(fid)
            w.u32(authFid)
            w.string(user)
            w.string(tree)
            w.u32(uid)
        case .walk(let fid, let newFid, let names):
            w.u32(fid)
            w.u32(newFid)
            w.u16(UInt16(truncatingIfNeeded: names.count))
            for name in names { w.string(name) }
        case .open(let fid, let flags):
            w.u32(fid)
            w.u32(flags)
        case .create(let fid, let name, let flags, let mode, let gid):
            w.u32(fid)
            w.string(name)
            w.u32(flags)
            w.u32(mode)
            w.u32(gid)
        case .read(let fid, let offset, let count), .write(let fid, let offset, let count),
            .readDirectory(let fid, let offset, let count):
            w.u32(fid)
            w.u64(offset)
            w.u32(count)
        case .clunk(let fid), .readLink(let fid), .statistics(let fid):
            w.u32(fid)
        case .getAttributes(let fid, let mask):
            w.u32(fid)
            w.u64(mask)
        case .setAttributes(let fid, let changes):
            w.u32(fid)
            changes.encode(into: &w)
        case .makeDirectory(let directoryFid, let name, let mode, let gid):
            w.u32(directoryFid)
            w.string(name)
            w.u32(mode)
            w.u32(gid)
        case .makeNode(let directoryFid, let name, let mode, let major, let minor, let gid):
            w.u32(directoryFid)
            w.string(name)
            w.u32(mode)
            w.u32(major)
            w.u32(minor)
            w.u32(gid)
        case .symlink(let directoryFid, let name, let target, let gid):
            w.u32(directoryFid)
            w.string(name)
            w.string(target)
            w.u32(gid)
        case .link(let directoryFid, let fid, let name):
            w.u32(directoryFid)
            w.u32(fid)
            w.string(name)
        case .unlink(let directoryFid, let name, let flags):
            w.u32(directoryFid)
            w.string(name)
            w.u32(flags)
        case .rename(let oldDirectoryFid, let oldName, let newDirectoryFid, let newName):
            w.u32(oldDirectoryFid)
            w.string(oldName)
            w.u32(newDirectoryFid)
            w.string(newName)
        case .sync(let fid, let dataOnly):
            w.u32(fid)
            w.u32(dataOnly ? 1 : 0)
        case .flush(let oldTag):
            w.u16(oldTag)
        }
    }

    /// Reads a request (what a server does; the host tests' server uses it). After a Twrite the
    /// reader stands at its data. EIO for a short or unknown message.
    public static func decode(_ r: inout NinePReader) throws(Errno) -> (tag: UInt16, request: NinePRequest) {
        let (type, tag) = try r.header()
        let request: NinePRequest
        switch type {
        case NinePMessageType.version:
            request = .version(messageSize: try r.u32(), version: try r.string())
        case NinePMessageType.attach:
            request = .attach(fid: try r.u32(), authFid: try r.u32(), user: try r.string(), tree: try r.string(), uid: try r.u32())
        case NinePMessageType.walk:
            let fid = try r.u32()
            let newFid = try r.u32()
            var names: [[UInt8]] = []
            for _ in 0..<Int(try r.u16()) { names.append(try r.string()) }
            request = .walk(fid: fid, newFid: newFid, names: names)
        case NinePMessageType.open:
            request = .open(fid: try r.u32(), flags: try r.u32())
        case NinePMessageType.create:
            request = .create(fid: try r.u32(), name: try r.string(), flags: try r.u32(), mode: try r.u32(), gid: try r.u32())
        case NinePMessageType.read:
            request = .read(fid: try r.u32(), offset: try r.u64(), count: try r.u32())
        case NinePMessageType.write:
            request = .write(fid: try r.u32(), offset: try r.u64(), count: try r.u32())
            if case .write(_, _, let count) = request, Int(count) != r.remaining { throw .EIO }
        case NinePMessageType.clunk:
            request = .clunk(fid: try r.u32())
        case NinePMessageType.getAttributes:
            request = .getAttributes(fid: try r.u32(), mask: try r.u64())
        case NinePMessageType.setAttributes:
            request = .setAttributes(fid: try r.u32(), changes: try NinePAttributeChanges(from: &r))
        case NinePMessageType.readDirectory:
            request = .readDirectory(fid: try r.u32(), offset: try r.u64(), count: try r.u32())
        case NinePMessageType.makeDirectory:
            request = .makeDirectory(directoryFid: try r.u32(), name: try r.string(), mode: try r.u32(), gid: try r.u32())
        case NinePMessageType.makeNode:
            request = .makeNode(
                directoryFid: try r.u32(), name: try r.string(), mode: try r.u32(), major: try r.u32(), minor: try r.u32(),
                gid: try r.u32())
        case NinePMessageType.symlink:
            request = .symlink(directoryFid: try r.u32(), name: try r.string(), target: try r.string(), gid: try r.u32())
        case NinePMessageType.readLink:
            request = .readLink(fid: try r.u32())
        case NinePMessageType.link:
            request = .link(directoryFid: try r.u32(), fid: try r.u32(), name: try r.string())
        case NinePMessageType.unlink:
            request = .unlink(directoryFid: try r.u32(), name: try r.string(), flags: try r.u32())
        case NinePMessageType.rename:
            request = .rename(
                oldDirectoryFid: try r.u32(), oldName: try r.string(), newDirectoryFid: try r.u32(), newName: try r.string())
        case NinePMessageType.statistics:
            request = .statistics(fid: try r.u32())
        case NinePMessageType.sync:
            request = .sync(fid: try r.u32(), dataOnly: try r.u32() != 0)
        case NinePMessageType.flush:
            request = .flush(oldTag: try r.u16())
        default:
            throw .EIO
        }
        return (tag, request)
    }
}
