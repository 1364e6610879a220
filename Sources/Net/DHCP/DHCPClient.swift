/// The DHCPv4 client of one interface (RFC 2131 §4.4): its state, transaction, retry timing
/// and lease. The stack sends and receives for it (`NetworkStack+DHCP.swift`).
final class DHCPClient {
    var state: DHCPState = .selecting
    var transactionID: UInt32
    /// When the current configuration attempt began (`secs` field).
    var started: Nanoseconds
    /// Retransmissions of the current message.
    var attempts = 0
    /// Next retransmission or lease event.
    var deadline: Nanoseconds?
    /// The offer being requested.
    var offeredAddress = IPv4Address.any
    var offeringServer = IPv4Address.any
    var lease: DHCPLease?
    /// NAKs received, for diagnostics and tests.
    var naks = 0

    init(transactionID: UInt32, now: Nanoseconds) {
        self.transactionID = transactionID
        started = now
    }
}
