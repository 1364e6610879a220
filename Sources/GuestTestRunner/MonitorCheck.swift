import Foundation
import Glibc
import SkiffHost
import Trace

/// The monitoring API guest test's host side: fetches every path through the port forward,
/// checks the JSON (JSONSerialization) and the Prometheus text (`PrometheusText`), sends
/// malformed requests that must get 4xx answers, and checks the server still answers.
enum MonitorCheck {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: Data
    }

    /// Sends `request` raw to 127.0.0.1:`port` (then closes the sending side with
    /// `halfClose`); the whole answer (the server closes after it).
    static func exchange(port: Int, _ request: [UInt8], halfClose: Bool = false) -> Response? {
        guard let fd = Loopback.connect(port: port) else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = send(fd, request, request.count, Int32(MSG_NOSIGNAL))
        if halfClose { shutdown(fd, Int32(SHUT_WR)) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusFields = head[0].split(separator: " ")
        guard statusFields.count >= 2, statusFields[0] == "HTTP/1.1", let status = Int(statusFields[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: data[split.upperBound...])
    }

    static func get(port: Int, _ path: String) -> Response? {
        exchange(port: port, Array("GET \(path) HTTP/1.1\r\nHost: skiff\r\nUser-Agent: skiff-guest-tests\r\n\r\n".utf8))
    }

    /// Every check; the problems found.
    static func run(port: Int, cpus: Int) -> [String] {
        var problems: [String] = []
        // QEMU accepts forwarded connections before the guest does: retry the first request.
        var index: Response? = nil
        for _ in 0..<50 {
            if let r = get(port: port, "/"), r.status == 200 {
                index = r
                break
            }
            usleep(200_000)
        }
        guard let index else { return ["GET / never answered"] }
        guard let listing = try? JSONSerialization.jsonObject(with: index.body) as? [String: Any],
            let paths = listing["paths"] as? [String]
        else { return ["GET / is not a JSON object with \"paths\""] }

        var json: [String: Any] = [:]
        let extra = ["/network/ifconfig/eth0", "/network/ifconfig/lo/", "/env/PATH", "/trace/event/sched_switch", "/trace/event/syscall_write_ret"]
        for path in paths.filter({ !$0.contains("{") }) + extra {
            guard let r = get(port: port, path) else {
                problems.append("GET \(path): no HTTP answer")
                continue
            }
            guard r.status == 200 else {
                problems.append("GET \(path): status \(r.status) \(String(decoding: r.body, as: UTF8.self))")
                continue
            }
            guard r.headers["content-length"] == String(r.body.count) else {
                problems.append("GET \(path): Content-Length \(r.headers["content-length"] ?? "none") for \(r.body.count) bytes")
                continue
            }
            switch path {
            case "/metrics": problems += checkMetrics(r, cpus: cpus)
            case "/trace/buffers":
                do { _ = try TraceDump.parse([UInt8](r.body)) } catch { problems.append("GET /trace/buffers: \(error)") }
            default:
                guard r.headers["content-type"] == "application/json" else {
                    problems.append("GET \(path): content type \(r.headers["content-type"] ?? "none")")
                    continue
                }
                do {
                    json[path] = try JSONSerialization.jsonObject(with: r.body, options: .fragmentsAllowed)
                } catch {
                    problems.append("GET \(path): invalid JSON (\(error.localizedDescription)): \(String(decoding: r.body.prefix(200), as: UTF8.self))")
                }
            }
        }
        problems += checkValues(json, cpus: cpus)
        problems += checkBadRequests(port: port)
        return problems
    }

    static func checkValues(_ json: [String: Any], cpus: Int) -> [String] {
        var problems: [String] = []
        func expect(_ ok: Bool, _ what: String) { if !ok { problems.append(what) } }
        expect(json["/os/version"] as? String == "0.1.0", "/os/version is \(String(describing: json["/os/version"]))")
        expect(json["/os/name"] as? String == "Skiff", "/os/name")
        expect(json["/hardware/processor/count"] as? Int == cpus, "/hardware/processor/count is not \(cpus)")
        let total = json["/os/memory/total"] as? Int ?? 0
        let free = json["/os/memory/free"] as? Int ?? 0
        expect(total > 64 << 20 && free > 0 && free < total, "/os/memory/total \(total), free \(free)")
        expect((json["/os/cmdline"] as? String)?.contains("--monitor") == true, "/os/cmdline lacks --monitor")
        expect((json["/os/dmesg"] as? String)?.contains("monitor: HTTP API on port 8000") == true, "/os/dmesg lacks the monitor line")
        expect((json["/hardware/processor/flags"] as? [String])?.contains("fpu") == true, "/hardware/processor/flags lacks fpu")
        expect((json["/os/date"] as? String)?.hasSuffix("Z") == true, "/os/date")
        let threads = (json["/os/threads"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        expect(threads.contains { $0["name"] as? String == "net-static" && $0["tid"] as? Int == 1 }, "/os/threads lacks the application thread")
        expect(threads.contains { $0["name"] as? String == "monitor" }, "/os/threads lacks the monitor thread")
        let interfaces = json["/network/ifconfig"] as? [[String: Any]] ?? []
        let eth0 = interfaces.first { ($0["config"] as? [String: Any])?["name"] as? String == "eth0" }
        expect((eth0?["config"] as? [String: Any])?["addr"] as? String == "10.0.2.15", "/network/ifconfig: eth0 is not 10.0.2.15")
        expect(((eth0?["data"] as? [String: Any])?["ifi_ipackets"] as? Int ?? 0) > 0, "/network/ifconfig: eth0 received nothing")
        expect(((json["/network/ifconfig/eth0"] as? [String: Any])?["config"] as? [String: Any])?["mtu"] as? Int == 1500, "/network/ifconfig/eth0 mtu")
        expect((json["/network/route"] as? [[String: Any]])?.contains { $0["gateway"] as? String == "10.0.2.2" } == true, "/network/route lacks the default gateway")
        expect((json["/env/PATH"] as? String)?.contains("/bin") == true, "/env/PATH")
        expect((json["/env"] as? [String])?.contains { $0.hasPrefix("HOME=") } == true, "/env lacks HOME")
        let status = json["/trace/status"] as? [[String: Any]] ?? []
        expect(status.count > 600, "/trace/status lists \(status.count) tracepoints")
        expect(status.contains { $0["name"] as? String == "syscall_write" && $0["enabled"] as? Bool == true }, "/trace/status: syscall_write not enabled")
        expect((json["/trace/event/sched_switch"] as? [String: Any])?["enabled"] as? Bool == false, "/trace/event/sched_switch")
        let counts = (json["/trace/count"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        expect(counts.contains { ($0["name"] as? String)?.hasPrefix("syscall_write") == true }, "/trace/count has no syscall_write events")
        return problems
    }

    static func checkMetrics(_ r: Response, cpus: Int) -> [String] {
        guard r.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true else { return ["/metrics content type"] }
        let metrics: PrometheusText
        do { metrics = try PrometheusText(parsing: String(decoding: r.body, as: UTF8.self)) } catch {
            return ["/metrics: \(error)"]
        }
        var problems: [String] = []
        func expect(_ ok: Bool, _ what: String) { if !ok { problems.append("/metrics: " + what) } }
        for name in [
            "skiff_memory_free_bytes", "skiff_memory_cache_bytes", "skiff_cpu_seconds_total", "skiff_syscalls_total", "skiff_threads", "skiff_context_switches_total",
            "skiff_network_receive_bytes_total", "skiff_block_requests_total", "skiff_tcp_segments_total", "skiff_uptime_seconds",
        ] {
            expect(!metrics.values(name).isEmpty, "no \(name)")
            expect(metrics.help[name] != nil, "no HELP for \(name)")
        }
        expect(metrics.values("skiff_syscalls_total").reduce(0) { $0 + $1.value } > 0, "no system calls counted")
        expect(metrics.values("skiff_cpus").first?.value == Double(cpus), "skiff_cpus")
        expect(
            metrics.values("skiff_network_receive_bytes_total").contains { $0.labels["interface"] == "eth0" && $0.value > 0 },
            "eth0 received no bytes")
        expect(metrics.types["skiff_syscalls_total"] == "counter", "skiff_syscalls_total is not a counter")
        return problems
    }

    /// Malformed requests get 4xx answers and the server keeps serving.
    static func checkBadRequests(port: Int) -> [String] {
        var problems: [String] = []
        let cases: [(String, [UInt8], Int)] = [
            ("garbage", Array("BLAH\r\n\r\n".utf8), 400),
            ("binary", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x0D, 0x0A, 0x0D, 0x0A], 400),
            ("no Host", Array("GET /os/version HTTP/1.1\r\n\r\n".utf8), 400),
            ("bad escape", Array("GET /os/%zz HTTP/1.1\r\nHost: x\r\n\r\n".utf8), 400),
            ("unknown path", Array("GET /nothing/here HTTP/1.1\r\nHost: x\r\n\r\n".utf8), 404),
            ("POST", Array("POST /os/poweroff HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".utf8), 405),
            ("HTTP/2", Array("GET / HTTP/2.0\r\nHost: x\r\n\r\n".utf8), 505),
            ("huge header", Array(("GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 10000) + "\r\n\r\n").utf8), 431),
            ("cut off", Array("GET /os/version HTTP/1.1\r\nHo".utf8), 400),
        ]
        for (name, request, status) in cases {
            // "cut off": half a request, then the end of the stream.
            let r = exchange(port: port, request, halfClose: name == "cut off")
            if r?.status != status { problems.append("\(name) request: status \(r.map { String($0.status) } ?? "none"), expected \(status)") }
        }
        if get(port: port, "/os/version")?.status != 200 { problems.append("the server stopped answering after bad requests") }
        return problems
    }
}
