import Foundation
import Glibc
import SkiffHost

/// A server application in the guest, checked from the host the way its users would: with
/// its own client tools (redis-cli, curl, wrk) or its wire protocol over a port forward.
struct ServiceCheck: Sendable {
    /// Guest TCP ports forwarded from fresh host ports.
    var guestPorts: [Int]
    /// Console text that says the server is up (the checks still retry while a forward is
    /// refused: QEMU accepts on the host before the guest does).
    var ready: String
    /// Runs the checks against the host ports (in `guestPorts` order) and returns the problems
    /// found. It must end the guest program, which the test's exit status then judges.
    var run: @Sendable ([Int]) -> [String]
}

/// What service checks use to talk to a guest server.
enum ServiceClient {
    /// Runs a host tool; its standard output, or a problem that quotes what it said.
    static func tool(_ path: String, _ arguments: [String], timeout: Double = 60) -> Result<String, ServiceProblem> {
        var process = Subprocess(path, arguments)
        process.timeout = timeout
        guard let result = try? process.run() else {
            return .failure(ServiceProblem("cannot run \(path)"))
        }
        let name = (path as NSString).lastPathComponent
        if result.timedOut { return .failure(ServiceProblem("\(name) \(arguments.joined(separator: " ")) timed out")) }
        if result.status != 0 {
            let said = (result.errorText + result.outputText).trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(ServiceProblem("\(name) \(arguments.joined(separator: " ")) failed (\(result.status)): \(said)"))
        }
        return .success(result.outputText)
    }

    /// Sends `request` on a new connection and reads until the reply ends with `terminator`
    /// or the server closes. Retries for up to `patience` seconds while no reply comes (a
    /// forward the guest has not taken up yet ends at once).
    static func exchange(port: Int, _ request: String, until terminator: String, patience: Double = 30) -> String? {
        let deadline = Date().addingTimeInterval(patience)
        repeat {
            if let fd = Loopback.connect(port: port) {
                defer { close(fd) }
                var timeout = timeval(tv_sec: 20, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let bytes = Array(request.utf8)
                _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
                var reply: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = recv(fd, &buffer, buffer.count, 0)
                    if n <= 0 { break }
                    reply += buffer[0..<n]
                    if String(decoding: reply, as: UTF8.self).hasSuffix(terminator) { break }
                }
                if !reply.isEmpty { return String(decoding: reply, as: UTF8.self) }
            }
            usleep(300_000)
        } while Date() < deadline
        return nil
    }

    /// curl with `arguments`, retrying for half a minute while the guest does not answer yet
    /// (QEMU accepts a forwarded connection before the guest listens).
    static func curl(_ arguments: [String]) -> Result<String, ServiceProblem> {
        tool("/usr/bin/curl", ["-sS", "--max-time", "20", "--retry", "30", "--retry-all-errors", "--retry-delay", "1"] + arguments)
    }

    /// `wrk` on `url` for `seconds` with `connections`: the requests completed, and problems
    /// unless at least ten did, all with 2xx and without socket errors.
    static func load(_ url: String, seconds: Int = 3, connections: Int = 4) -> (requests: Int, problems: [String]) {
        let arguments = ["-t", "1", "-c", "\(connections)", "-d", "\(seconds)s", "--timeout", "10s", url]
        switch tool("/usr/bin/wrk", arguments, timeout: Double(seconds) + 60) {
        case .success(let out):
            var problems: [String] = []
            let requests = out.firstMatch(of: #/([0-9]+) requests in/#).flatMap { Int($0.1) } ?? 0
            if requests < 10 { problems.append("wrk completed \(requests) requests: \(out.debugDescription)") }
            if out.contains("Non-2xx") || out.contains("Socket errors") { problems.append("wrk saw errors: \(out.debugDescription)") }
            return (requests, problems)
        case .failure(let problem): return (0, [problem.description])
        }
    }

    /// Asks a `supervise` program (GuestTests/programs/supervise.c) to stop its server.
    static func stopSupervised(port: Int) -> ServiceProblem? {
        guard let fd = Loopback.connect(port: port) else {
            return ServiceProblem("the supervisor's control port refused the connection")
        }
        let bytes = Array("stop\n".utf8)
        _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
        usleep(200_000)
        close(fd)
        return nil
    }
}

/// One thing a service check found wrong.
struct ServiceProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
