/// The socket calls the syscall layer maps `socket`, `bind`, `listen`, `accept`, `connect`,
/// `send*`, `recv*`, `shutdown`, `close`, `getsockname`, `getpeername` and `*sockopt` onto.
/// All are non-blocking; `wouldBlock` and `inProgress` tell the kernel to wait for readiness.
extension NetworkStack {
    // MARK: Creating and looking up

    /// `socket(domain, type, protocol)`: `protocol` 0 picks TCP for streams and UDP for
    /// datagrams; `IPPROTO_ICMP`/`IPPROTO_ICMPV6` with datagrams makes a ping socket.
    public func socket(domain: SocketDomain, type: SocketType, protocol number: Int32 = 0) throws(NetError) -> SocketID {
        let socket: SocketBase
        switch (type, number) {
        case (.stream, 0), (.stream, 6):
            socket = TCPSocket(domain: domain, configuration: configuration.tcp)
        case (.datagram, 0), (.datagram, 17):
            socket = DatagramSocket(domain: domain, protocol: .udp, bufferSize: configuration.datagramBufferSize)
        case (.datagram, 1) where domain == .inet, (.datagram, 58) where domain == .inet6:
            socket = DatagramSocket(domain: domain, protocol: .icmpEcho, bufferSize: configuration.datagramBufferSize)
        default:
            throw .protocolNotSupported
        }
        return sockets.insert(socket)
    }

    /// The application's socket behind `id`.
    func userSocket(_ id: SocketID) throws(NetError) -> SocketBase {
        guard let s = sockets.lookup(id), s.userOwned else { throw .badSocket }
        return s
    }

    func portIndex(for p: SocketProtocol) -> PortIndex {
        switch p {
        case .tcp: tcpPorts
        case .udp: udpPorts
        case .icmpEcho: icmpPorts
        }
    }

    func addToPortIndex(_ s: SocketBase) {
        switch s.socketProtocol {
        case .tcp: tcpPorts.insert(s)
        case .udp: udpPorts.insert(s)
        case .icmpEcho: icmpPorts.insert(s)
        }
    }

    func removeFromPortIndex(_ s: SocketBase) {
        guard s.inPortIndex else { return }
        switch s.socketProtocol {
        case .tcp: tcpPorts.remove(s)
        case .udp: udpPorts.remove(s)
        case .icmpEcho: icmpPorts.remove(s)
        }
    }

    /// The address as this socket understands it: unmapped, checked against the family.
    func normalize(_ address: SocketAddress, for s: SocketBase) throws(NetError) -> IPAddress {
        switch (s.domain, address.address) {
        case (.inet, .v4(let a)): return .v4(a)
        case (.inet, .v6): throw .addressFamilyNotSupported
        case (.inet6, .v4): throw .addressFamilyNotSupported
        case (.inet6, .v6(let a)):
            if let v4 = a.ipv4Mapped {
                if s.v6Only { throw .invalidArgument }
                return .v4(v4)
            }
            return .v6(a)
        }
    }

    // MARK: Binding

    /// Families a binding covers: `(v4, v6)`.
    private func coverage(_ address: IPAddress, domain: SocketDomain, v6Only: Bool) -> (Bool, Bool) {
        switch domain {
        case .inet: return (true, false)
        case .inet6:
            if address.isV4 { return (true, false) }
            if address.isUnspecified { return (!v6Only, true) }
            return (false, true)
        }
    }

    /// Whether `s` binding `address:port` collides with an existing binding (Linux rules for
    /// `SO_REUSEADDR` and `SO_REUSEPORT`).
    func bindConflict(_ s: SocketBase, address: IPAddress, port: UInt16) -> Bool {
        let mine = coverage(address, domain: s.domain, v6Only: s.v6Only)
        for other in portIndex(for: s.socketProtocol).sockets(on: port) where other !== s {
            let theirs = coverage(other.localAddress, domain: other.domain, v6Only: other.v6Only)
            let sharedV4 = mine.0 && theirs.0
            let sharedV6 = mine.1 && theirs.1
            guard sharedV4 || sharedV6 else { continue }
            if !address.isUnspecified && !other.localAddress.isUnspecified && address != other.localAddress { continue }
            if s.reusePort && other.reusePort { continue }
            if let t = other.tcp {
                // TIME-WAIT and closing orphans yield to SO_REUSEADDR; so does any binding
                // that also set it, unless one of the two listens.
                let lingering = t.state == .timeWait || !t.userOwned
                if s.reuseAddress && t.state != .listen && (t.reuseAddress || lingering) {
                    continue
                }
            } else if s.reuseAddress && other.reuseAddress {
                continue
            }
            return true
        }
        return false
    }

    /// A free ephemeral port for `s` at `address`, starting from a random point in the range.
    func ephemeralPort(for s: SocketBase, address: IPAddress) -> UInt16? {
        let range = configuration.ephemeralPorts
        let span = UInt64(range.upperBound &- range.lowerBound) &+ 1
        var offset = random.next(below: span)
        for _ in 0..<span {
            let port = range.lowerBound &+ UInt16(truncatingIfNeeded: offset)
            if !portIndex(for: s.socketProtocol).isUsed(port) && !bindConflict(s, address: address, port: port) {
                return port
            }
            offset = (offset &+ 1) % span
        }
        return nil
    }

    /// `bind`. Port 0 picks an ephemeral port; the address must be a wildcard or local.
    public func bind(_ id: SocketID, to address: SocketAddress) throws(NetError) {
        let s = try userSocket(id)
        guard s.localPort == 0 else { throw .invalidArgument }
        let local = try normalize(address, for: s)
        if !local.isUnspecified && !isLocalAddress(local) { throw .addressNotAvailable }
        var port = address.port
        if port == 0 {
            if s.socketProtocol == .icmpEcho {
                guard let p = freeEchoIdentifier() else { throw .addressInUse }
                port = p
            } else {
                guard let p = ephemeralPort(for: s, address: local) else { throw .addressInUse }
                port = p
            }
        } else if bindConflict(s, address: local, port: port) {
            throw .addressInUse
        }
        s.localAddress = local
        s.localPort = port
        s.explicitlyBound = true
        addToPortIndex(s)
    }

    /// Binds an unbound socket to the wildcard and an ephemeral port (for `listen`, `sendto`).
    func autobind(_ s: SocketBase) throws(NetError) {
        guard s.localPort == 0 else { return }
        if s.socketProtocol == .icmpEcho {
            guard let p = freeEchoIdentifier() else { throw .addressNotAvailable }
            s.localPort = p
        } else {
            guard let p = ephemeralPort(for: s, address: s.localAddress) else { throw .addressNotAvailable }
            s.localPort = p
        }
        addToPortIndex(s)
    }

    func freeEchoIdentifier() -> UInt16? {
        var candidate = UInt16(truncatingIfNeeded: random.next())
        for _ in 0..<65536 {
            if candidate != 0 && !icmpPorts.isUsed(candidate) { return candidate }
            candidate &+= 1
        }
        return nil
    }

    /// `getsockname`: the wildcard and port 0 for an unbound socket.
    public func localAddress(_ id: SocketID) throws(NetError) -> SocketAddress {
        let s = try userSocket(id)
        return s.presented(s.localAddress, port: s.localPort)
    }

    /// `getpeername`.
    public func peerAddress(_ id: SocketID) throws(NetError) -> SocketAddress {
        let s = try userSocket(id)
        if let t = s.tcp {
            guard t.state.isSynchronized || t.state == .synReceived else { throw .notConnected }
            var p = t.presented(t.remoteAddress, port: t.remotePort)
            p.scopeID = t.scopeID
            return p
        }
        guard let peer = s.datagram?.remote else { throw .notConnected }
        var p = s.presented(peer.address, port: peer.port)
        p.scopeID = peer.scopeID
        return p
    }

    // MARK: Connecting

    /// `listen`. An unbound socket gets an ephemeral port. At most `backlog + 1` established
    /// connections wait for `accept` (Linux's rule); further SYNs are dropped so clients retry.
    public func listen(_ id: SocketID, backlog: Int) throws(NetError) {
        let s = try userSocket(id)
        guard let t = s.tcp else { throw .operationNotSupported }
        guard t.state == .closed || t.state == .listen, !t.isActiveOpen else { throw .invalidArgument }
        if t.state == .listen {
            t.backlog = Swift.max(0, Swift.min(backlog, configuration.tcp.maximumBacklog))
            return
        }
        if t.localPort == 0 {
            try autobind(t)
        } else if bindConflict(t, address: t.localAddress, port: t.localPort) {
            throw .addressInUse
        }
        t.backlog = Swift.max(0, Swift.min(backlog, configuration.tcp.maximumBacklog))
        t.state = .listen
        notify(t)
    }

    /// `accept`: the next established connection and its peer; `wouldBlock` when none waits.
    public func accept(_ id: SocketID) throws(NetError) -> (SocketID, SocketAddress) {
        let s = try userSocket(id)
        guard let t = s.tcp, t.state == .listen else { throw .invalidArgument }
        guard !t.acceptQueue.isEmpty else { throw .wouldBlock }
        let child = t.acceptQueue.removeFirst()
        child.listener = nil
        child.userOwned = true
        notify(child)
        var peer = child.presented(child.remoteAddress, port: child.remotePort)
        peer.scopeID = child.scopeID
        return (child.id, peer)
    }

    /// `connect`. For TCP it starts the handshake and throws `inProgress`; readiness turns
    /// writable when it completes, or error (with `SO_ERROR` set) when it fails. For datagram
    /// sockets it sets the default peer and returns.
    public func connect(_ id: SocketID, to address: SocketAddress) throws(NetError) {
        let s = try userSocket(id)
        var remote = try normalize(address, for: s)
        if remote.isUnspecified { remote = remote.isV4 ? .v4(.loopback) : .v6(.loopback) }
        if let d = s.datagram {
            guard let decision = route(to: remote, source: d.localAddress, scopeID: address.scopeID) else {
                throw .networkUnreachable
            }
            if d.localPort == 0 { try autobind(d) }
            if d.localAddress.isUnspecified && !d.explicitlyBound {
                // Linux fixes the source address on connect, as getsockname then shows.
                d.localAddress = decision.source
            }
            d.remote = SocketAddress(remote, port: address.port, scopeID: address.scopeID)
            d.pendingError = nil
            return
        }
        guard let t = s.tcp else { throw .operationNotSupported }
        switch t.state {
        case .listen: throw .alreadyConnected
        case .synSent, .synReceived: throw .alreadyInProgress
        case .closed:
            if let error = t.pendingError {
                t.pendingError = nil
                throw error
            }
            if t.wasConnected { throw .alreadyConnected }
        default: throw .alreadyConnected
        }
        guard address.port != 0 else { throw .connectionRefused }
        guard let decision = route(to: remote, source: t.localAddress, scopeID: address.scopeID) else {
            throw .networkUnreachable
        }
        let local = t.localAddress.isUnspecified ? decision.source : t.localAddress
        if t.localPort == 0 {
            guard let port = ephemeralPort(for: t, address: local) else { throw .addressNotAvailable }
            t.localPort = port
            addToPortIndex(t)
        }
        let key = ConnectionKey(localAddress: local, localPort: t.localPort, remoteAddress: remote, remotePort: address.port)
        if let existing = connections.lookup(key), existing !== t {
            if existing.state == .timeWait && t.reuseAddress {
                releaseTCP(existing)
            } else {
                throw .addressNotAvailable
            }
        }
        t.localAddress = local
        t.remoteAddress = remote
        t.remotePort = address.port
        t.scopeID = remote.mappedToV6.isLinkLocal ? decision.interface.id.rawValue : 0
        t.isActiveOpen = true
        t.pendingError = nil
        tcpOpenActive(t, key: key, route: decision)
        throw .inProgress
    }

    // MARK: Data

    /// `send`/`sendto`: queues up to `bytes.count` bytes and returns how many were taken (TCP
    /// may take fewer when the send buffer is nearly full), or sends one datagram.
    public func send(
        _ id: SocketID, _ bytes: UnsafeRawBufferPointer, to destination: SocketAddress? = nil, flags: MessageFlags = []
    ) throws(NetError) -> Int {
        let s = try userSocket(id)
        if let t = s.tcp { return try tcpSend(t, bytes, flags: flags) }
        guard let d = s.datagram else { throw .operationNotSupported }
        if let error = d.pendingError {
            d.pendingError = nil
            throw error
        }
        guard !d.writeShutdown else { throw .brokenPipe }
        let target: IPAddress
        let port: UInt16
        let scope: UInt32
        if let destination {
            target = try normalize(destination, for: d)
            port = destination.port
            scope = destination.scopeID
        } else {
            guard let peer = d.remote else { throw .destinationAddressRequired }
            target = peer.address
            port = peer.port
            scope = peer.scopeID
        }
        if d.socketProtocol == .udp && port == 0 { throw .invalidArgument }
        if case .v4(let a) = target, a.isBroadcast || isSubnetBroadcast(a), !d.broadcast { throw .permissionDenied }
        guard let decision = route(to: target, source: d.localAddress, scopeID: scope) else { throw .networkUnreachable }
        if d.localPort == 0 { try autobind(d) }
        if d.socketProtocol == .icmpEcho {
            try sendEchoRequest(bytes, route: decision, identifier: d.localPort, destination: target, hopLimit: d.hopLimit)
        } else {
            try sendUDP(
                bytes, route: decision, sourcePort: d.localPort, destination: target, destinationPort: port,
                hopLimit: d.hopLimit)
        }
        flushLoopback()
        return bytes.count
    }

    /// Convenience for tests and kernel code holding arrays.
    @discardableResult
    public func send(_ id: SocketID, _ bytes: [UInt8], to destination: SocketAddress? = nil, flags: MessageFlags = []) throws(NetError) -> Int {
        var result: Result<Int, NetError> = .success(0)
        bytes.withUnsafeBytes { buffer in
            do throws(NetError) {
                result = .success(try send(id, buffer, to: destination, flags: flags))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    func isSubnetBroadcast(_ a: IPv4Address) -> Bool {
        interfaces.contains { i in i.ipv4Addresses.contains { $0.broadcast == a && $0.prefixLength < 31 } }
    }

    /// `recv`/`recvfrom`: copies received bytes into `buffer`. TCP reports the end of the
    /// stream as a zero count; datagram sockets return one datagram (truncated to the buffer,
    /// with its full length) and its source. `wouldBlock` when nothing is there yet.
    public func receive(_ id: SocketID, into buffer: UnsafeMutableRawBufferPointer, flags: MessageFlags = []) throws(NetError) -> ReceiveResult {
        let s = try userSocket(id)
        if let t = s.tcp {
            let n = try tcpReceive(t, into: buffer, peek: flags.contains(.peek))
            return ReceiveResult(count: n, fullLength: n, source: nil)
        }
        guard let d = s.datagram else { throw .operationNotSupported }
        guard let first = d.first else {
            if let error = d.pendingError {
                d.pendingError = nil
                throw error
            }
            if d.readShutdown { return ReceiveResult(count: 0, fullLength: 0, source: nil) }
            throw .wouldBlock
        }
        let n = Swift.min(buffer.count, first.payload.count)
        if n > 0 {
            first.payload.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
        }
        if !flags.contains(.peek) { d.dequeue() }
        return ReceiveResult(count: n, fullLength: first.payload.count, source: first.source)
    }

    /// Convenience: receives up to `maxCount` bytes as an array.
    public func receive(_ id: SocketID, maxCount: Int, flags: MessageFlags = []) throws(NetError) -> [UInt8] {
        try receiveFrom(id, maxCount: maxCount, flags: flags).bytes
    }

    /// Convenience: receives up to `maxCount` bytes and the datagram's source.
    public func receiveFrom(_ id: SocketID, maxCount: Int, flags: MessageFlags = []) throws(NetError) -> (bytes: [UInt8], source: SocketAddress?) {
        var bytes = [UInt8](repeating: 0, count: Swift.max(0, maxCount))
        var result: Result<ReceiveResult, NetError> = .failure(.wouldBlock)
        bytes.withUnsafeMutableBytes { buffer in
            do throws(NetError) {
                result = .success(try receive(id, into: buffer, flags: flags))
            } catch {
                result = .failure(error)
            }
        }
        let r = try result.get()
        bytes.removeLast(bytes.count &- r.count)
        return (bytes, r.source)
    }

    // MARK: Ending

    /// `shutdown`.
    public func shutdown(_ id: SocketID, _ how: ShutdownHow) throws(NetError) {
        let s = try userSocket(id)
        if let d = s.datagram {
            guard d.remote != nil else { throw .notConnected }
            if how != .write { d.readShutdown = true }
            if how != .read { d.writeShutdown = true }
            notify(d)
            return
        }
        guard let t = s.tcp else { return }
        switch t.state {
        case .closed, .synSent: throw .notConnected
        case .listen:
            if how != .write { tcpCloseListener(t) }
            return
        default: break
        }
        if how != .write {
            t.readShutdown = true
        }
        if how != .read { tcpQueueFIN(t) }
        notify(t)
        flushLoopback()
    }

    /// `close`: the ID becomes invalid at once. A TCP connection closes gracefully in the
    /// background (FIN, then FIN-WAIT/TIME-WAIT), or is reset when `SO_LINGER` is on with a
    /// zero timeout or unread data remains (as Linux does, RFC 2525 §2.17). A lingering close
    /// with a timeout is also done in the background; the kernel may wait for it via
    /// ``tcpState(_:)`` before releasing the file.
    public func close(_ id: SocketID) throws(NetError) {
        let s = try userSocket(id)
        s.userOwned = false
        s.readinessQueued = false
        if let d = s.datagram {
            d.removeAll()
            release(d)
            return
        }
        guard let t = s.tcp else { return }
        switch t.state {
        case .listen:
            tcpCloseListener(t)
            releaseTCP(t)
        case .closed, .synSent:
            releaseTCP(t)
        case .synReceived, .established, .closeWait, .finWait1, .finWait2, .closing, .lastAck:
            if (t.linger?.enabled == true && t.linger?.seconds == 0) || !t.receiveBuffer.isEmpty {
                tcpAbort(t, error: nil, sendReset: true)
                releaseTCP(t)
            } else {
                t.readShutdown = true
                t.receiveBuffer.removeAll()  // empty; its storage goes with the owner
                tcpQueueFIN(t)
                if t.state == .finWait2 { t.closeDeadline = now &+ configuration.tcp.finWait2Timeout }
            }
        case .timeWait:
            break
        }
        flushLoopback()
    }

    /// Removes a socket from every table.
    func release(_ s: SocketBase) {
        removeFromPortIndex(s)
        sockets.remove(s)
    }

    // MARK: State

    /// Poll-style readiness of a socket.
    public func readiness(_ id: SocketID) throws(NetError) -> Readiness {
        let s = try userSocket(id)
        var r: Readiness = []
        if s.pendingError != nil { r.insert(.error) }
        if let d = s.datagram {
            if d.queuedCount > 0 || d.readShutdown { r.insert(.readable) }
            if d.readShutdown { r.insert(.readHangUp) }
            if d.readShutdown && d.writeShutdown { r.insert(.hangUp) }
            if !d.writeShutdown { r.insert(.writable) }
            return r
        }
        guard let t = s.tcp else { return r }
        if t.state == .listen {
            if !t.acceptQueue.isEmpty { r.insert(.readable) }
            return r
        }
        let ended = t.state == .closed && t.wasConnectedOrTried
        let receiveShut = t.readShutdown || t.finReceived || ended
        let sendShut = t.finQueued || ended
        if (receiveShut && sendShut) || t.state == .closed { r.insert(.hangUp) }
        if receiveShut { r.formUnion([.readable, .readHangUp]) }
        if t.state != .synSent && t.state != .synReceived {
            if t.hasReadableData { r.insert(.readable) }
            if !sendShut {
                if t.hasSendSpace { r.insert(.writable) }
            } else {
                r.insert(.writable)
            }
        }
        return r
    }

    /// The TCP state of a stream socket.
    public func tcpState(_ id: SocketID) throws(NetError) -> TCPState {
        guard let t = try userSocket(id).tcp else { throw .operationNotSupported }
        return t.state
    }

    /// Bytes waiting to be read (`FIONREAD`): the stream's buffered bytes, or the size of the
    /// next datagram.
    public func bytesAvailable(_ id: SocketID) throws(NetError) -> Int {
        let s = try userSocket(id)
        if let t = s.tcp { return t.receiveBuffer.count }
        return s.datagram?.first?.payload.count ?? 0
    }

    /// Bytes queued but not yet acknowledged (`TIOCOUTQ`/`SIOCOUTQ`).
    public func bytesUnsent(_ id: SocketID) throws(NetError) -> Int {
        try userSocket(id).tcp?.sendBuffer.count ?? 0
    }
}
