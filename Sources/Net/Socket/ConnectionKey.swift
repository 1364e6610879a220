/// The four-tuple identifying a TCP connection, addresses unmapped.
struct ConnectionKey: Equatable {
    var localAddress: IPAddress
    var localPort: UInt16
    var remoteAddress: IPAddress
    var remotePort: UInt16

    var hash: UInt64 {
        SplitMix64.mix(
            localAddress.hashWord &* 31 &+ remoteAddress.hashWord
                ^ (UInt64(localPort) << 16 | UInt64(remotePort)))
    }
}
