import Net

/// Frames from the wire: anyone on the VM's network sends them (and with a port forward,
/// anyone who reaches the host). They reach a `NetworkStack` with some state for them to hit:
/// an IPv4 address, IPv6 with neighbour discovery, a TCP listener, a bound UDP socket, a raw
/// ICMP socket and, when the input asks for it, a DHCP client.
///
/// Input: one flags byte (bit 0: repair the IPv4/TCP/UDP/ICMP checksums of every frame so
/// mutations get past them; bit 1: the stack runs DHCP instead of having an address), then
/// records of a big-endian 16-bit length and that many bytes of Ethernet frame. An empty
/// record lets 100 ms pass. After each frame 1 ms passes and the stack's sockets are served
/// (accept, read, answer) as an application would; at the end, timers run for a minute.
/// The stack is deterministic, so the seeds — conversations recorded against this same stack
/// by ``seeds()`` — carry sequence numbers and DHCP transaction IDs it will accept.
enum NetworkFuzzing {
    static let victimMAC = MACAddress(0x52, 0x54, 0, 0, 0, 2)
    static let victimAddress = IPv4Address(10, 0, 0, 2)
    static let peerMAC = MACAddress(0x52, 0x54, 0, 0, 0, 1)
    static let peerAddress = IPv4Address(10, 0, 0, 1)
    static let step: Nanoseconds = 1_000_000
    static let pause: Nanoseconds = 100_000_000

    static let harness = FuzzHarness(
        name: "net", summary: "Ethernet/ARP/IPv4/IPv6/ICMP/ND/TCP/UDP/DHCP frames into a NetworkStack",
        maxLength: 16384,
        run: { data in
            guard let flags = data.first else { return }
            let victim = Victim(dhcp: flags & 2 != 0)
            var offset = 1
            while offset + 2 <= data.count {
                let length = Int(data[offset]) << 8 | Int(data[offset + 1])
                offset += 2
                let end = min(data.count, offset + length)
                var frame = Array(data[offset..<end])
                offset = end
                if frame.isEmpty {
                    victim.pass(pause)
                    continue
                }
                if flags & 1 != 0 { repairChecksums(&frame) }
                victim.receive(frame)
            }
            for _ in 0..<60 { victim.pass(1_000_000_000) }
        },
        seeds: { seeds() })

    /// The stack under attack, and what its application does.
    final class Victim {
        let stack = NetworkStack()
        let interface: InterfaceID
        var listeners: [SocketID] = []
        var connections: [SocketID] = []
        var datagramSockets: [SocketID] = []
        /// Frames the stack sent.
        var sent: [[UInt8]] = []

        init(dhcp: Bool) {
            interface = stack.addEthernetInterface(mac: NetworkFuzzing.victimMAC)
            if dhcp {
                stack.startDHCP(on: interface)
            } else {
                stack.configureIPv4(interface, address: NetworkFuzzing.victimAddress, prefixLength: 24)
            }
            stack.enableIPv6(on: interface)
            stack.advance(to: 2_000_000_000)
            if let l = try? stack.socket(domain: .inet6, type: .stream) {
                _ = try? stack.bind(l, to: SocketAddress(.v6(.unspecified), port: 80))
                _ = try? stack.listen(l, backlog: 4)
                listeners.append(l)
            }
            if let u = try? stack.socket(domain: .inet, type: .datagram) {
                _ = try? stack.bind(u, to: SocketAddress(.any, port: 53))
                datagramSockets.append(u)
            }
            if let p = try? stack.socket(domain: .inet, type: .datagram, protocol: 1) { datagramSockets.append(p) }
            if let p = try? stack.socket(domain: .inet6, type: .datagram, protocol: 58) { datagramSockets.append(p) }
            collect()
        }

        func receive(_ frame: [UInt8]) {
            stack.receive(frame: frame, on: interface)
            pass(NetworkFuzzing.step)
        }

        /// Lets time pass and serves the sockets: accepts, echoes what arrives, closes at EOF.
        func pass(_ time: Nanoseconds) {
            stack.advance(to: stack.now + time)
            for l in listeners {
                while connections.count < 8, let (c, _) = try? stack.accept(l) { connections.append(c) }
            }
            connections.removeAll { c in
                let bytes: [UInt8]
                do throws(NetError) {
                    bytes = try stack.receive(c, maxCount: 4096)
                } catch {
                    if error == .wouldBlock { return false }
                    _ = try? stack.close(c)
                    return true
                }
                if bytes.isEmpty {
                    _ = try? stack.close(c)
                    return true
                }
                _ = try? stack.send(c, bytes)
                return false
            }
            for u in datagramSockets {
                while let (bytes, source) = try? stack.receiveFrom(u, maxCount: 2048), let source {
                    _ = try? stack.send(u, bytes, to: source)
                }
            }
            collect()
        }

        func collect() { sent += stack.takeTransmitQueue(interface) }
    }
}
