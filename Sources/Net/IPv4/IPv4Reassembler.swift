/// Reassembles fragmented IPv4 datagrams (RFC 791 §3.2, RFC 815's idea of tracking what is
/// present rather than holes).
///
/// Fragments are kept as sorted, non-overlapping pieces. Overlapping fragments that are not
/// exact duplicates drop the whole datagram, as RFC 5722 requires for IPv6 and as is prudent
/// for IPv4 (overlaps are only ever used to evade filters). Datagrams are limited in number
/// and in size (65,535 bytes), and time out after ``StackConfiguration/reassemblyTimeout``.
struct IPv4Reassembler {
    struct Piece {
        var offset: Int
        var bytes: [UInt8]
        var end: Int { offset &+ bytes.count }
    }

    struct Datagram {
        var source: IPv4Address
        var destination: IPv4Address
        var identification: UInt16
        var protocolNumber: UInt8
        var pieces: [Piece] = []
        /// The payload length, known once the last fragment arrived.
        var payloadLength: Int?
        var receivedBytes = 0
        var deadline: Nanoseconds
    }

    enum Outcome {
        case incomplete
        /// The reassembled transport payload.
        case complete([UInt8])
        case dropped(DropReason)
    }

    private(set) var datagrams: [Datagram] = []

    mutating func add(
        header: IPv4Header, payload: PacketView, now: Nanoseconds, timeout: Nanoseconds, limit: Int
    ) -> Outcome {
        let offset = header.fragmentOffset
        let length = payload.count
        let end = offset &+ length
        guard end <= 65535 &- header.headerLength else { return drop(header, .ipv4FragmentInvalid) }
        if header.moreFragments && (length == 0 || length % 8 != 0) { return drop(header, .ipv4FragmentInvalid) }

        let index: Int
        if let i = datagrams.firstIndex(where: {
            $0.source == header.source && $0.destination == header.destination
                && $0.identification == header.identification && $0.protocolNumber == header.protocolNumber
        }) {
            index = i
        } else {
            if datagrams.count >= limit {
                // Make room by giving up the oldest incomplete datagram (a lost fragment, or
                // a late duplicate of a finished one, would otherwise hold its slot until the
                // timeout).
                if let oldest = datagrams.indices.min(by: { datagrams[$0].deadline < datagrams[$1].deadline }) {
                    datagrams.remove(at: oldest)
                }
            }
            datagrams.append(
                Datagram(
                    source: header.source, destination: header.destination, identification: header.identification,
                    protocolNumber: header.protocolNumber, deadline: now &+ timeout))
            index = datagrams.count &- 1
        }

        if !header.moreFragments {
            if let known = datagrams[index].payloadLength, known != end { return drop(at: index, .ipv4FragmentInvalid) }
            datagrams[index].payloadLength = end
        }
        if let total = datagrams[index].payloadLength, end > total { return drop(at: index, .ipv4FragmentInvalid) }

        // Find the insertion point and check the neighbours for overlap.
        var position = 0
        while position < datagrams[index].pieces.count && datagrams[index].pieces[position].offset < offset {
            position &+= 1
        }
        if position < datagrams[index].pieces.count {
            let next = datagrams[index].pieces[position]
            if next.offset == offset && next.bytes.count == length {
                return .incomplete  // an exact duplicate
            }
            if next.offset < end { return drop(at: index, .ipv4FragmentInvalid) }
        }
        if position > 0 && datagrams[index].pieces[position &- 1].end > offset {
            return drop(at: index, .ipv4FragmentInvalid)
        }
        datagrams[index].pieces.insert(Piece(offset: offset, bytes: payload.copyBytes()), at: position)
        datagrams[index].receivedBytes &+= length

        guard let total = datagrams[index].payloadLength, datagrams[index].receivedBytes == total else {
            return .incomplete
        }
        var whole = [UInt8]()
        whole.reserveCapacity(total)
        for piece in datagrams[index].pieces { whole.append(contentsOf: piece.bytes) }
        datagrams.remove(at: index)
        return .complete(whole)
    }

    private mutating func drop(at index: Int, _ reason: DropReason) -> Outcome {
        datagrams.remove(at: index)
        return .dropped(reason)
    }

    private mutating func drop(_ header: IPv4Header, _ reason: DropReason) -> Outcome {
        if let i = datagrams.firstIndex(where: {
            $0.source == header.source && $0.identification == header.identification
        }) {
            datagrams.remove(at: i)
        }
        return .dropped(reason)
    }

    var nextDeadline: Nanoseconds? {
        var d: Nanoseconds? = nil
        for g in datagrams { d = d.earliest(g.deadline) }
        return d
    }

    /// Discards timed-out datagrams; returns how many.
    mutating func expire(now: Nanoseconds) -> Int {
        let before = datagrams.count
        datagrams.removeAll { $0.deadline <= now }
        return before &- datagrams.count
    }
}
