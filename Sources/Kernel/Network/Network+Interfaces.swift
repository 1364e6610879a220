#if SKIFF_KERNEL
import LinuxABI
import Net

/// Interface listings for rtnetlink (`getifaddrs`), the SIOCGIF* ioctls and the monitoring
/// API. Index 1 is the loopback interface, then eth0, eth1, … as Linux numbers them.
extension Network {
    static func describeLinks() -> [RouteNetlink.Link] {
        (try? inspect { (stack) throws(NetError) -> [RouteNetlink.Link] in
            stack.interfaceIDs.map { id in
                let isLoopback = id == .loopback
                let mac = stack.macAddress(of: id) ?? .zero
                var flags = SocketConstants.IFF_UP | SocketConstants.IFF_RUNNING
                flags |= isLoopback ? SocketConstants.IFF_LOOPBACK : SocketConstants.IFF_BROADCAST | SocketConstants.IFF_MULTICAST
                return RouteNetlink.Link(
                    index: Int32(bitPattern: id.rawValue), name: Array(name(of: id).utf8),
                    hardwareAddress: (0..<6).map { mac.byte($0) }, mtu: UInt32(stack.mtu(of: id) ?? 0), flags: flags,
                    type: isLoopback ? SocketConstants.ARPHRD_LOOPBACK : SocketConstants.ARPHRD_ETHER)
            }
        }) ?? []
    }

    static func describeAddresses() -> [RouteNetlink.Address] {
        (try? inspect { (stack) throws(NetError) -> [RouteNetlink.Address] in
            var result: [RouteNetlink.Address] = []
            for id in stack.interfaceIDs {
                let label = Array(name(of: id).utf8)
                let index = Int32(bitPattern: id.rawValue)
                for a in stack.ipv4Addresses(of: id) {
                    result.append(RouteNetlink.Address(index: index, address: .v4(a.address), prefixLength: UInt8(a.prefixLength), label: label))
                }
                for a in stack.ipv6Addresses(of: id) where !a.isTentative {
                    result.append(RouteNetlink.Address(index: index, address: .v6(a.address), prefixLength: UInt8(a.prefixLength), label: label))
                }
            }
            return result
        }) ?? []
    }
}
#endif
