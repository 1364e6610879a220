/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit
/// big-endian words, used by IPv4, ICMP, UDP and TCP.
///
/// Pieces are added in order; only the last piece may have an odd length (it is padded with a
/// zero byte, as the RFC specifies). A received header or segment whose stored checksum is
/// included verifies when ``value`` is 0.
struct InternetChecksum {
    var sum: UInt64 = 0

    @inline(__always) mutating func add16(_ word: UInt16) { sum &+= UInt64(word) }

    @inline(__always) mutating func add32(_ word: UInt32) {
        sum &+= UInt64(word >> 16) &+ UInt64(word & 0xFFFF)
    }

    mutating func add(_ address: IPv4Address) { add32(address.rawValue) }

    mutating func add(_ address: IPv6Address) {
        add32(UInt32(truncatingIfNeeded: address.high >> 32))
        add32(UInt32(truncatingIfNeeded: address.high))
        add32(UInt32(truncatingIfNeeded: address.low >> 32))
        add32(UInt32(truncatingIfNeeded: address.low))
    }

    /// Adds raw bytes, four at a time where possible.
    mutating func add(_ buffer: UnsafeRawBufferPointer) {
        let n = buffer.count
        guard n > 0, let base = buffer.baseAddress else { return }
        let p = base.assumingMemoryBound(to: UInt8.self)
        var i = 0
        var s = sum
        while i &+ 4 <= n {
            s &+= UInt64(p[i]) << 8 | UInt64(p[i &+ 1])
            s &+= UInt64(p[i &+ 2]) << 8 | UInt64(p[i &+ 3])
            i &+= 4
        }
        while i &+ 2 <= n {
            s &+= UInt64(p[i]) << 8 | UInt64(p[i &+ 1])
            i &+= 2
        }
        if i < n { s &+= UInt64(p[i]) << 8 }
        sum = s
    }

    mutating func add(_ view: PacketView) { view.withBytes { add($0) } }

    mutating func add(_ bytes: [UInt8], from offset: Int, count: Int) {
        bytes.withUnsafeBytes { add(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset &+ count)])) }
    }

    /// The checksum to store: the folded sum, complemented.
    var value: UInt16 {
        var s = sum
        while s >> 16 != 0 { s = (s & 0xFFFF) &+ (s >> 16) }
        return ~UInt16(truncatingIfNeeded: s)
    }

    /// The IPv4 pseudo-header (RFC 768/9293): addresses, protocol, transport length.
    static func pseudoHeader(source: IPv4Address, destination: IPv4Address, protocol: UInt8, length: Int) -> InternetChecksum {
        var c = InternetChecksum()
        c.add(source)
        c.add(destination)
        c.add16(UInt16(`protocol`))
        c.add16(UInt16(truncatingIfNeeded: length))
        return c
    }

    /// The IPv6 pseudo-header (RFC 8200 §8.1): addresses, 32-bit length, next header.
    static func pseudoHeader(source: IPv6Address, destination: IPv6Address, protocol: UInt8, length: Int) -> InternetChecksum {
        var c = InternetChecksum()
        c.add(source)
        c.add(destination)
        c.add32(UInt32(truncatingIfNeeded: length))
        c.add16(UInt16(`protocol`))
        return c
    }

    /// The pseudo-header for either family; the two addresses must be of one family.
    static func pseudoHeader(source: IPAddress, destination: IPAddress, protocol: UInt8, length: Int) -> InternetChecksum {
        switch (source, destination) {
        case (.v4(let s), .v4(let d)): pseudoHeader(source: s, destination: d, protocol: `protocol`, length: length)
        default: pseudoHeader(source: source.mappedToV6, destination: destination.mappedToV6, protocol: `protocol`, length: length)
        }
    }
}
