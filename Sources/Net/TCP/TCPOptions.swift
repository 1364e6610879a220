/// The TCP options the stack understands: MSS (RFC 9293), window scale and timestamps
/// (RFC 7323), SACK-permitted and SACK blocks (RFC 2018). Others are skipped by length.
struct TCPOptions {
    static let kindEnd: UInt8 = 0
    static let kindNOP: UInt8 = 1
    static let kindMSS: UInt8 = 2
    static let kindWindowScale: UInt8 = 3
    static let kindSACKPermitted: UInt8 = 4
    static let kindSACK: UInt8 = 5
    static let kindTimestamp: UInt8 = 8

    var mss: UInt16?
    var windowScale: UInt8?
    var sackPermitted = false
    var timestampValue: UInt32?
    var timestampEcho: UInt32 = 0
    var sackBlocks: [SequenceRange] = []

    init() {}

    /// Parses the option bytes. A malformed option (length below 2 or past the end) ends
    /// parsing: what was read before stays, which is how Linux treats it too; the segment
    /// itself is still valid.
    init(parsing view: PacketView) {
        var i = 0
        while i < view.count {
            let kind = view.u8(i)
            if kind == Self.kindEnd { break }
            if kind == Self.kindNOP {
                i &+= 1
                continue
            }
            guard i &+ 1 < view.count else { break }
            let length = Int(view.u8(i &+ 1))
            guard length >= 2, i &+ length <= view.count else { break }
            switch kind {
            case Self.kindMSS where length == 4:
                mss = view.u16(i &+ 2)
            case Self.kindWindowScale where length == 3:
                windowScale = Swift.min(view.u8(i &+ 2), 14)  // RFC 7323 §2.3: clamp to 14
            case Self.kindSACKPermitted where length == 2:
                sackPermitted = true
            case Self.kindTimestamp where length == 10:
                timestampValue = view.u32(i &+ 2)
                timestampEcho = view.u32(i &+ 6)
            case Self.kindSACK where length >= 10 && (length &- 2) % 8 == 0:
                var b = i &+ 2
                while b &+ 8 <= i &+ length && sackBlocks.count < 4 {
                    sackBlocks.append(SequenceRange(start: view.u32(b), end: view.u32(b &+ 4)))
                    b &+= 8
                }
            default:
                break
            }
            i &+= length
        }
    }

    /// Bytes these options take on the wire, padded to a multiple of 4.
    var encodedLength: Int {
        var n = 0
        if mss != nil { n &+= 4 }
        if sackPermitted && timestampValue != nil {
            n &+= 12  // SACK-permitted shares the timestamp option's alignment padding
        } else {
            if sackPermitted { n &+= 4 }
            if timestampValue != nil { n &+= 12 }
        }
        if windowScale != nil { n &+= 4 }
        if !sackBlocks.isEmpty { n &+= 4 &+ 8 &* sackBlocks.count }
        return n
    }

    /// Writes the options at `offset` in the order Linux uses (MSS, SACK-permitted+timestamps,
    /// window scale, SACK blocks), NOP-padded so every field stays aligned.
    func write(to packet: inout [UInt8], at offset: Int) {
        var o = offset
        if let mss {
            packet[o] = Self.kindMSS
            packet[o &+ 1] = 4
            packet.put16(mss, at: o &+ 2)
            o &+= 4
        }
        if let value = timestampValue {
            if sackPermitted {
                packet[o] = Self.kindSACKPermitted
                packet[o &+ 1] = 2
            } else {
                packet[o] = Self.kindNOP
                packet[o &+ 1] = Self.kindNOP
            }
            packet[o &+ 2] = Self.kindTimestamp
            packet[o &+ 3] = 10
            packet.put32(value, at: o &+ 4)
            packet.put32(timestampEcho, at: o &+ 8)
            o &+= 12
        } else if sackPermitted {
            packet[o] = Self.kindNOP
            packet[o &+ 1] = Self.kindNOP
            packet[o &+ 2] = Self.kindSACKPermitted
            packet[o &+ 3] = 2
            o &+= 4
        }
        if let shift = windowScale {
            packet[o] = Self.kindNOP
            packet[o &+ 1] = Self.kindWindowScale
            packet[o &+ 2] = 3
            packet[o &+ 3] = shift
            o &+= 4
        }
        if !sackBlocks.isEmpty {
            packet[o] = Self.kindNOP
            packet[o &+ 1] = Self.kindNOP
            packet[o &+ 2] = Self.kindSACK
            packet[o &+ 3] = UInt8(truncatingIfNeeded: 2 &+ 8 &* sackBlocks.count)
            o &+= 4
            for block in sackBlocks {
                packet.put32(block.start, at: o)
                packet.put32(block.end, at: o &+ 4)
                o &+= 8
            }
        }
    }
}
