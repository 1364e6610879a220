import Foundation
import Glibc
import SkiffHost

/// The host side of the HTTP benchmark: wrk with `connections` keep-alive connections on
/// `threads` threads for `seconds` against the guest's server (`GuestTests/bench/httpd.c`),
/// giving requests per second and the latency percentiles; then `GET /quit` ends the server.
/// wrk is the usual tool, so the numbers compare with other systems' published ones; it runs
/// in the run's network namespace on the tap network.
struct HTTPLoad: HostLoad {
    var guestPort: Int
    var seconds: Int
    var connections: Int
    var threads: Int

    func run(_ endpoint: GuestEndpoint, deadline: Date, guestEnded: Flag) -> Result<[String: Double], SkiffBenchError> {
        if let error = endpoint.waitForServer(deadline: deadline, guestEnded: guestEnded, answers: Self.exchange) {
            return .failure(error)
        }
        defer { quit(endpoint) }
        guard let wrk = Subprocess.find("wrk") else {
            return .failure(SkiffBenchError("wrk is missing: install it with 'apt-get install wrk' (or 'make deps')"))
        }
        let command =
            endpoint.commandPrefix + [
                wrk, "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "--timeout", "10s", endpoint.url,
            ]
        var process = Subprocess(command[0], Array(command.dropFirst()))
        process.timeout = Double(seconds + 60)
        let result: Subprocess.Result
        do {
            result = try process.run()
        } catch let error as SkiffError {
            return .failure(SkiffBenchError(error.message))
        } catch {
            return .failure(SkiffBenchError("wrk: \(error)"))
        }
        let said = (result.outputText + result.errorText).split(separator: "\n").suffix(4).joined(separator: " / ")
        guard result.status == 0, !result.timedOut, let report = WrkReport.parse(result.outputText) else {
            return .failure(SkiffBenchError("wrk failed (\(result.timedOut ? "timed out" : "exit status \(result.status)")): \(said)"))
        }
        if let errors = report.errors {
            return .failure(SkiffBenchError("wrk saw errors: \(errors)"))
        }
        guard report.requests > 0, let median = report.latencyMilliseconds[50], let tail = report.latencyMilliseconds[99] else {
            return .failure(SkiffBenchError("wrk completed no requests: \(said)"))
        }
        return .success(["http-requests": report.requestsPerSecond, "http-latency-p50": median, "http-latency-p99": tail])
    }

    static let request = Array("GET / HTTP/1.1\r\nHost: bench\r\n\r\n".utf8)

    /// Sends `GET /` on `fd` and reads until the whole response is in; false when the
    /// connection fails or ends first. The readiness probe.
    private static func exchange(_ fd: Int32) -> Bool {
        guard request.withUnsafeBytes({ GuestEndpoint.sendAll(fd, $0) }) else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
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

    /// `GET /quit` ends the server (and with it the guest program).
    private func quit(_ endpoint: GuestEndpoint) {
        guard let fd = endpoint.connect() else { return }
        _ = GuestEndpoint.sendAll(fd, "GET /quit HTTP/1.1\r\nHost: bench\r\n\r\n")
        close(fd)
    }
}
