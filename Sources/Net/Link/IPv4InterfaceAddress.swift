/// An IPv4 address assigned to an interface, with its subnet.
public struct IPv4InterfaceAddress: Equatable, Sendable {
    public var address: IPv4Address
    public var prefixLength: Int

    public init(address: IPv4Address, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The subnet-directed broadcast address (`10.0.2.255` for `10.0.2.15/24`).
    public var broadcast: IPv4Address {
        IPv4Address(rawValue: address.rawValue | ~IPv4Address.mask(prefixLength: prefixLength))
    }
}
