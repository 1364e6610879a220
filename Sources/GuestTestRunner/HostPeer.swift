import Foundation
import Glibc
import SkiffHost

/// The host side of a network guest test: a server the guest connects to through QEMU's user
/// network (the host is 10.0.2.2 and fec0::2 there), or a client that reaches a server in the
/// guest through a `hostfwd` port forward. It runs on a thread while the VM runs.
enum HostPeer {
    /// A TCP server on the host's loopback (IPv4 and IPv6) that answers each line with
    /// "pong: " and the line. `{port}` in the test's command line becomes its port.
    case echoServer
    /// The same over UDP: each datagram is answered with "pong: " and its bytes.
    case udpEchoServer
    /// After the guest prints "listening", connects `connections` times to the forwarded
    /// port, sends "ping from host", and expects "PING FROM HOST" back. `{port}` in the
    /// command line becomes the guest port.
    case client(guestPort: Int, connections: Int)
    /// The monitoring API: once the guest prints "listening", runs `MonitorCheck` against
    /// the kernel's server on `apiPort` (with `cpus` CPUs), then ends the application like
    /// `client` with one connection to `appPort`.
    case monitor(apiPort: Int, appPort: Int, cpus: Int)
    /// A storm of garbage at a guest service (`net storm`): once the guest prints "listening",
    /// thousands of random UDP datagrams (some large enough to arrive as IP fragments) to the
    /// forwarded `udpPort`, and TCP connections to `tcpPort` that send random bytes, reset at
    /// once, or say nothing; then the service must still answer "ping from host" like
    /// `client`, and "quit" ends it. (QEMU's user network carries payloads, not raw frames: the
    /// `net` fuzzing harness covers malformed headers.)
    case storm(tcpPort: Int, udpPort: Int)
    /// A server application checked from the host with its own tools (`ServiceCheck`).
    case service(ServiceCheck)
    /// GDB on QEMU's stub: once the guest prints "listening", runs `GDBCheck` (Tools/gdb/skiff.py
    /// against a guest with `cpus` CPUs running `application`), then ends the application like
    /// `client` with one connection to `appPort`.
    case debugger(appPort: Int, cpus: Int, application: String)
    /// A bulk transfer over a tap link (`net stream`, `GuestTest.tap`): once the guest
    /// listens, connects to it from the link's namespace, sends `mebibytes` MiB of pattern 1,
    /// reads as much of pattern 2 back, and checks on the tap's counters that the frames both
    /// ways averaged more than the MTU — the guest sent segments for the NIC to cut (TSO) and
    /// took large ones (large receive).
    case stream(guestPort: Int, mebibytes: Int)
    /// Like `client`, over UDP through a forwarded port: after "listening", `datagrams`
    /// exchanges of "ping from host" for "PING FROM HOST" (each retried, UDP being UDP).
    case udpClient(guestPort: Int, datagrams: Int)
    /// Like `client` and `udpClient`, but over IPv6 on a tap link (`GuestTest.tap`), from the
    /// host's side to the guest's link-local address — QEMU's user network forwards to IPv4
    /// only.
    case linkClient(guestPort: Int, exchanges: Int, udp: Bool)
}

/// A running host peer; `finish()` stops it and says what went wrong, if anything.
final class HostPeerSession: @unchecked Sendable {
    let peer: HostPeer
    /// The port the test's command line gets for `{port}`, and the host port of a forward.
    let port: Int
    let hostPort: Int
    /// The host port forwarded to the monitoring API (`.monitor`), or to the UDP port (`.storm`);
    /// QEMU's GDB stub listens on it for `.debugger`.
    let apiHostPort: Int
    /// The kernel ELF, for the debugger's symbols.
    let kernel: String
    /// The host ports forwarded to a `.service`'s guest ports, in the same order.
    private(set) var serviceHostPorts: [Int] = []
    private var serviceChecked = false
    /// The `.monitor` or `.debugger` check ran to its end.
    private var checkFinished = false
    private let lock = NSLock()
    private var problems: [String] = []
    private var served = 0
    private var replies = 0
    private var listener: Int32 = -1
    private var stopped = false
    /// Set by the runner when the guest's console shows it is listening.
    var consoleReady: () -> Bool = { false }
    /// The tap link a `.stream` peer reaches the guest over.
    var link: NetworkNamespace? = nil

    init(_ peer: HostPeer, kernel: String = "") {
        self.peer = peer
        self.kernel = kernel
        switch peer {
        case .echoServer, .udpEchoServer:
            port = 0
            hostPort = 0
            apiHostPort = 0
        case .client(let guestPort, _):
            port = guestPort
            hostPort = Loopback.freePort()
            apiHostPort = 0
        case .monitor(_, let appPort, _), .debugger(let appPort, _, _):
            port = appPort
            hostPort = Loopback.freePort()
            apiHostPort = Loopback.freePort()
        case .storm(let tcpPort, _):
            port = tcpPort
            hostPort = Loopback.freePort()
            apiHostPort = Loopback.freePort()
        case .service(let check):
            port = check.guestPorts.first ?? 0
            hostPort = 0
            apiHostPort = 0
            serviceHostPorts = check.guestPorts.map { _ in Loopback.freePort() }
        case .stream(let guestPort, _), .linkClient(let guestPort, _, _):
            port = guestPort
            hostPort = 0
            apiHostPort = 0
        case .udpClient(let guestPort, _):
            port = guestPort
            hostPort = Loopback.freePort()
            apiHostPort = 0
        }
    }

    /// The port forwards the VM needs.
    var forwards: [VirtualMachine.PortForward] {
        switch peer {
        case .echoServer, .udpEchoServer, .stream, .linkClient: []
        case .udpClient(let guestPort, _): [VirtualMachine.PortForward(proto: "udp", hostPort: hostPort, guestPort: guestPort)]
        case .client(let guestPort, _), .debugger(let guestPort, _, _):
            [VirtualMachine.PortForward(hostPort: hostPort, guestPort: guestPort)]
        case .monitor(let apiPort, let appPort, _):
            [
                VirtualMachine.PortForward(hostPort: hostPort, guestPort: appPort),
                VirtualMachine.PortForward(hostPort: apiHostPort, guestPort: apiPort),
            ]
        case .storm(let tcpPort, let udpPort):
            [
                VirtualMachine.PortForward(hostPort: hostPort, guestPort: tcpPort),
                VirtualMachine.PortForward(proto: "udp", hostPort: apiHostPort, guestPort: udpPort),
            ]
        case .service(let check):
            zip(serviceHostPorts, check.guestPorts).map { VirtualMachine.PortForward(hostPort: $0, guestPort: $1) }
        }
    }

    /// Starts the server (returning its port) or the client thread.
    func start() -> Int {
        switch peer {
        case .echoServer, .udpEchoServer:
            let udp = { if case .udpEchoServer = peer { true } else { false } }()
            let fd = socket(AF_INET6, Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue), 0)
            var off: Int32 = 0
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &off, socklen_t(4))
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_addr = in6addr_any
            let len = socklen_t(MemoryLayout<sockaddr_in6>.size)
            _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, len) } }
            if !udp { Glibc.listen(fd, 8) }
            var bound = sockaddr_in6()
            var blen = len
            _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &blen) } }
            listener = fd
            Thread.detachNewThread { udp ? self.serveDatagrams(fd) : self.serve(fd) }
            return Int(UInt16(bigEndian: bound.sin6_port))
        case .client(_, let connections):
            Thread.detachNewThread { self.connect(times: connections) }
            return port
        case .monitor(_, _, let cpus):
            checkThenEnd { MonitorCheck.run(port: self.apiHostPort, cpus: cpus) }
            return port
        case .udpClient(_, let datagrams):
            Thread.detachNewThread {
                guard self.waitUntilListening() else { return }
                self.exchange(times: datagrams, udp: true) {
                    Loopback.connect(port: self.hostPort, type: Int32(SOCK_DGRAM.rawValue))
                }
            }
            return port
        case .linkClient(let guestPort, let exchanges, let udp):
            Thread.detachNewThread {
                guard self.waitUntilListening() else { return }
                guard let link = self.link, let scope = link.deviceIndex() else { return self.note("no tap link") }
                self.exchange(times: exchanges, udp: udp) {
                    guard let fd = link.socket(family: AF_INET6, type: Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)) else { return nil }
                    var a = sockaddr_in6()
                    a.sin6_family = sa_family_t(AF_INET6)
                    a.sin6_port = in_port_t(UInt16(guestPort).bigEndian)
                    a.sin6_scope_id = scope
                    inet_pton(AF_INET6, GuestTest.tapGuestLinkLocal, &a.sin6_addr)
                    let len = socklen_t(MemoryLayout<sockaddr_in6>.size)
                    let r = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, len) } }
                    if r != 0 {
                        close(fd)
                        return nil
                    }
                    return fd
                }
            }
            return port
        case .stream(let guestPort, let mebibytes):
            Thread.detachNewThread {
                guard self.waitUntilListening() else { return }
                self.stream(port: guestPort, mebibytes: mebibytes)
            }
            return port
        case .debugger(_, let cpus, let application):
            checkThenEnd { GDBCheck.run(port: self.apiHostPort, kernel: self.kernel, cpus: cpus, application: application) }
            return port
        case .storm:
            Thread.detachNewThread {
                guard self.waitUntilListening() else { return }
                self.storm()
                self.connect(times: 1)
                self.say("quit\n")
            }
            return port
        case .service(let check):
            Thread.detachNewThread {
                let deadline = Date().addingTimeInterval(80)
                while !self.consoleReady() {
                    if Date() > deadline || self.isStopped { return self.note("the guest never printed \(check.ready.debugDescription)") }
                    usleep(100_000)
                }
                for problem in check.run(self.serviceHostPorts) { self.note(problem) }
                self.lock.lock()
                self.serviceChecked = true
                self.lock.unlock()
            }
            return port
        }
    }

    /// Once the guest listens, runs `check` (noting its problems), then ends the application
    /// with one connection.
    private func checkThenEnd(_ check: @escaping @Sendable () -> [String]) {
        Thread.detachNewThread {
            guard self.waitUntilListening() else { return }
            for problem in check() { self.note(problem) }
            self.lock.lock()
            self.checkFinished = true
            self.lock.unlock()
            self.connect(times: 1)
        }
    }

    /// Waits up to 80 s for the guest's "listening" line; false (noted) when it never came.
    private func waitUntilListening() -> Bool {
        let deadline = Date().addingTimeInterval(80)
        while !consoleReady() {
            if Date() > deadline || isStopped {
                note("the guest never printed \"listening\"")
                return false
            }
            usleep(100_000)
        }
        return true
    }

    private var serviceDone: Bool {
        lock.lock()
        defer { lock.unlock() }
        return serviceChecked
    }

    /// Garbage at the guest's forwarded ports.
    private func storm() {
        var random = SystemRandomNumberGenerator()
        let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(udp) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = UInt16(apiHostPort).bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        let len = socklen_t(MemoryLayout<sockaddr_in>.size)
        for round in 0..<20 {
            for i in 0..<100 {
                let size = i % 25 == 0 ? Int.random(in: 1500...20000, using: &random) : Int.random(in: 0...1400, using: &random)
                let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
                _ = withUnsafePointer(to: &a) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(udp, bytes, bytes.count, 0, $0, len) }
                }
            }
            for i in 0..<5 {
                guard let fd = Loopback.connect(port: hostPort) else { continue }
                switch (round + i) % 3 {
                case 0:
                    let bytes = (0..<Int.random(in: 1...4000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
                case 1:
                    // Reset at once: SO_LINGER with a zero timeout.
                    var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                    setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                default:
                    break
                }
                close(fd)
            }
            usleep(50_000)
        }
    }

    /// Sends `text` on a fresh connection to the guest and closes it.
    private func say(_ text: String) {
        for _ in 0..<20 {
            if let fd = Loopback.connect(port: hostPort) {
                let bytes = Array(text.utf8)
                _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
                usleep(200_000)
                close(fd)
                return
            }
            usleep(200_000)
        }
    }

    private func serve(_ fd: Int32) {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { return }
            var buffer = [UInt8](repeating: 0, count: 512)
            let n = recv(c, &buffer, buffer.count, 0)
            if n > 0 {
                let reply = Array("pong: ".utf8) + buffer[0..<n]
                _ = send(c, reply, reply.count, Int32(MSG_NOSIGNAL))
                lock.lock()
                served += 1
                lock.unlock()
            }
            close(c)
        }
    }

    private func serveDatagrams(_ fd: Int32) {
        while true {
            var buffer = [UInt8](repeating: 0, count: 512)
            var from = sockaddr_in6()
            var fromLength = socklen_t(MemoryLayout<sockaddr_in6>.size)
            let n = withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &fromLength) }
            }
            if n < 0 || isStopped { return }
            let reply = Array("pong: ".utf8) + buffer[0..<n]
            _ = withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, reply, reply.count, 0, $0, fromLength) }
            }
            lock.lock()
            served += 1
            lock.unlock()
        }
    }

    /// After "listening", `times` TCP exchanges through the forwarded port (see `exchange`).
    private func connect(times: Int) {
        guard waitUntilListening() else { return }
        exchange(times: times, udp: false) { Loopback.connect(port: hostPort) }
    }

    /// `times` exchanges of "ping from host" for "PING FROM HOST" over connected sockets from
    /// `open` (nil: not reachable yet, try again); a datagram is resent when no answer comes.
    private func exchange(times: Int, udp: Bool, open: () -> Int32?) {
        let deadline = Date().addingTimeInterval(60)
        var done = 0
        while done < times && Date() < deadline && !isStopped {
            guard let fd = open() else {
                usleep(200_000)
                continue
            }
            defer { close(fd) }
            var timeout = timeval(tv_sec: udp ? 2 : 20, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let message = Array("ping from host\n".utf8)
            _ = send(fd, message, message.count, Int32(MSG_NOSIGNAL))
            var buffer = [UInt8](repeating: 0, count: 512)
            let n = recv(fd, &buffer, buffer.count, 0)
            // QEMU accepts on the host before the guest does; a refused forward shows as an
            // immediate end of stream, so try again (as for a datagram without an answer).
            guard n > 0 else {
                usleep(200_000)
                continue
            }
            let reply = String(decoding: buffer[0..<n], as: UTF8.self)
            if reply == "PING FROM HOST\n" {
                lock.lock()
                replies += 1
                lock.unlock()
            } else {
                note("unexpected reply \(reply.debugDescription)")
            }
            done += 1
        }
    }

    /// The `.stream` transfer; see there.
    private func stream(port: Int, mebibytes: Int) {
        guard let link else { return note("no tap link for the stream") }
        let before = link.counters()
        guard let fd = link.tcpSocket() else { return note("cannot open a socket in \(link.name)") }
        defer { close(fd) }
        guard Self.connect(fd, to: GuestTest.tapGuestAddress, port: port) else {
            return note("cannot connect to \(GuestTest.tapGuestAddress):\(port): \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let total = mebibytes << 20
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        var offset = 0
        while offset < total {
            let n = min(chunk.count, total - offset)
            for i in 0..<n { chunk[i] = diskPattern(1, offset + i) }
            var done = 0
            while done < n {
                let w = chunk.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + done, n - done, Int32(MSG_NOSIGNAL)) }
                guard w > 0 else { return note("send failed after \(offset + done) bytes: \(String(cString: strerror(errno)))") }
                done += w
            }
            offset += n
        }
        var received = 0
        var intact = true
        while received < total {
            let r = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            guard r > 0 else { return note("the guest's data ended after \(received) of \(total) bytes") }
            for i in 0..<r where chunk[i] != diskPattern(2, received + i) {
                intact = false
                break
            }
            received += r
        }
        if !intact { note("the bytes from the guest differ from its pattern") }
        let after = link.counters()
        let fromGuest = (after.receivedBytes - before.receivedBytes) / max(1, after.receivedPackets - before.receivedPackets)
        let toGuest = (after.sentBytes - before.sentBytes) / max(1, after.sentPackets - before.sentPackets)
        print("    \(mebibytes) MiB each way over \(link.device): \(fromGuest) bytes per frame from the guest, \(toGuest) to it")
        if fromGuest <= 1514 { note("frames from the guest averaged \(fromGuest) bytes: no segmentation offload") }
        if toGuest <= 1514 { note("frames to the guest averaged \(toGuest) bytes: no large receive") }
        lock.lock()
        replies += 1
        lock.unlock()
    }

    /// Connects TCP socket `fd` to an IPv4 address.
    static func connect(_ fd: Int32, to address: String, port: Int) -> Bool {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, address, &a.sin_addr)
        let len = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, len) } } == 0
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func note(_ problem: String) {
        lock.lock()
        problems.append("host peer: " + problem)
        lock.unlock()
    }

    /// Stops the peer; the problems it saw, including too few exchanges.
    func finish() -> [String] {
        if case .service = peer {
            // The check ends the guest program itself, so the VM can exit just before the
            // check returns: give it a moment to report.
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline && !serviceDone { usleep(50_000) }
        }
        lock.lock()
        stopped = true
        lock.unlock()
        if listener >= 0 { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }
        lock.lock()
        defer { lock.unlock() }
        var result = problems
        switch peer {
        case .echoServer, .udpEchoServer:
            if served == 0 { result.append("host peer: the guest never reached the host server") }
        case .storm:
            if replies < 1 { result.append("host peer: the guest service did not answer after the storm") }
        case .client(_, let connections):
            if replies < connections { result.append("host peer: \(replies) of \(connections) replies from the guest server") }
        case .monitor:
            if !checkFinished { result.append("host peer: the monitoring API checks did not finish") }
            if replies < 1 { result.append("host peer: the application was not ended through its port") }
        case .debugger:
            if !checkFinished { result.append("host peer: the GDB checks did not finish") }
            if replies < 1 { result.append("host peer: the application was not ended through its port") }
        case .service:
            if !serviceChecked { result.append("host peer: the service checks did not finish") }
        case .stream:
            if replies < 1 && result.isEmpty { result.append("host peer: the stream did not finish") }
        case .udpClient(_, let count), .linkClient(_, let count, _):
            if replies < count { result.append("host peer: \(replies) of \(count) replies from the guest server") }
        }
        return result
    }
}
