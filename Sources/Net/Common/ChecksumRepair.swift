/// Checksum repair for tests and fuzzing: after mutating a frame's headers, the checksums are
/// made right again so the mutation reaches the parsers behind the checksum checks (TCP
/// options, neighbour discovery options, DHCP, fragments) instead of being dropped there.
/// Not used by the kernel.
///
/// Recomputes the IPv4 header checksum and the TCP/UDP/ICMP checksum of a frame where the
/// lengths allow; leaves anything unparseable alone.
public func repairChecksums(_ f: inout [UInt8]) {
    guard f.count >= 14 else { return }
    let type = UInt16(f[12]) << 8 | UInt16(f[13])
    if type == 0x0800, f.count >= 34 {
        let ihl = Int(f[14] & 0xF) * 4
        guard ihl >= 20, f.count >= 14 + ihl else { return }
        f[24] = 0
        f[25] = 0
        var c = InternetChecksum()
        c.add(f, from: 14, count: ihl)
        f.put16(c.value, at: 24)
        let total = min(Int(f.get16(at: 16)), f.count - 14)
        guard total > ihl, f.get16(at: 20) & 0x3FFF == 0 else { return }
        let source = IPv4Address(rawValue: UInt32(f.get16(at: 26)) << 16 | UInt32(f.get16(at: 28)))
        let destination = IPv4Address(rawValue: UInt32(f.get16(at: 30)) << 16 | UInt32(f.get16(at: 32)))
        let o = 14 + ihl
        let length = total - ihl
        repairTransport(&f, at: o, length: length, protocol: f[23]) { proto in
            InternetChecksum.pseudoHeader(source: source, destination: destination, protocol: proto, length: length)
        }
    } else if type == 0x86DD, f.count >= 54 {
        let view = PacketView(f)
        let source = IPv6Address(reading: view, at: 22)
        let destination = IPv6Address(reading: view, at: 38)
        let length = min(Int(f.get16(at: 18)), f.count - 54)
        repairTransport(&f, at: 54, length: length, protocol: f[20]) { proto in
            InternetChecksum.pseudoHeader(source: source, destination: destination, protocol: proto, length: length)
        }
    }
}

private func repairTransport(
    _ f: inout [UInt8], at o: Int, length: Int, protocol proto: UInt8, pseudo: (UInt8) -> InternetChecksum
) {
    let field: Int
    var sum: InternetChecksum
    switch proto {
    case 6: field = 16; sum = pseudo(6)
    case 17: field = 6; sum = pseudo(17)
    case 1: field = 2; sum = InternetChecksum()
    case 58: field = 2; sum = pseudo(58)
    default: return
    }
    guard length >= field + 2, o + length <= f.count else { return }
    f[o + field] = 0
    f[o + field + 1] = 0
    sum.add(f, from: o, count: length)
    f.put16(sum.value, at: o + field)
}
