import Foundation
import Glibc
import SkiffHost

/// The host side of the HTTP benchmark: `connections` keep-alive clients, each sending
/// `GET /` and reading the whole response before the next, for `seconds`, through QEMU's port
/// forward to the guest's server (`GuestTests/bench/httpd.c`). Then `GET /quit` ends the server.
///
/// A small built-in client rather than wrk: nothing to install, and the same code measures both
/// systems. Both pay QEMU's user-network forwarding, which under TCG is a large share of the
/// time, so only the ratio means anything.
struct HTTPLoad {
    var hostPort: Int
    var seconds: Double
    var connections: Int

    static let request = Array("GET / HTTP/1.1\r\nHost: bench\r\n\r\n".utf8)

    /// Waits (until `deadline`) for the server to answer, loads it, and returns requests per
    /// second. QEMU accepts forwarded connections before the guest does, so readiness is a
    /// whole response, not a connection.
    func run(deadline: Date) -> Result<Double, SkiffBenchError> {
        var probes = 0
        var last = Probe.refused
        while true {
            probes += 1
            last = probe()
            if last == .answered { break }
            if Date() > deadline {
                return .failure(SkiffBenchError("the guest's HTTP server never answered: \(probes) tries, the last \(last.rawValue)"))
            }
            usleep(100_000)
        }
        let responses = Tally()
        let start = Date()
        let end = start.addingTimeInterval(seconds)
        DispatchQueue.concurrentPerform(iterations: connections) { _ in
            responses.add(client(until: end))
        }
        let elapsed = Date().timeIntervalSince(start)
        quit()
        let total = responses.total
        guard total > 0 else { return .failure(SkiffBenchError("no HTTP responses from the guest")) }
        return .success(Double(total) / elapsed)
    }

    /// What one readiness probe found.
    enum Probe: String {
        case answered
        case refused = "refused (QEMU not listening yet)"
        case silent = "accepted by QEMU but not answered within 2 s"
    }

    /// One request on a fresh connection. The wait is short: a connection QEMU accepted while
    /// the guest was still booting may never be answered, and a new one is.
    private func probe() -> Probe {
        guard let fd = connect(receiveTimeout: 2) else { return .refused }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        return Self.exchange(fd, &buffer) ? .answered : .silent
    }

    /// One client's loop on one connection; the number of complete responses.
    private func client(until end: Date) -> Int {
        guard let fd = connect() else { return 0 }
        defer { close(fd) }
        var done = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < end && Self.exchange(fd, &buffer) { done += 1 }
        return done
    }

    /// Sends `GET /` on `fd` and reads until the whole response is in; false when the
    /// connection fails or ends first.
    private static func exchange(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return false }
        var have: [UInt8] = []
        while !isComplete(have) {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return false }
            have += buffer[0..<n]
        }
        return true
    }

    /// Whether `bytes` hold a whole response: headers and `Content-Length` bytes of body.
    static func isComplete(_ bytes: [UInt8]) -> Bool {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4, let headerEnd = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == separator })
        else { return false }
        let headers = String(decoding: bytes[0..<headerEnd], as: UTF8.self).lowercased()
        guard let line = headers.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return false }
        return bytes.count >= headerEnd + 4 + length
    }

    /// A connection through the forward, with Nagle off and a receive timeout.
    private func connect(receiveTimeout: Int = 20) -> Int32? {
        guard let fd = Loopback.connect(port: hostPort) else { return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(4))
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    private func quit() {
        guard let fd = connect() else { return }
        let quit = Array("GET /quit HTTP/1.1\r\nHost: bench\r\n\r\n".utf8)
        _ = send(fd, quit, quit.count, Int32(MSG_NOSIGNAL))
        close(fd)
    }
}

/// A count several threads add to; also what a background step hands back.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var sum = 0
    func add(_ n: Int) {
        lock.lock()
        sum += n
        lock.unlock()
    }
    var total: Int {
        lock.lock()
        defer { lock.unlock() }
        return sum
    }
}

/// The result a background thread leaves for the thread that waits for it.
final class Outcome<Value>: @unchecked Sendable {
    var value: Value? = nil
}

/// A benchmark step that failed, with what to tell the user.
struct SkiffBenchError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
