#if SKIFF_KERNEL
import LinuxABI
import Monitoring
import VFS

/// The monitoring HTTP server (`--monitor[=PORT]`, or OSv's `--api`): a kernel thread that
/// accepts TCP connections on the kernel's own stack, answers one GET per connection with
/// JSON or Prometheus text (`MonitorEndpoints`, `MonitorMetrics`), and closes it.
///
/// Requests are parsed by the portable `Monitoring.HTTPRequestParser`; anything malformed gets
/// a 4xx answer. A client that sends nothing for 5 s gets 408. One connection at a time: the
/// answers are small and quick, and a slow client cannot hold more than its timeout.
enum MonitorServer {
    static let timeout: UInt64 = 5_000_000_000
    nonisolated(unsafe) static var port = 0
    nonisolated(unsafe) static var served: UInt64 = 0
    nonisolated(unsafe) static var rejected: UInt64 = 0

    static func start(port p: Int) {
        port = p
        let listener: InternetSocket
        do throws(Errno) {
            listener = try InternetSocket.make(family: SocketConstants.AF_INET, type: SocketConstants.SOCK_STREAM, protocol: 0)
            try listener.bind(sockaddr(port: p))
            try listener.listen(backlog: 16)
        } catch {
            log("monitor: cannot listen on port \(p): " + String(error.name))
            return
        }
        _ = Scheduler.spawnKernelThread("monitor") {
            while true {
                do throws(Errno) {
                    let (connection, _) = try listener.accept()
                    serve(connection)
                    connection.released(flags: OpenFlags(rawValue: 0))
                } catch {
                    _ = Scheduler.sleep(until: Clock.monotonic &+ 10_000_000)
                }
            }
        }
        log("monitor: HTTP API on port \(p) (GET / lists the paths)")
    }

    /// `0.0.0.0:port` as a sockaddr_in.
    static func sockaddr(port: Int) -> [UInt8] {
        var a = [UInt8](repeating: 0, count: 16)
        a[0] = UInt8(SocketConstants.AF_INET)
        a[2] = UInt8(truncatingIfNeeded: port >> 8)
        a[3] = UInt8(truncatingIfNeeded: port)
        return a
    }

    /// Reads one request head (and any announced body), answers, and returns.
    static func serve(_ connection: SocketNode) {
        connection.receiveTimeout = timeout
        connection.sendTimeout = timeout
        var received: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
        defer { chunk.deallocate() }
        var response: HTTPResponse
        while true {
            let n: Int
            do throws(Errno) {
                n = try connection.receive(into: chunk, flags: 0, wantSource: false).count
            } catch {
                response = .error(error == .EAGAIN ? .requestTimeout : .badRequest, "no complete request")
                break
            }
            if n == 0 {
                if received.isEmpty { return }
                response = .error(.badRequest, "the connection ended inside the request")
                break
            }
            received.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            switch HTTPRequestParser.parse(received) {
            case .incomplete:
                continue
            case .malformed(let status, let message):
                response = .error(status, message)
            case .request(let request, _, _):
                switch MonitorRoute.resolve(request) {
                case .success(let route): response = MonitorEndpoints.answer(route)
                case .failure(let e): response = .error(e.status, e.message)
                }
                response.omitBody = request.isHead
            }
            break
        }
        if response.status == .ok { served &+= 1 } else { rejected &+= 1 }
        let bytes = response.serialized()
        var done = 0
        while done < bytes.count {
            let sent: Result<Int, Errno> = bytes.withUnsafeBytes { buffer in
                do throws(Errno) {
                    return .success(
                        try connection.send(UnsafeRawBufferPointer(rebasing: buffer[done...]), to: nil, flags: 0, control: SocketControl()))
                } catch {
                    return .failure(error)
                }
            }
            guard case .success(let n) = sent else { return }
            done += n
        }
        try? connection.shutdown(SocketConstants.SHUT_WR)
    }
}
#endif
