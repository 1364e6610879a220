/// Why the stack discarded a packet. Every parser drop is counted under one of these, so a test
/// (or `/proc/net/snmp`-style reporting) can tell hostile input from a quiet link.
public enum DropReason: Int, CaseIterable, Error, Sendable {
    /// A frame shorter than an Ethernet header.
    case frameTooShort
    /// An Ethernet frame for another station.
    case notOurMAC
    /// An EtherType the stack does not speak (VLAN tags included).
    case unknownEtherType
    /// An ARP packet that is not Ethernet/IPv4 or is truncated.
    case arpMalformed
    /// An IPv4 header that is truncated, has a bad version, IHL or total length.
    case ipv4Malformed
    case ipv4BadChecksum
    /// An IPv4 packet for an address that is not ours.
    case ipv4NotForUs
    /// A fragment that overlaps another, is too big, or whose datagram timed out.
    case ipv4FragmentInvalid
    case ipv4ReassemblyTimeout
    /// A transport protocol number the stack does not implement.
    case unknownProtocol
    case ipv6Malformed
    case ipv6NotForUs
    /// IPv6 fragments (not reassembled) and unknown extension headers.
    case ipv6ExtensionUnsupported
    case icmpMalformed
    case icmpBadChecksum
    case udpMalformed
    case udpBadChecksum
    /// A datagram for a port nobody listens on (answered with port unreachable when allowed).
    case udpNoSocket
    /// A datagram for a socket whose receive buffer is full.
    case udpReceiveBufferFull
    case tcpMalformed
    case tcpBadChecksum
    /// A segment for no connection and no listener (answered with a reset).
    case tcpNoSocket
    /// A SYN refused because the listener's backlog or SYN queue is full.
    case tcpListenOverflow
    /// A segment outside the receive window or failing the PAWS timestamp check.
    case tcpOutOfWindow
    /// A neighbour discovery message that is malformed or fails the hop-limit-255 rule.
    case ndMalformed
    case dhcpMalformed
    /// A packet discarded because its next hop never answered ARP or neighbour solicitation,
    /// or the queue waiting for resolution overflowed.
    case neighborUnresolved
    /// A frame the interface could not queue because the caller had not drained the queue.
    case transmitQueueFull
    /// A packet with no route to its destination.
    case noRoute
}
