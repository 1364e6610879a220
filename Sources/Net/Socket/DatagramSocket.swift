/// A UDP or ICMP echo socket: a bounded queue of received datagrams and an optional default
/// peer. Sending never waits — datagrams go straight to the interface (or to the neighbour
/// queue while the next hop is resolved) — so the socket is always writable.
final class DatagramSocket: SocketBase {
    struct Datagram {
        var source: SocketAddress
        var payload: [UInt8]
    }

    /// The `connect`ed peer (address unmapped); filters what is received.
    var remote: SocketAddress?
    private var queue: [Datagram] = []
    private var head = 0
    private(set) var queuedBytes = 0
    var receiveBufferSize: Int
    var sendBufferSize: Int
    var readShutdown = false
    var writeShutdown = false

    init(domain: SocketDomain, protocol: SocketProtocol, bufferSize: Int) {
        receiveBufferSize = bufferSize
        sendBufferSize = bufferSize
        super.init(domain: domain, protocol: `protocol`)
    }

    override var datagram: DatagramSocket? { self }

    var queuedCount: Int { queue.count &- head }
    var first: Datagram? { head < queue.count ? queue[head] : nil }

    /// Queues a datagram unless the buffer (or the count limit) is full.
    func enqueue(_ datagram: Datagram, countLimit: Int) -> Bool {
        guard queuedCount < countLimit,
            queuedBytes &+ datagram.payload.count <= receiveBufferSize || queuedCount == 0
        else { return false }
        queue.append(datagram)
        queuedBytes &+= datagram.payload.count
        return true
    }

    func dequeue() {
        guard head < queue.count else { return }
        queuedBytes &-= queue[head].payload.count
        head &+= 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head &* 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    func removeAll() {
        queue = []
        head = 0
        queuedBytes = 0
    }
}
