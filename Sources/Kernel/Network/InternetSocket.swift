#if SKIFF_KERNEL
import LinuxABI
import Net
import VFS

/// An AF_INET or AF_INET6 socket: TCP, UDP or ICMP echo ("ping") over Skiff's stack.
///
/// The stack is non-blocking; this class turns `wouldBlock` and `inProgress` into waits on
/// the node's poll head, which `Network` notifies when the stack reports a readiness change.
final class InternetSocket: SocketNode {
    let id: SocketID
    let domain: SocketDomain
    let kind: SocketType

    init(id: SocketID, domain: SocketDomain, kind: SocketType) {
        self.id = id
        self.domain = domain
        self.kind = kind
        super.init(family: domain.rawValue, type: kind.rawValue)
    }

    /// Creates the stack socket and its node (registered for wake-ups).
    static func make(family: Int32, type: Int32, protocol number: Int32) throws(Errno) -> InternetSocket {
        guard let domain = SocketDomain(rawValue: family) else { throw .EAFNOSUPPORT }
        guard let kind = SocketType(rawValue: type) else {
            throw type == SocketConstants.SOCK_RAW ? .EPERM : .ESOCKTNOSUPPORT
        }
        return try Self.errno { () throws(NetError) -> InternetSocket in
            try Network.perform { (stack) throws(NetError) -> InternetSocket in
                let id = try stack.socket(domain: domain, type: kind, protocol: number)
                let node = InternetSocket(id: id, domain: domain, kind: kind)
                Network.insertLocked(node)
                return node
            }
        }
    }

    /// Runs a stack operation, mapping its error to the errno it stands for.
    static func errno<R>(_ body: () throws(NetError) -> R) throws(Errno) -> R {
        do throws(NetError) { return try body() } catch { throw Errno(rawValue: error.rawValue) }
    }

    func call<R>(_ body: (NetworkStack) throws(NetError) -> R) throws(Errno) -> R {
        try Self.errno { () throws(NetError) -> R in try Network.perform(body) }
    }

    override func readiness() -> PollEvents {
        let r: Readiness
        do throws(NetError) {
            r = try Network.inspect { (stack) throws(NetError) -> Readiness in try stack.readiness(id) }
        } catch {
            return [.hangUp]
        }
        var events: PollEvents = []
        if r.contains(.readable) { events.formUnion([.input, .readNormal]) }
        if r.contains(.writable) { events.formUnion([.output, .writeNormal]) }
        if r.contains(.error) { events.insert(.error) }
        if r.contains(.hangUp) { events.insert(.hangUp) }
        if r.contains(.readHangUp) { events.insert(.readHangUp) }
        return events
    }

    /// Parses a sockaddr the way Linux's inet and inet6 layers check it: a length too short
    /// for the socket's own family is EINVAL, another family EAFNOSUPPORT. AF_INET sockets
    /// take an AF_UNSPEC wildcard (old programs bind that way); IPv6 datagram sockets take
    /// AF_INET destinations as IPv4-mapped addresses.
    func address(_ bytes: [UInt8]) throws(Errno) -> SocketAddress {
        guard bytes.count >= 2 else { throw .EINVAL }
        let family = Int32(bytes[0]) | Int32(bytes[1]) << 8
        var copy = bytes
        switch domain {
        case .inet:
            guard bytes.count >= SocketAddress.inetLength else { throw .EINVAL }
            if family == SocketConstants.AF_UNSPEC {
                copy[0] = UInt8(SocketConstants.AF_INET)
            } else if family != SocketConstants.AF_INET {
                throw .EAFNOSUPPORT
            }
        case .inet6:
            if family == SocketConstants.AF_INET && kind == .datagram {
                var a = try Self.errno { () throws(NetError) -> SocketAddress in try SocketAddress(sockaddr: bytes) }
                a.address = .v6(a.address.mappedToV6)
                return a
            }
            guard bytes.count >= 24 else { throw .EINVAL }
            guard family == SocketConstants.AF_INET6 else { throw .EAFNOSUPPORT }
        }
        return try Self.errno { () throws(NetError) -> SocketAddress in try SocketAddress(sockaddr: copy) }
    }

    // MARK: Connections

    override func bind(_ bytes: [UInt8]) throws(Errno) {
        let a = try address(bytes)
        try call { (stack) throws(NetError) in try stack.bind(id, to: a) }
    }

    override func listen(backlog: Int) throws(Errno) {
        try call { (stack) throws(NetError) in try stack.listen(id, backlog: backlog) }
    }

    override func connect(_ bytes: [UInt8]) throws(Errno) {
        let a = try address(bytes)
        do throws(Errno) {
            try call { (stack) throws(NetError) in try stack.connect(id, to: a) }
            return
        } catch {
            guard error == .EINPROGRESS else { throw error }
        }
        // A non-blocking connect, or one whose SO_SNDTIMEO ran out, goes on in the background.
        do throws(Errno) {
            try wait(nonblocking: IOContext.nonblocking, timeout: sendTimeout) {
                !readiness().isDisjoint(with: [.output, .error, .hangUp])
            }
        } catch {
            throw error == .EAGAIN ? .EINPROGRESS : error
        }
        let status = try call { (stack) throws(NetError) -> Int in try stack.getOption(id, .error) }
        if status != 0 { throw Errno(rawValue: status) }
    }

    override func accept() throws(Errno) -> (socket: SocketNode, peer: [UInt8]) {
        let flags: Int32 = IOContext.nonblocking ? SocketConstants.MSG_DONTWAIT : 0
        while true {
            do throws(Errno) {
                let (node, peer) = try call { (stack) throws(NetError) -> (InternetSocket, SocketAddress) in
                    let (child, peer) = try stack.accept(id)
                    let node = InternetSocket(id: child, domain: domain, kind: kind)
                    Network.insertLocked(node)
                    return (node, peer)
                }
                return (node, peer.sockaddr(for: domain))
            } catch {
                guard error == .EAGAIN else { throw error }
            }
            try wait(nonblocking: Self.isNonblocking(flags), timeout: receiveTimeout) {
                !readiness().isDisjoint(with: [.input, .error, .hangUp])
            }
        }
    }

    override func shutdown(_ how: Int32) throws(Errno) {
        guard let h = ShutdownHow(rawValue: how) else { throw .EINVAL }
        try call { (stack) throws(NetError) in try stack.shutdown(id, h) }
    }

    override func localName() throws(Errno) -> [UInt8] {
        try call { (stack) throws(NetError) -> SocketAddress in try stack.localAddress(id) }.sockaddr(for: domain)
    }

    override func peerName() throws(Errno) -> [UInt8] {
        try call { (stack) throws(NetError) -> SocketAddress in try stack.peerAddress(id) }.sockaddr(for: domain)
    }

    /// Closing: the stack finishes the connection in the background (FIN, TIME-WAIT), or
    /// resets it for SO_LINGER with a zero timeout. A lingering close with a timeout also
    /// returns at once here (Linux would wait for the acknowledgement); the data is still
    /// delivered.
    override func released(flags: OpenFlags) {
        _ = try? call { (stack) throws(NetError) in try stack.close(id) }
        Network.unregister(self)
    }

    // MARK: Data

    override func send(_ bytes: UnsafeRawBufferPointer, to target: [UInt8]?, flags: Int32, control: SocketControl) throws(Errno) -> Int {
        guard control.rights.isEmpty else { throw .EINVAL }
        let destination: SocketAddress? = try target.map { (b) throws(Errno) -> SocketAddress in try address(b) }
        let nonblocking = Self.isNonblocking(flags)
        var messageFlags: MessageFlags = []
        if flags & SocketConstants.MSG_MORE != 0 { messageFlags.insert(.more) }
        var done = 0
        while true {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[done...])
            do throws(Errno) {
                let n = try call { (stack) throws(NetError) -> Int in
                    try stack.send(id, rest, to: destination, flags: messageFlags)
                }
                done += n
                if kind == .datagram || done == bytes.count { return done }
            } catch {
                if error != .EAGAIN || done > 0 && nonblocking { return try partial(done, error) }
            }
            do throws(Errno) {
                try wait(nonblocking: nonblocking, timeout: sendTimeout) {
                    !readiness().isDisjoint(with: [.output, .error, .hangUp])
                }
            } catch {
                return try partial(done, error)
            }
        }
    }

    /// A stream call that moved some bytes reports them instead of the error that stopped it.
    func partial(_ done: Int, _ error: Errno) throws(Errno) -> Int {
        if done > 0 { return done }
        throw error
    }

    override func receive(into buffer: UnsafeMutableRawBufferPointer, flags: Int32, wantSource: Bool) throws(Errno) -> ReceivedMessage {
        let nonblocking = Self.isNonblocking(flags)
        var messageFlags: MessageFlags = []
        if flags & SocketConstants.MSG_PEEK != 0 { messageFlags.insert(.peek) }
        let waitAll = flags & SocketConstants.MSG_WAITALL != 0 && kind == .stream && !messageFlags.contains(.peek)
        var done = 0
        while true {
            let rest = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
            do throws(Errno) {
                let r = try call { (stack) throws(NetError) -> ReceiveResult in
                    try stack.receive(id, into: rest, flags: messageFlags)
                }
                if kind == .datagram {
                    return ReceivedMessage(count: r.count, fullLength: r.fullLength, source: r.source?.sockaddr(for: domain))
                }
                done += r.count
                if !waitAll || r.count == 0 || done == buffer.count {
                    return ReceivedMessage(count: done, fullLength: done)
                }
                continue
            } catch {
                if error != .EAGAIN { return ReceivedMessage(count: try partial(done, error), fullLength: done) }
            }
            do throws(Errno) {
                try wait(nonblocking: nonblocking, timeout: receiveTimeout) {
                    !readiness().isDisjoint(with: [.input, .error, .hangUp])
                }
            } catch {
                return ReceivedMessage(count: try partial(done, error), fullLength: done)
            }
        }
    }

    override func bytesAvailable() throws(Errno) -> Int {
        try call { (stack) throws(NetError) -> Int in try stack.bytesAvailable(id) }
    }

    func bytesUnsent() throws(Errno) -> Int {
        try call { (stack) throws(NetError) -> Int in try stack.bytesUnsent(id) }
    }

    // MARK: Options

    override func setFamilyOption(level: Int32, name: Int32, value: [UInt8]) throws(Errno) {
        if level == SocketConstants.SOL_SOCKET && name == SocketConstants.SO_LINGER {
            guard value.count >= 8 else { throw .EINVAL }
            let r = StructReader(value)
            let linger = Linger(enabled: r.get(Int32.self, at: 0) != 0, seconds: Int(max(0, r.get(Int32.self, at: 4))))
            try call { (stack) throws(NetError) in try stack.setLinger(id, linger) }
            return
        }
        guard let option = SocketOption(level: level, name: name) else { throw .ENOPROTOOPT }
        let v = try Self.intValue(value)
        try call { (stack) throws(NetError) in try stack.setOption(id, option, Int(v)) }
    }

    override func familyOption(level: Int32, name: Int32) throws(Errno) -> [UInt8] {
        if level == SocketConstants.SOL_SOCKET && name == SocketConstants.SO_LINGER {
            let l = try call { (stack) throws(NetError) -> Linger in try stack.getLinger(id) }
            var w = StructWriter(size: 8)
            w.set(Int32(l.enabled ? 1 : 0), at: 0)
            w.set(Int32(clamping: l.seconds), at: 4)
            return w.bytes
        }
        guard let option = SocketOption(level: level, name: name) else { throw .ENOPROTOOPT }
        let v = try call { (stack) throws(NetError) -> Int in try stack.getOption(id, option) }
        return Self.int(Int32(truncatingIfNeeded: v))
    }
}
#endif
