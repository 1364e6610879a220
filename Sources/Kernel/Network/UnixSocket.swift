#if SKIFF_KERNEL
import LinuxABI
import VFS

/// An AF_UNIX socket: stream, datagram or seqpacket, named by a file-system path (a socket
/// node `bind` creates), by an abstract name (leading NUL), or unnamed (`socketpair`).
///
/// Messages land in the receiver's queue as records, so SCM_RIGHTS files and credentials stay
/// with the bytes they were sent with: a stream read stops before a record that carries
/// ancillary data, as Linux's does. All unix sockets share one sleeping lock; operations
/// under it are short (queue edits and one copy).
final class UnixSocket: SocketNode {
    nonisolated(unsafe) static let lock = Mutex()
    /// Sockets bound to a path, by the identity of their socket node.
    nonisolated(unsafe) static var pathBindings: [(node: VNode, socket: UnixSocket)] = []
    /// Sockets bound to an abstract name.
    nonisolated(unsafe) static var abstractBindings: [(name: [UInt8], socket: UnixSocket)] = []
    /// Bytes a socket may have queued for reading before senders wait (Linux's default
    /// net.core.rmem_default).
    static let receiveLimit = 212_992
    static let maximumBacklog = 4096

    enum State {
        case idle, listening, connected, closed
    }

    var state = State.idle
    /// The other end of a connection; for datagrams, the default destination.
    var peer: UnixSocket?
    /// Connections waiting for `accept` (server-side sockets, already connected).
    var pending: [UnixSocket] = []
    var backlog = 0
    var queue: [UnixRecord] = []
    var queuedBytes = 0
    /// The name as a sockaddr_un (family + path or abstract name); nil while unbound.
    var name: [UInt8]?
    var readShutdown = false
    var writeShutdown = false
    /// SO_PASSCRED: attach the sender's credentials to each message read.
    var passCredentials = false
    /// SO_PEERCRED: the process that connected (or created the pair).
    var peerCredentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
    var ownerPID: Int32

    init(type: Int32) {
        ownerPID = Scheduler.currentProcess.id
        super.init(family: SocketConstants.AF_UNIX, type: type)
    }

    var isStream: Bool { socketType == SocketConstants.SOCK_STREAM }
    var isConnectionOriented: Bool { socketType != SocketConstants.SOCK_DGRAM }

    static func make(type: Int32, protocol number: Int32) throws(Errno) -> UnixSocket {
        guard number == 0 || number == SocketConstants.AF_UNIX else { throw .EPROTONOSUPPORT }
        switch type {
        case SocketConstants.SOCK_STREAM, SocketConstants.SOCK_DGRAM, SocketConstants.SOCK_SEQPACKET:
            return UnixSocket(type: type)
        default:
            throw .ESOCKTNOSUPPORT
        }
    }

    static func makePair(type: Int32, protocol number: Int32) throws(Errno) -> (UnixSocket, UnixSocket) {
        let a = try make(type: type, protocol: number)
        let b = UnixSocket(type: type)
        a.peer = b
        b.peer = a
        a.state = .connected
        b.state = .connected
        a.peerCredentials = (a.ownerPID, 0, 0)
        b.peerCredentials = (a.ownerPID, 0, 0)
        return (a, b)
    }

    // MARK: Names

    /// The family-only sockaddr of an unnamed socket.
    static let unnamed: [UInt8] = [UInt8(SocketConstants.AF_UNIX), 0]

    /// Splits a sockaddr_un into a path (without its NUL) or an abstract name.
    static func parse(_ bytes: [UInt8]) throws(Errno) -> (path: [UInt8]?, abstract: [UInt8]?, canonical: [UInt8]) {
        guard bytes.count >= 2 else { throw .EINVAL }
        guard Int32(bytes[0]) | Int32(bytes[1]) << 8 == SocketConstants.AF_UNIX else { throw .EINVAL }
        guard bytes.count <= 110 else { throw .EINVAL }
        let body = Array(bytes[2...])
        guard !body.isEmpty else { throw .EINVAL }
        if body[0] == 0 {
            return (nil, body, bytes)
        }
        let path = Array(body.prefix { $0 != 0 })
        return (path, nil, unnamed + path + [0])
    }

    override func bind(_ bytes: [UInt8]) throws(Errno) {
        let (path, abstract, canonical) = try Self.parse(bytes)
        guard Self.lock.withLock({ name == nil }) else { throw .EINVAL }
        if let abstract {
            let taken: Bool = Self.lock.withLock {
                if Self.abstractBindings.contains(where: { $0.name == abstract }) { return true }
                Self.abstractBindings.append((abstract, self))
                name = canonical
                return false
            }
            if taken { throw .EADDRINUSE }
            return
        }
        guard let path else { throw .EINVAL }
        let vfs = FileSystems.vfs!
        let context = Scheduler.currentProcess.fileContext
        do throws(Errno) {
            try vfs.makeNode(path, in: context, mode: UInt32(FileConstants.S_IFSOCK) | 0o777)
        } catch {
            throw error == .EEXIST ? .EADDRINUSE : error
        }
        let node = try vfs.lookup(path, in: context).node
        Self.lock.withLock {
            Self.pathBindings.append((node, self))
            name = canonical
        }
    }

    /// The bound socket a sockaddr_un names, or ECONNREFUSED.
    static func target(_ bytes: [UInt8]) throws(Errno) -> UnixSocket {
        let (path, abstract, _) = try parse(bytes)
        if let abstract {
            guard let s = lock.withLock({ abstractBindings.first { $0.name == abstract }?.socket }) else { throw .ECONNREFUSED }
            return s
        }
        let node = try FileSystems.vfs!.lookup(path!, in: Scheduler.currentProcess.fileContext).node
        guard node.type == .socket else { throw .ECONNREFUSED }
        guard let s = lock.withLock({ pathBindings.first { $0.node === node }?.socket }) else { throw .ECONNREFUSED }
        return s
    }

    override func localName() throws(Errno) -> [UInt8] {
        Self.lock.withLock { name ?? Self.unnamed }
    }

    override func peerName() throws(Errno) -> [UInt8] {
        let n: [UInt8]? = Self.lock.withLock {
            guard let peer else { return nil }
            return peer.name ?? Self.unnamed
        }
        guard let n else { throw .ENOTCONN }
        return n
    }

    // MARK: Connections

    override func listen(backlog: Int) throws(Errno) {
        guard isConnectionOriented else { throw .EOPNOTSUPP }
        let r: Errno? = Self.lock.withLock {
            guard name != nil else { return .EINVAL }
            guard state == .idle || state == .listening else { return .EINVAL }
            state = .listening
            self.backlog = min(max(backlog, 0), Self.maximumBacklog)
            return nil
        }
        if let r { throw r }
    }

    override func connect(_ bytes: [UInt8]) throws(Errno) {
        let server = try Self.target(bytes)
        if !isConnectionOriented {
            guard server.socketType == socketType else { throw .EPROTOTYPE }
            Self.lock.withLock { peer = server }
            return
        }
        guard server.socketType == socketType else { throw .EPROTOTYPE }
        let nonblocking = IOContext.nonblocking
        while true {
            let outcome: Errno? = Self.lock.withLock {
                switch state {
                case .connected: return .EISCONN
                case .listening: return .EINVAL
                case .closed: return .EINVAL
                case .idle: break
                }
                guard server.state == .listening else { return .ECONNREFUSED }
                guard server.pending.count <= server.backlog else { return .EAGAIN }
                let child = UnixSocket(type: socketType)
                child.ownerPID = server.ownerPID
                child.name = server.name
                child.peer = self
                child.state = .connected
                child.peerCredentials = (ownerPID, 0, 0)
                peer = child
                state = .connected
                peerCredentials = (server.ownerPID, 0, 0)
                server.pending.append(child)
                return nil
            }
            if outcome == nil {
                server.pollHead.notify([.input, .readNormal])
                pollHead.notify([.output, .writeNormal])
                return
            }
            guard outcome == .EAGAIN else { throw outcome! }
            if nonblocking { throw .EAGAIN }
            let deadline: UInt64? = sendTimeout == 0 ? nil : Clock.monotonic &+ sendTimeout
            switch server.pollHead.waitInterruptibly(
                until: { Self.lock.withLock { server.state != .listening || server.pending.count <= server.backlog } },
                deadline: deadline)
            {
            case .ready: continue
            case .interrupted: throw .ERESTARTSYS
            case .timedOut: throw .EAGAIN
            }
        }
    }

    override func accept() throws(Errno) -> (socket: SocketNode, peer: [UInt8]) {
        guard isConnectionOriented else { throw .EOPNOTSUPP }
        while true {
            let r: Result<UnixSocket, Errno>? = Self.lock.withLock {
                guard state == .listening else { return .failure(.EINVAL) }
                guard !pending.isEmpty else { return nil }
                return .success(pending.removeFirst())
            }
            switch r {
            case .some(.success(let child)):
                pollHead.notify([.output])  // connectors waiting for backlog room
                let peerName = Self.lock.withLock { child.peer?.name ?? Self.unnamed }
                return (child, peerName)
            case .some(.failure(let e)): throw e
            case .none: break
            }
            try wait(nonblocking: IOContext.nonblocking, timeout: receiveTimeout) {
                Self.lock.withLock { !pending.isEmpty || state != .listening }
            }
        }
    }

    override func shutdown(_ how: Int32) throws(Errno) {
        guard how >= 0 && how <= 2 else { throw .EINVAL }
        let p: UnixSocket? = Self.lock.withLock {
            if isConnectionOriented && state != .connected { return nil }
            if how != SocketConstants.SHUT_WR { readShutdown = true }
            if how != SocketConstants.SHUT_RD { writeShutdown = true }
            // The peer sees our write shutdown as end of stream, our read shutdown as EPIPE.
            if let peer = peer, isConnectionOriented {
                if how != SocketConstants.SHUT_RD { peer.readShutdown = true }
                if how != SocketConstants.SHUT_WR { peer.writeShutdown = true }
            }
            return peer
        }
        if isConnectionOriented && p == nil && Self.lock.withLock({ state != .connected }) { throw .ENOTCONN }
        pollHead.notify(readiness())
        if let p { p.pollHead.notify(p.readiness()) }
    }

    override func released(flags: OpenFlags) {
        let (p, orphans): (UnixSocket?, [UnixSocket]) = Self.lock.withLock {
            state = .closed
            Self.pathBindings.removeAll { $0.socket === self }
            Self.abstractBindings.removeAll { $0.socket === self }
            let p = peer
            peer = nil
            if let p, isConnectionOriented {
                p.readShutdown = true
                p.writeShutdown = true
                p.peer = nil
            }
            let orphans = pending
            pending = []
            queue = []  // in-flight files are released with their records
            queuedBytes = 0
            return (p, orphans)
        }
        for o in orphans { o.released(flags: flags) }
        if let p { p.pollHead.notify(p.readiness()) }
    }

    // MARK: Readiness

    override func readiness() -> PollEvents {
        Self.lock.withLock {
            var events: PollEvents = []
            if state == .listening {
                if !pending.isEmpty { events.formUnion([.input, .readNormal]) }
                return events
            }
            if !queue.isEmpty || readShutdown { events.formUnion([.input, .readNormal]) }
            if readShutdown { events.insert(.readHangUp) }
            if readShutdown && writeShutdown { events.insert(.hangUp) }
            if isConnectionOriented && state != .connected && state != .listening { events.insert(.hangUp) }
            if writeShutdown {
                events.formUnion([.output, .writeNormal])
            } else if let p = peer {
                if p.queuedBytes < Self.receiveLimit { events.formUnion([.output, .writeNormal]) }
            } else if !isConnectionOriented || state == .idle {
                events.formUnion([.output, .writeNormal])
            }
            return events
        }
    }

    // MARK: Data

    override func send(_ bytes: UnsafeRawBufferPointer, to address: [UInt8]?, flags: Int32, control: SocketControl) throws(Errno) -> Int {
        var target: UnixSocket? = nil
        if let address, !isConnectionOriented {
            target = try Self.target(address)
        } else if address != nil && isConnectionOriented {
            // Linux ignores the address on a connected stream socket … and refuses it when not
            // connected.
            if Self.lock.withLock({ state != .connected }) { throw .EOPNOTSUPP }
        }
        if !isStream && bytes.count > Self.receiveLimit { throw .EMSGSIZE }
        let nonblocking = Self.isNonblocking(flags)
        var done = 0
        var control = control
        if control.credentials == nil { control.credentials = (ownerPID, 0, 0) }
        while true {
            let result: Result<(UnixSocket, Int), Errno> = Self.lock.withLock {
                if writeShutdown { return .failure(.EPIPE) }
                guard let receiver = target ?? peer else {
                    if isConnectionOriented { return .failure(state == .connected ? .EPIPE : .ENOTCONN) }
                    return .failure(.EDESTADDRREQ)
                }
                if receiver.state == .closed || (isConnectionOriented && receiver.readShutdown) {
                    return .failure(isConnectionOriented ? .EPIPE : .ECONNREFUSED)
                }
                let room = Self.receiveLimit - receiver.queuedBytes
                let want = bytes.count - done
                if isStream {
                    if want == 0 { return .success((receiver, 0)) }
                    guard room > 0 else { return .success((receiver, -1)) }
                    let n = min(room, want)
                    receiver.enqueue(Array(UnsafeRawBufferPointer(rebasing: bytes[done..<(done + n)])), control: control, source: nil)
                    return .success((receiver, n))
                }
                guard room >= want || receiver.queue.isEmpty else { return .success((receiver, -1)) }
                receiver.enqueue(Array(bytes), control: control, source: name ?? Self.unnamed)
                return .success((receiver, want))
            }
            switch result {
            case .failure(let e):
                if done > 0 { return done }
                throw e
            case .success(let (receiver, n)):
                if n >= 0 {
                    if n > 0 || !isStream { receiver.pollHead.notify([.input, .readNormal]) }
                    done += max(n, 0)
                    control = SocketControl(credentials: control.credentials)
                    if !isStream || done == bytes.count { return isStream ? done : bytes.count }
                    continue
                }
                if done > 0 && nonblocking { return done }
                do throws(Errno) {
                    if nonblocking { throw .EAGAIN }
                    let deadline: UInt64? = sendTimeout == 0 ? nil : Clock.monotonic &+ sendTimeout
                    let need = isStream ? 1 : bytes.count
                    switch receiver.pollHead.waitInterruptibly(
                        until: { Self.lock.withLock { Self.receiveLimit - receiver.queuedBytes >= need || receiver.queue.isEmpty || receiver.state == .closed || writeShutdown } },
                        deadline: deadline)
                    {
                    case .ready: break
                    case .interrupted: throw sendTimeout == 0 ? .ERESTARTSYS : .EINTR
                    case .timedOut: throw .EAGAIN
                    }
                } catch {
                    if done > 0 { return done }
                    throw error
                }
            }
        }
    }

    /// Appends a record; under the lock.
    func enqueue(_ bytes: [UInt8], control: SocketControl, source: [UInt8]?) {
        queue.append(UnixRecord(bytes: bytes, control: control, source: source))
        queuedBytes += bytes.count
    }

    override func receive(into buffer: UnsafeMutableRawBufferPointer, flags: Int32, wantSource: Bool) throws(Errno) -> ReceivedMessage {
        let peek = flags & SocketConstants.MSG_PEEK != 0
        let waitAll = flags & SocketConstants.MSG_WAITALL != 0 && isStream && !peek
        let nonblocking = Self.isNonblocking(flags)
        var total = ReceivedMessage(count: 0, fullLength: 0)
        while true {
            let got: Result<ReceivedMessage, Errno>? = Self.lock.withLock {
                if queue.isEmpty {
                    if readShutdown || (isConnectionOriented && state != .connected && state != .listening && total.count == 0) {
                        return .success(ReceivedMessage(count: 0, fullLength: 0))
                    }
                    if isConnectionOriented && state == .idle { return .failure(.EINVAL) }
                    return nil
                }
                let rest = UnsafeMutableRawBufferPointer(rebasing: buffer[total.count...])
                return .success(isStream ? readStream(into: rest, peek: peek, first: total.count == 0) : readRecord(into: rest, peek: peek))
            }
            switch got {
            case .some(.failure(let e)):
                if total.count > 0 { return total }
                throw e
            case .some(.success(let m)):
                if !peek, let p = Self.lock.withLock({ peer }) { p.pollHead.notify([.output, .writeNormal]) }
                if !peek { pollHead.notify([.output, .writeNormal]) }
                if total.count == 0 {
                    total = m
                } else {
                    total.count += m.count
                    total.fullLength += m.fullLength
                }
                if !passCredentials { total.control.credentials = nil }
                if !wantSource { total.source = nil }
                if !waitAll || m.count == 0 || total.count == buffer.count || !m.control.rights.isEmpty { return total }
                continue
            case .none:
                break
            }
            do throws(Errno) {
                try wait(nonblocking: nonblocking || (total.count > 0 && !waitAll), timeout: receiveTimeout) {
                    !readiness().isDisjoint(with: [.input, .hangUp])
                }
            } catch {
                if total.count > 0 { return total }
                throw error
            }
        }
    }

    /// Stream semantics: bytes across records until one with ancillary data; under the lock.
    func readStream(into buffer: UnsafeMutableRawBufferPointer, peek: Bool, first: Bool) -> ReceivedMessage {
        var result = ReceivedMessage(count: 0, fullLength: 0)
        var index = 0
        var offsetInRecord = queue.isEmpty ? 0 : queue[0].consumed
        while index < queue.count && result.count < buffer.count {
            let record = queue[index]
            // Files travel with the first byte of their record, and a read never spans them.
            if (result.count > 0 || !first) && !record.control.rights.isEmpty { break }
            if result.count == 0 {
                result.control.rights = record.control.rights
                result.control.credentials = record.control.credentials
            }
            let start = index == 0 ? offsetInRecord : 0
            let n = min(buffer.count - result.count, record.bytes.count - start)
            record.bytes.withUnsafeBytes { src in
                (buffer.baseAddress! + result.count).copyMemory(from: src.baseAddress! + start, byteCount: n)
            }
            result.count += n
            if start + n == record.bytes.count {
                index += 1
                offsetInRecord = 0
            } else {
                offsetInRecord = start + n
                break
            }
        }
        result.fullLength = result.count
        if !peek {
            if index > 0 {
                for i in 0..<index { queuedBytes -= queue[i].bytes.count - (i == 0 ? queue[0].consumed : 0) }
                queue.removeFirst(index)
            }
            if !queue.isEmpty && offsetInRecord > 0 {
                queuedBytes -= offsetInRecord - queue[0].consumed
                queue[0].consumed = offsetInRecord
                if !result.control.rights.isEmpty { queue[0].control.rights = [] }
            }
        }
        return result
    }

    /// Datagram and seqpacket semantics: one record, truncated to the buffer; under the lock.
    func readRecord(into buffer: UnsafeMutableRawBufferPointer, peek: Bool) -> ReceivedMessage {
        let record = queue[0]
        let n = min(buffer.count, record.bytes.count)
        if n > 0 {
            record.bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
        }
        if !peek {
            queue.removeFirst()
            queuedBytes -= record.bytes.count
        }
        return ReceivedMessage(
            count: n, fullLength: record.bytes.count, source: record.source,
            control: peek ? SocketControl(credentials: record.control.credentials) : record.control)
    }

    override func bytesAvailable() throws(Errno) -> Int {
        Self.lock.withLock {
            if isStream { return queuedBytes }
            return queue.first?.bytes.count ?? 0
        }
    }

    // MARK: Options

    override func setFamilyOption(level: Int32, name: Int32, value: [UInt8]) throws(Errno) {
        guard level == SocketConstants.SOL_SOCKET else { throw .ENOPROTOOPT }
        switch name {
        case SocketConstants.SO_PASSCRED:
            passCredentials = try Self.intValue(value) != 0
        case SocketConstants.SO_SNDBUF, SocketConstants.SO_RCVBUF, 2, 15:  // buffers, SO_REUSEADDR/PORT
            _ = try Self.intValue(value)
        default:
            throw .ENOPROTOOPT
        }
    }

    override func familyOption(level: Int32, name: Int32) throws(Errno) -> [UInt8] {
        guard level == SocketConstants.SOL_SOCKET else { throw .ENOPROTOOPT }
        switch name {
        case SocketConstants.SO_PASSCRED: return Self.int(passCredentials ? 1 : 0)
        case SocketConstants.SO_PEERCRED:
            let c = Self.lock.withLock { peerCredentials }
            var w = StructWriter(size: 12)
            w.set(c.pid, at: 0)
            w.set(c.uid, at: 4)
            w.set(c.gid, at: 8)
            return w.bytes
        case SocketConstants.SO_SNDBUF, SocketConstants.SO_RCVBUF: return Self.int(Int32(Self.receiveLimit))
        case SocketConstants.SO_ERROR: return Self.int(0)
        case SocketConstants.SO_ACCEPTCONN: return Self.int(Self.lock.withLock { state == .listening } ? 1 : 0)
        case SocketConstants.SO_PROTOCOL: return Self.int(0)
        default: throw .ENOPROTOOPT
        }
    }
}

/// One message in a unix socket's receive queue.
struct UnixRecord {
    var bytes: [UInt8]
    /// Bytes of a stream record already read.
    var consumed = 0
    var control: SocketControl
    /// The sender's name, for datagrams.
    var source: [UInt8]?
}
#endif
