import LinuxABI
import VFS

/// A 9P2000.L share mounted in the VFS: the host folder behind a `NinePClient`.
///
/// Nothing is cached: every lookup walks on the server and every `stat` asks it, so changes the
/// host makes show at once (as Linux's 9p with `cache=none`). Each file the VFS holds is one
/// `NinePNode` (the VFS compares nodes by identity), found by the server's qid path.
///
/// The lock guards the node table and the nodes' open fids, and is never held while a message
/// is in flight: a slow host blocks only the threads that wait for it.
public final class NinePFileSystem: FileSystem {
    public let client: NinePClient
    let device: DeviceNumber
    let lockFactory: any VFSLockFactory
    private let lock: any VFSLock
    private var table = NinePNodeTable()
    private var rootNode: NinePNode! = nil
    /// Set once unmounted: the nodes' fids are clunked and every later call fails with EIO.
    private(set) var detached = false

    /// `statfs`'s `f_type` for 9p (Linux's `V9FS_MAGIC`).
    public static let V9FS_MAGIC: Int64 = 0x0102_1997

    /// Attaches to the server's tree `tree` (QEMU exports one tree per channel; any name does).
    public init(client: NinePClient, tree: [UInt8] = [], device: DeviceNumber, lockFactory: any VFSLockFactory) throws(Errno) {
        self.client = client
        self.device = device
        self.lockFactory = lockFactory
        lock = lockFactory.makeLock()
        let (fid, qid) = try client.attach(tree: tree)
        guard qid.isDirectory else {
            client.clunk(fid)
            throw .ENOTDIR
        }
        rootNode = NinePNode(fileSystem: self, qid: qid, fid: fid, type: .directory)
        _ = table.insert(rootNode)
    }

    public var root: VNode { rootNode }
    public var isReadOnly: Bool { false }

    public func statistics() throws(Errno) -> FileSystemStatistics {
        try checkAttached()
        // The host's numbers under 9p's own type, as Linux reports a 9p mount.
        var statistics = try client.statistics(rootNode.fid)
        statistics.type = Self.V9FS_MAGIC
        statistics.fileSystemID = device.encoded
        return statistics
    }

    /// Writes reach the host as they are made; making them durable there is each file's
    /// `fsync` (Tfsync).
    public func sync() throws(Errno) {}

    /// Clunks every fid; the share may be mounted again (a new attach in the same session).
    public func unmounted() {
        lock.lock()
        if detached {
            lock.unlock()
            return
        }
        detached = true
        let fids = table.removeAll()
        lock.unlock()
        for fid in fids { client.clunk(fid) }
    }

    func checkAttached() throws(Errno) {
        if detached { throw .EIO }
    }

    // MARK: Nodes

    /// The node for `qid`, which `fid` (walked just now) names: the table's node when it has one
    /// of a matching kind (then `fid` is clunked), else a new node owning `fid`. `type` is what
    /// the caller knows the file is; otherwise it comes from the qid, or Tgetattr for the kinds
    /// qids do not tell apart. A file this client just `created` is new whatever the table holds
    /// (a node of the same qid path is of a file the host removed and whose inode it reused).
    func node(for qid: NinePQid, fid: UInt32, type known: VNodeType? = nil, created: Bool = false) throws(Errno) -> NinePNode {
        if !created, let existing = matching(qid, type: known) {
            client.clunk(fid)
            return existing
        }
        var type = known
        if type == nil {
            if qid.isDirectory {
                type = .directory
            } else if qid.isSymlink {
                type = .symlink
            } else {
                do {
                    type = VNodeType(mode: try client.attributes(fid).mode) ?? .regular
                } catch {
                    client.clunk(fid)
                    throw error
                }
            }
        }
        let made = NinePNode(fileSystem: self, qid: qid, fid: fid, type: type ?? .regular)
        lock.lock()
        if detached {
            lock.unlock()
            client.clunk(fid)
            throw .EIO
        }
        if !created, let existing = table.existing(qid.path), Self.matches(existing, qid, type: made.type) {
            lock.unlock()
            client.clunk(fid)
            return existing
        }
        let dropped = table.insert(made)
        lock.unlock()
        for fid in dropped { client.clunk(fid) }
        return made
    }

    private func matching(_ qid: NinePQid, type: VNodeType?) -> NinePNode? {
        lock.lock()
        defer { lock.unlock() }
        guard let existing = table.existing(qid.path), Self.matches(existing, qid, type: type) else { return nil }
        return existing
    }

    /// Whether `node` can stand for a file with `qid` (of `type`, when known): a host that
    /// reuses an inode number for a file of another kind gets a new node.
    private static func matches(_ node: NinePNode, _ qid: NinePQid, type: VNodeType?) -> Bool {
        if let type, type != node.type { return false }
        return qid.isDirectory == (node.type == .directory) && qid.isSymlink == (node.type == .symlink)
    }

    /// The name that walked to `qid` was removed or replaced by this client: the node must not
    /// answer a later lookup of a new file the host gives the same inode number.
    func retire(_ qid: NinePQid) {
        lock.lock()
        defer { lock.unlock() }
        if qid.path != rootNode.qidPath { table.retire(qid.path) }
    }

    /// The fid `node`'s data goes through, opened on first use and kept while the node lives
    /// (a mapping may read the file after it is closed). Regular files are opened read-write
    /// when the host allows it, else read-only or write-only; directories read-only.
    func openFid(_ node: NinePNode) throws(Errno) -> (fid: UInt32, ioUnit: Int) {
        lock.lock()
        if let fid = node.ioFid {
            lock.unlock()
            return (fid, node.ioUnit)
        }
        lock.unlock()
        try checkAttached()
        let fid = try client.walk(from: node.fid, names: []).fid
        let modes =
            node.type == .directory
            ? [UInt32(FileConstants.O_DIRECTORY)] : [UInt32(FileConstants.O_RDWR), 0, UInt32(FileConstants.O_WRONLY)]
        var ioUnit: UInt32 = 0
        var failure: Errno? = nil
        for flags in modes {
            do {
                ioUnit = try client.open(.open(fid: fid, flags: flags))
                failure = nil
                break
            } catch {
                if failure == nil { failure = error }
            }
        }
        if let failure {
            client.clunk(fid)
            throw failure
        }
        return try install(fid, ioUnit: ioUnit, on: node)
    }

    /// Makes `openFid` (opened just now, with the server's `ioUnit`) the node's I/O fid, unless
    /// another thread gave it one meanwhile: then `openFid` is clunked and that one returned.
    @discardableResult
    func install(_ openFid: UInt32, ioUnit: UInt32, on node: NinePNode) throws(Errno) -> (fid: UInt32, ioUnit: Int) {
        let chunk = ioUnit == 0 ? client.maximumIO : min(Int(ioUnit), client.maximumIO)
        lock.lock()
        if detached || node.ioFid != nil {
            let existing = detached ? nil : node.ioFid
            let existingUnit = node.ioUnit
            lock.unlock()
            client.clunk(openFid)
            guard let existing else { throw .EIO }
            return (existing, existingUnit)
        }
        node.ioFid = openFid
        node.ioUnit = chunk
        lock.unlock()
        return (openFid, chunk)
    }

    /// The fid to ask about `node`'s attributes: the open one when there is one (it still
    /// reaches a file whose name was removed), else the node's own.
    func attributeFid(_ node: NinePNode) -> UInt32 {
        lock.lock()
        defer { lock.unlock() }
        return node.ioFid ?? node.fid
    }
}
