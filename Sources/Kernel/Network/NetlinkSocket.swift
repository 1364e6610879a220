#if SKIFF_KERNEL
import LinuxABI
import Net
import VFS

/// An AF_NETLINK socket of the NETLINK_ROUTE protocol, enough for `getifaddrs` and
/// `if_nameindex`: requests are answered at once from the network stack's interface list
/// (see `RouteNetlink`), and the replies wait in the socket as datagrams.
final class NetlinkSocket: SocketNode {
    static let NETLINK_ROUTE: Int32 = 0
    let lock = SpinLock()
    private var replies: [[UInt8]] = []
    /// The socket's port ID (`nl_pid`): the process ID unless bound to another.
    private var portID: UInt32 = 0

    static func make(type: Int32, protocol number: Int32) throws(Errno) -> NetlinkSocket {
        guard type == SocketConstants.SOCK_RAW || type == SocketConstants.SOCK_DGRAM else { throw .ESOCKTNOSUPPORT }
        guard number == NETLINK_ROUTE else { throw .EPROTONOSUPPORT }
        return NetlinkSocket(family: SocketConstants.AF_NETLINK, type: type)
    }

    /// `struct sockaddr_nl` for `portID`.
    static func address(_ portID: UInt32) -> [UInt8] {
        var w = StructWriter(size: 12)
        w.set(UInt16(SocketConstants.AF_NETLINK), at: 0)
        w.set(portID, at: 4)
        return w.bytes
    }

    override func bind(_ bytes: [UInt8]) throws(Errno) {
        guard bytes.count >= 12, StructReader(bytes).get(UInt16.self, at: 0) == UInt16(SocketConstants.AF_NETLINK) else {
            throw .EINVAL
        }
        let requested = StructReader(bytes).get(UInt32.self, at: 4)
        lock.withLock { portID = requested != 0 ? requested : UInt32(bitPattern: Scheduler.currentProcess.id) }
    }

    override func connect(_ bytes: [UInt8]) throws(Errno) {
        guard bytes.count >= 12 else { throw .EINVAL }
    }

    override func localName() throws(Errno) -> [UInt8] {
        Self.address(lock.withLock { portID })
    }

    override func peerName() throws(Errno) -> [UInt8] { Self.address(0) }

    override func readiness() -> PollEvents {
        lock.withLock { replies.isEmpty ? [.output, .writeNormal] : [.input, .readNormal, .output, .writeNormal] }
    }

    override func send(_ bytes: UnsafeRawBufferPointer, to address: [UInt8]?, flags: Int32, control: SocketControl) throws(Errno) -> Int {
        let port = lock.withLock { () -> UInt32 in
            if portID == 0 { portID = UInt32(bitPattern: Scheduler.currentProcess.id) }
            return portID
        }
        let answers = RouteNetlink.respond(
            to: Array(bytes), links: Network.describeLinks(), addresses: Network.describeAddresses(), portID: port)
        lock.withLock { replies += answers }
        if !answers.isEmpty { pollHead.notify([.input, .readNormal]) }
        return bytes.count
    }

    override func receive(into buffer: UnsafeMutableRawBufferPointer, flags: Int32, wantSource: Bool) throws(Errno) -> ReceivedMessage {
        let peek = flags & SocketConstants.MSG_PEEK != 0
        while true {
            let next: [UInt8]? = lock.withLock {
                guard !replies.isEmpty else { return nil }
                return peek ? replies[0] : replies.removeFirst()
            }
            if let next {
                let n = min(next.count, buffer.count)
                if n > 0 { next.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) } }
                return ReceivedMessage(count: n, fullLength: next.count, source: Self.address(0))
            }
            try wait(nonblocking: Self.isNonblocking(flags), timeout: receiveTimeout) {
                lock.withLock { !replies.isEmpty }
            }
        }
    }

    override func bytesAvailable() throws(Errno) -> Int { lock.withLock { replies.first?.count ?? 0 } }

    override func setFamilyOption(level: Int32, name: Int32, value: [UInt8]) throws(Errno) {
        // Buffer sizes and the NETLINK_* options (extended ACKs, strict checking) change nothing here.
        guard level == SocketConstants.SOL_SOCKET || level == 270 else { throw .ENOPROTOOPT }
    }
}
#endif
