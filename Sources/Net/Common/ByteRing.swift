/// A FIFO of bytes with a byte limit: the send and receive buffers of stream sockets.
///
/// Storage grows by doubling up to `limit` as data arrives, so an idle socket with a large
/// `SO_RCVBUF` costs nothing. Reads can start at an offset without consuming, which is how TCP
/// retransmits from its send buffer: bytes stay until acknowledged.
struct ByteRing {
    private var storage: [UInt8] = []
    private var head = 0
    private(set) var count = 0
    /// The most bytes the ring holds; lowering it below `count` only stops further appends.
    var limit: Int

    init(limit: Int) { self.limit = limit }

    var isEmpty: Bool { count == 0 }
    /// Bytes of storage held (0 until the first append and after `removeAll`).
    var storageBytes: Int { storage.count }
    var freeSpace: Int { Swift.max(0, limit &- count) }

    private mutating func reserve(_ needed: Int) {
        guard needed > storage.count else { return }
        var capacity = Swift.max(storage.count, 2048)
        while capacity < needed { capacity &*= 2 }
        var grown = [UInt8](repeating: 0, count: capacity)
        if count > 0 {
            grown.withUnsafeMutableBytes { to in
                readRaw(from: 0, count: count, into: to.baseAddress!)
            }
        }
        storage = grown
        head = 0
    }

    /// Appends as much of `source` as fits under the limit; returns how much that was.
    @discardableResult
    mutating func append(_ source: UnsafeRawBufferPointer) -> Int {
        let n = Swift.min(source.count, freeSpace)
        guard n > 0, let from = source.baseAddress else { return 0 }
        reserve(count &+ n)
        let capacity = storage.count
        let tail = (head &+ count) % capacity
        let first = Swift.min(n, capacity &- tail)
        storage.withUnsafeMutableBytes { to in
            (to.baseAddress! + tail).copyMemory(from: from, byteCount: first)
            if first < n { to.baseAddress!.copyMemory(from: from + first, byteCount: n &- first) }
        }
        count &+= n
        return n
    }

    mutating func append(_ view: PacketView) -> Int { view.withBytes { append($0) } }

    /// Copies `length` bytes starting `offset` bytes after the head to `destination`.
    func readRaw(from offset: Int, count length: Int, into destination: UnsafeMutableRawPointer) {
        guard length > 0 else { return }
        let capacity = storage.count
        let begin = (head &+ offset) % capacity
        let first = Swift.min(length, capacity &- begin)
        storage.withUnsafeBytes { from in
            destination.copyMemory(from: from.baseAddress! + begin, byteCount: first)
            if first < length { (destination + first).copyMemory(from: from.baseAddress!, byteCount: length &- first) }
        }
    }

    /// Copies up to `destination.count` bytes from `offset` on without consuming them.
    func peek(from offset: Int, into destination: UnsafeMutableRawBufferPointer) -> Int {
        let n = Swift.min(destination.count, Swift.max(0, count &- offset))
        if n > 0 { readRaw(from: offset, count: n, into: destination.baseAddress!) }
        return n
    }

    /// `length` bytes from `offset` on as an array (clamped to what is there).
    func bytes(from offset: Int, count length: Int) -> [UInt8] {
        let n = Swift.min(length, Swift.max(0, count &- offset))
        guard n > 0 else { return [] }
        var result = [UInt8](repeating: 0, count: n)
        result.withUnsafeMutableBytes { readRaw(from: offset, count: n, into: $0.baseAddress!) }
        return result
    }

    /// Drops up to `length` bytes from the head.
    mutating func discard(_ length: Int) {
        let n = Swift.min(length, count)
        guard n > 0 else { return }
        head = (head &+ n) % storage.count
        count &-= n
        if count == 0 { head = 0 }
    }

    /// Moves up to `destination.count` bytes out of the head.
    mutating func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        let n = peek(from: 0, into: destination)
        discard(n)
        return n
    }

    /// Drops everything and the storage with it.
    mutating func removeAll() {
        storage = []
        head = 0
        count = 0
    }
}
