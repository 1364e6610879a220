import Net
import Testing

/// Drives two stacks the way the kernel will — only through the public API: frames in and
/// out, `advance(to:)` at `nextTimerDeadline`, readiness changes, errno values.
@Suite struct PublicAPITests {
    /// A tiny "kernel": two NICs wired back to back, one clock.
    final class Machine {
        var now: Nanoseconds = 0
        let left = NetworkStack(configuration: { var c = StackConfiguration(); c.randomSeed = 1; return c }())
        let right = NetworkStack(configuration: { var c = StackConfiguration(); c.randomSeed = 2; return c }())
        let leftNIC: InterfaceID
        let rightNIC: InterfaceID
        var woken: [SocketID] = []

        init() {
            leftNIC = left.addEthernetInterface(mac: MACAddress(2, 0, 0, 0, 0, 1), mtu: 9000)
            rightNIC = right.addEthernetInterface(mac: MACAddress(2, 0, 0, 0, 0, 2), mtu: 9000)
            left.configureIPv4(leftNIC, address: IPv4Address(192, 168, 7, 1), prefixLength: 24)
            right.configureIPv4(rightNIC, address: IPv4Address(192, 168, 7, 2), prefixLength: 24)
            left.setNameServers([.v4(IPv4Address(192, 168, 7, 53))])
        }

        /// The interrupt handler and timer: move frames across, run timers when due.
        func poll() {
            var moved = true
            while moved {
                moved = false
                for frame in left.takeTransmitQueue(leftNIC) {
                    right.receive(frame: frame, on: rightNIC)
                    moved = true
                }
                for frame in right.takeTransmitQueue(rightNIC) {
                    left.receive(frame: frame, on: leftNIC)
                    moved = true
                }
            }
            woken += left.takeReadinessChanges() + right.takeReadinessChanges()
        }

        /// Sleeps until the next timer (tickless).
        func sleep() {
            let deadline = [left.nextTimerDeadline, right.nextTimerDeadline].compactMap { $0 }.min() ?? now + 1_000_000_000
            now = max(now, deadline)
            left.advance(to: now)
            right.advance(to: now)
            poll()
        }
    }

    @Test func kernelStyleDriving() throws {
        let m = Machine()
        let server = try m.right.socket(domain: .inet, type: .stream)
        let reuse = try #require(SocketOption(level: 1, name: 2))
        try m.right.setOption(server, reuse, 1)
        try m.right.bind(server, to: SocketAddress(.any, port: 8080))
        try m.right.listen(server, backlog: 16)
        let client = try m.left.socket(domain: .inet, type: .stream)
        do {
            try m.left.connect(client, to: SocketAddress(IPv4Address(192, 168, 7, 2), port: 8080))
            Issue.record("connect must not complete synchronously")
        } catch {
            #expect(error == .inProgress && error.negatedErrno == -115)
        }
        m.poll()
        #expect(m.woken.contains(server) && m.woken.contains(client))
        #expect(try m.left.readiness(client).contains(.writable))
        let (conn, _) = try m.right.accept(server)
        #expect(try m.left.getOption(client, .maximumSegment) == 9000 - 52)  // jumbo MTU
        let message = Array("GET / HTTP/1.0\r\n\r\n".utf8)
        let sent = try message.withUnsafeBytes { try m.left.send(client, $0) }
        #expect(sent == message.count)
        m.poll()
        var buffer = [UInt8](repeating: 0, count: 100)
        let r = try buffer.withUnsafeMutableBytes { try m.right.receive(conn, into: $0) }
        #expect(r.count == message.count && !r.endOfStream && Array(buffer[0..<r.count]) == message)
        try m.right.close(conn)
        m.poll()
        let eof = try buffer.withUnsafeMutableBytes { try m.left.receive(client, into: $0) }
        #expect(eof.endOfStream)
        try m.left.close(client)
        m.poll()
        // Timers run until both sides forget the connection (TIME-WAIT is 60 s by default).
        var sleeps = 0
        while (m.left.nextTimerDeadline != nil || m.right.nextTimerDeadline != nil) && sleeps < 100 {
            m.sleep()
            sleeps += 1
        }
        #expect(m.now >= 60_000_000_000 && sleeps < 100)
        #expect(m.left.statistics(of: m.leftNIC)!.sentPackets > 3)
        #expect(m.left.drops.total == 0 && m.right.drops.total == 0)
        #expect(m.left.tcpStatistics.activeOpens == 1 && m.right.tcpStatistics.passiveOpens == 1)
        #expect(m.left.nameServers == [.v4(IPv4Address(192, 168, 7, 53))])
        #expect(NetError(rawValue: 111) == .connectionRefused && NetError.wouldBlock.rawValue == 11)
        #expect(Readiness.readable.rawValue == 1 && Readiness.writable.rawValue == 4 && Readiness.readHangUp.rawValue == 0x2000)
    }
}
