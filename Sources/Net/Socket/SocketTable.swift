/// All sockets of a stack, in slots addressed by ``SocketID``.
///
/// Slots are reused through a free list; each reuse bumps the slot's generation, so stale IDs
/// are detected. A closed TCP connection keeps its slot (not its ID's validity) until its
/// close handshake and TIME-WAIT are over.
struct SocketTable {
    private(set) var slots: [SocketBase?] = []
    private var generations: [UInt32] = []
    private var free: [Int] = []
    private(set) var count = 0

    mutating func insert(_ socket: SocketBase) -> SocketID {
        let index: Int
        if let reused = free.popLast() {
            index = reused
            generations[index] &+= 1
            slots[index] = socket
        } else {
            index = slots.count
            slots.append(socket)
            generations.append(1)
        }
        count &+= 1
        let id = SocketID(index: UInt32(truncatingIfNeeded: index), generation: generations[index])
        socket.id = id
        return id
    }

    /// The socket behind `id`, whether or not the application still owns it.
    func lookup(_ id: SocketID) -> SocketBase? {
        let i = Int(id.index)
        guard i < slots.count, generations[i] == id.generation else { return nil }
        return slots[i]
    }

    mutating func remove(_ socket: SocketBase) {
        let i = Int(socket.id.index)
        guard i < slots.count, generations[i] == socket.id.generation, slots[i] === socket else { return }
        slots[i] = nil
        free.append(i)
        count &-= 1
    }
}
