/// Sockets of one protocol by local port, for bind conflicts, listener lookup and datagram
/// delivery: 256 buckets by the port's low byte, each a short list.
struct PortIndex {
    private var buckets: [[SocketBase]] = Array(repeating: [], count: 256)

    func sockets(on port: UInt16) -> [SocketBase] {
        buckets[Int(port & 0xFF)].filter { $0.localPort == port }
    }

    func isUsed(_ port: UInt16) -> Bool {
        buckets[Int(port & 0xFF)].contains { $0.localPort == port }
    }

    mutating func insert(_ socket: SocketBase) {
        buckets[Int(socket.localPort & 0xFF)].append(socket)
        socket.inPortIndex = true
    }

    mutating func remove(_ socket: SocketBase) {
        let b = Int(socket.localPort & 0xFF)
        if let i = buckets[b].firstIndex(where: { $0 === socket }) { buckets[b].remove(at: i) }
        socket.inPortIndex = false
    }
}
