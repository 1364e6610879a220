#if SKIFF_KERNEL
import LinuxABI
import VFS

/// Ancillary data a message carries (`sendmsg`/`recvmsg` control messages).
struct SocketControl {
    /// SCM_RIGHTS: open files passed to the receiver, which gets new descriptors for them.
    var rights: [OpenFile] = []
    /// SCM_CREDENTIALS: pid, uid, gid of the sender.
    var credentials: (pid: Int32, uid: UInt32, gid: UInt32)? = nil

    var isEmpty: Bool { rights.isEmpty && credentials == nil }
}

/// What one `recvmsg` got.
struct ReceivedMessage {
    var count: Int
    /// The datagram's length before truncation (for MSG_TRUNC).
    var fullLength: Int
    /// The sender's address as a sockaddr, when the socket type reports one.
    var source: [UInt8]? = nil
    var control = SocketControl()
}

/// An open socket: the VFS node behind a socket descriptor. Subclasses are the families —
/// `InternetSocket` (TCP, UDP, ping over the Swift stack), `UnixSocket`, `NetlinkSocket` —
/// and the socket system calls in Syscalls+Sockets.swift parse the application's structures
/// and call these methods. Errors are Linux errno values.
///
/// `read`/`write` on the descriptor are `recv`/`send` without flags.
class SocketNode: PollableNode {
    let family: Int32
    let socketType: Int32
    /// SO_RCVTIMEO and SO_SNDTIMEO in nanoseconds; 0 waits forever.
    var receiveTimeout: UInt64 = 0
    var sendTimeout: UInt64 = 0
    let inode: UInt64
    /// Options accepted without effect (IP_TOS and the like), kept so `getsockopt` returns what
    /// was set.
    var inertOptions: [(level: Int32, name: Int32, value: [UInt8])] = []

    init(family: Int32, type: Int32) {
        self.family = family
        socketType = type
        inode = AnonymousNode.nextInode
        AnonymousNode.nextInode &+= 1
        super.init(type: .socket)
    }

    override var isSeekable: Bool { false }

    override func attributes() throws(Errno) -> FileAttributes {
        AnonymousNode.kernelObjectAttributes(type: .socket, permissions: 0o777, inode: inode, deviceMinor: 8)
    }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try receive(into: buffer, flags: 0, wantSource: false).count
    }

    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        (try send(buffer, to: nil, flags: 0, control: SocketControl()), 0)
    }

    // MARK: Operations (overridden by the families)

    func bind(_ address: [UInt8]) throws(Errno) { throw .EOPNOTSUPP }
    func connect(_ address: [UInt8]) throws(Errno) { throw .EOPNOTSUPP }
    func listen(backlog: Int) throws(Errno) { throw .EOPNOTSUPP }
    /// A new connection; the caller installs its descriptor.
    func accept() throws(Errno) -> (socket: SocketNode, peer: [UInt8]) { throw .EOPNOTSUPP }
    func send(_ bytes: UnsafeRawBufferPointer, to address: [UInt8]?, flags: Int32, control: SocketControl) throws(Errno) -> Int {
        throw .EOPNOTSUPP
    }
    func receive(into buffer: UnsafeMutableRawBufferPointer, flags: Int32, wantSource: Bool) throws(Errno) -> ReceivedMessage {
        throw .EOPNOTSUPP
    }
    func shutdown(_ how: Int32) throws(Errno) { throw .EOPNOTSUPP }
    func localName() throws(Errno) -> [UInt8] { throw .EOPNOTSUPP }
    func peerName() throws(Errno) -> [UInt8] { throw .EOPNOTSUPP }
    /// Options of the family; the base handles SO_TYPE, SO_DOMAIN, SO_RCVTIMEO/SNDTIMEO.
    func setFamilyOption(level: Int32, name: Int32, value: [UInt8]) throws(Errno) { throw .ENOPROTOOPT }
    func familyOption(level: Int32, name: Int32) throws(Errno) -> [UInt8] { throw .ENOPROTOOPT }
    /// FIONREAD.
    func bytesAvailable() throws(Errno) -> Int { 0 }

    // MARK: Options

    func setOption(level: Int32, name: Int32, value: [UInt8]) throws(Errno) {
        if level == SocketConstants.SOL_SOCKET && (name == SocketConstants.SO_RCVTIMEO || name == SocketConstants.SO_SNDTIMEO) {
            guard value.count >= 16 else { throw .EINVAL }
            let r = StructReader(value)
            let seconds = r.get(Int64.self, at: 0)
            let micros = r.get(Int64.self, at: 8)
            guard micros >= 0, micros < 1_000_000 else { throw .EDOM }
            // Linux treats a negative timeout as none.
            let ns = seconds < 0 ? 0 : UInt64(min(seconds, 1 << 32)) &* 1_000_000_000 &+ UInt64(micros) &* 1000
            if name == SocketConstants.SO_RCVTIMEO { receiveTimeout = ns } else { sendTimeout = ns }
            return
        }
        do throws(Errno) {
            try setFamilyOption(level: level, name: name, value: value)
        } catch {
            guard error == .ENOPROTOOPT, Self.isInert(level: level, name: name) else { throw error }
            inertOptions.removeAll { $0.level == level && $0.name == name }
            inertOptions.append((level, name, value))
        }
    }

    func option(level: Int32, name: Int32) throws(Errno) -> [UInt8] {
        if level == SocketConstants.SOL_SOCKET {
            switch name {
            case SocketConstants.SO_TYPE: return Self.int(socketType)
            case SocketConstants.SO_DOMAIN: return Self.int(family)
            case SocketConstants.SO_RCVTIMEO, SocketConstants.SO_SNDTIMEO:
                let ns = name == SocketConstants.SO_RCVTIMEO ? receiveTimeout : sendTimeout
                var w = StructWriter(size: 16)
                w.set(Int64(ns / 1_000_000_000), at: 0)
                w.set(Int64(ns % 1_000_000_000 / 1000), at: 8)
                return w.bytes
            default: break
            }
        }
        do throws(Errno) {
            return try familyOption(level: level, name: name)
        } catch {
            guard error == .ENOPROTOOPT else { throw error }
            if let o = inertOptions.first(where: { $0.level == level && $0.name == name }) { return o.value }
            if Self.isInert(level: level, name: name) { return Self.int(0) }
            throw error
        }
    }

    /// Options that only tune behaviour Skiff does not have (priorities, TOS marks, timestamps,
    /// TCP tweaks): accepted so servers that set them start, and logged once.
    static func isInert(level: Int32, name: Int32) -> Bool {
        switch (level, name) {
        case (1, 10), (1, 12), (1, 29), (1, 35), (1, 36), (1, 37), (1, 16):
            // SO_OOBINLINE, SO_PRIORITY, SO_TIMESTAMP, SO_TIMESTAMPNS, SO_MARK, SO_TIMESTAMPING, SO_PASSCRED
            return true
        case (0, 1), (0, 8), (0, 11), (0, 10):  // IP_TOS, IP_PKTINFO, IP_RECVERR, IP_MTU_DISCOVER
            return true
        case (41, 67), (41, 49), (41, 25), (41, 23):  // IPV6_TCLASS, IPV6_RECVPKTINFO, IPV6_RECVERR, IPV6_MTU_DISCOVER
            return true
        case (6, 9), (6, 12), (6, 18), (6, 23), (6, 13):
            // TCP_DEFER_ACCEPT, TCP_QUICKACK, TCP_USER_TIMEOUT, TCP_FASTOPEN, TCP_CONGESTION
            return true
        default:
            return false
        }
    }

    static func int(_ v: Int32) -> [UInt8] {
        var w = StructWriter(size: 4)
        w.set(v, at: 0)
        return w.bytes
    }

    static func intValue(_ value: [UInt8]) throws(Errno) -> Int32 {
        guard value.count >= 4 else { throw .EINVAL }
        return StructReader(value).get(Int32.self, at: 0)
    }

    // MARK: Waiting

    /// Sleeps until `ready()` or the timeout; EAGAIN for a non-blocking call or on timeout,
    /// ERESTARTSYS (EINTR when a timeout is set, as Linux) on a signal.
    func wait(nonblocking: Bool, timeout: UInt64, until ready: () -> Bool) throws(Errno) {
        if nonblocking { throw .EAGAIN }
        let deadline: UInt64? = timeout == 0 ? nil : Clock.monotonic &+ timeout
        switch pollHead.waitInterruptibly(until: ready, deadline: deadline) {
        case .ready: return
        case .interrupted: throw timeout == 0 ? .ERESTARTSYS : .EINTR
        case .timedOut: throw .EAGAIN
        }
    }

    static func isNonblocking(_ flags: Int32) -> Bool {
        flags & SocketConstants.MSG_DONTWAIT != 0 || IOContext.nonblocking
    }
}
#endif
