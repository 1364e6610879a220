import Net

/// The network harness's seeds: conversations between a well-behaved peer stack and the
/// harness's victim, run in the same lock step the harness replays them in, so the recorded
/// frames carry sequence numbers and transaction IDs the victim accepts.
extension NetworkFuzzing {
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let victimLinkLocal = IPv6Address.linkLocal(mac: victimMAC)
        return [
            ("tcp-v4", record { r in
                let c = try r.peer.socket(domain: .inet, type: .stream)
                r.connect(c, SocketAddress(victimAddress, port: 80))
                r.run(300_000_000)
                _ = try r.peer.send(c, Array("GET / HTTP/1.0\r\n\r\n".utf8) + (0..<3000).map { UInt8($0 % 251) })
                r.run(300_000_000)
                try r.peer.close(c)
                r.run(500_000_000)
            }),
            ("tcp-v6", record { r in
                let c = try r.peer.socket(domain: .inet6, type: .stream)
                r.connect(c, SocketAddress(victimLinkLocal, port: 80, scopeID: r.interface.rawValue))
                r.run(300_000_000)
                _ = try r.peer.send(c, Array("hello over IPv6".utf8))
                r.run(300_000_000)
                try r.peer.shutdown(c, .write)
                r.run(500_000_000)
            }),
            ("udp-icmp", record { r in
                let u = try r.peer.socket(domain: .inet, type: .datagram)
                _ = try r.peer.send(u, Array("a query".utf8), to: SocketAddress(victimAddress, port: 53))
                _ = try r.peer.send(u, [UInt8](repeating: 7, count: 3000), to: SocketAddress(victimAddress, port: 53))
                _ = try r.peer.send(u, Array("closed port".utf8), to: SocketAddress(victimAddress, port: 9))
                let p = try r.peer.socket(domain: .inet, type: .datagram, protocol: 1)
                _ = try r.peer.send(p, [8, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3], to: SocketAddress(victimAddress, port: 0))
                let p6 = try r.peer.socket(domain: .inet6, type: .datagram, protocol: 58)
                _ = try r.peer.send(
                    p6, [128, 0, 0, 0, 0, 0, 0, 1, 4, 5, 6],
                    to: SocketAddress(victimLinkLocal, port: 0, scopeID: r.interface.rawValue))
                r.run(500_000_000)
            }),
            ("dhcp", dhcpConversation()),
        ]
    }

    /// A peer on the victim's link and the frames it sent, in harness input form.
    final class Recorder {
        let victim: Victim
        let peer = NetworkStack(configuration: { var c = StackConfiguration(); c.randomSeed = 99; return c }())
        let interface: InterfaceID
        var input: [UInt8]

        init(flags: UInt8) {
            victim = Victim(dhcp: flags & 2 != 0)
            input = [flags]
            interface = peer.addEthernetInterface(mac: peerMAC)
            peer.configureIPv4(interface, address: peerAddress, prefixLength: 24)
            peer.enableIPv6(on: interface)
            peer.advance(to: victim.stack.now)
        }

        func connect(_ id: SocketID, _ address: SocketAddress) {
            do throws(NetError) { try peer.connect(id, to: address) } catch {}
        }

        /// Hands the victim `frame` as the harness would, and records it.
        func send(_ frame: [UInt8]) {
            input += [UInt8(frame.count >> 8), UInt8(frame.count & 0xFF)] + frame
            var delivered = frame
            if input[0] & 1 != 0 { repairChecksums(&delivered) }
            victim.receive(delivered)
        }

        /// Runs the conversation for `duration` of the victim's time.
        func run(_ duration: Nanoseconds) {
            let end = victim.stack.now + duration
            while victim.stack.now < end {
                for frame in victim.sent { peer.receive(frame: frame, on: interface) }
                victim.sent = []
                let frames = peer.takeTransmitQueue(interface)
                if frames.isEmpty {
                    input += [0, 0]
                    victim.pass(NetworkFuzzing.pause)
                } else {
                    for frame in frames { send(frame) }
                }
                peer.advance(to: victim.stack.now)
            }
        }
    }

    static func record(flags: UInt8 = 0, _ script: (Recorder) throws -> Void) -> [UInt8] {
        let r = Recorder(flags: flags)
        _ = try? script(r)
        return r.input
    }

    /// A DHCP server's offer and acknowledgement for the victim's discover and request
    /// (written with zero checksums: the seed sets the harness's checksum-repair flag).
    static func dhcpConversation() -> [UInt8] {
        let r = Recorder(flags: 3)
        for _ in 0..<20 {
            let sent = r.victim.sent
            r.victim.sent = []
            for frame in sent {
                guard frame.count > 282, frame[12] == 8, frame[13] == 0, frame[23] == 17, frame[36] == 0, frame[37] == 67
                else { continue }
                let xid = Array(frame[46..<50])
                var type: UInt8 = 0
                var o = 282
                while o + 2 < frame.count, frame[o] != 255 {
                    if frame[o] == 53 { type = frame[o + 2] }
                    o += 2 + Int(frame[o + 1])
                }
                guard type == 1 || type == 3 else { continue }
                r.send(dhcpReply(xid: xid, type: type == 1 ? 2 : 5))
            }
            r.input += [0, 0]
            r.victim.pass(NetworkFuzzing.pause)
        }
        return r.input
    }

    static func dhcpReply(xid: [UInt8], type: UInt8) -> [UInt8] {
        let server: [UInt8] = [10, 0, 0, 1]
        var dhcp = [UInt8](repeating: 0, count: 236)
        dhcp[0] = 2
        dhcp[1] = 1
        dhcp[2] = 6
        dhcp.replaceSubrange(4..<8, with: xid)
        dhcp.replaceSubrange(16..<20, with: [10, 0, 0, 2])
        dhcp.replaceSubrange(20..<24, with: server)
        dhcp.replaceSubrange(28..<34, with: [0x52, 0x54, 0, 0, 0, 2])
        dhcp += [99, 130, 83, 99, 53, 1, type, 54, 4] + server + [51, 4, 0, 0, 14, 16, 1, 4, 255, 255, 255, 0, 3, 4]
            + server + [6, 4] + server + [15, 4] + Array("test".utf8) + [255]
        let udpLength = 8 + dhcp.count
        let udp: [UInt8] = [0, 67, 0, 68, UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0] + dhcp
        let total = 20 + udp.count
        let ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 1, 0, 0, 64, 17, 0, 0] + server
            + [255, 255, 255, 255]
        let ethernet: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x52, 0x54, 0, 0, 0, 1, 8, 0]
        return ethernet + ip + udp
    }
}
