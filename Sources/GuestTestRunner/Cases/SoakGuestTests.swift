import Foundation
import SkiffHost

/// The soak test (issue 13): nginx under `wrk` for a bounded time while the host reads the
/// kernel's memory figures from the monitoring API between rounds. After a warm-up, memory in
/// use and the kernel heap must stay where they were: each round opens new connections and
/// serves thousands of keep-alive requests, so a leak per request or per connection shows.
/// (Rounds keep connections alive: connections the server closes would sit in TIME-WAIT for a
/// minute and look like growth.)
///
/// `make check` soaks for 20 s; `make soak SOAK_SECONDS=600` for as long as asked.
let soakSeconds = max(Int(ProcessInfo.processInfo.environment["SKIFF_SOAK_SECONDS"] ?? "") ?? 20, 5)

/// What may be in use at the end beyond the baseline: slabs and pages taken in steps, and the
/// monitoring connections of the last minute in TIME-WAIT (about 1 KiB each). A 20 s soak
/// serves some 14,000 requests, so this catches a leak of 20 bytes per request.
let soakAllowedGrowth = 256 << 10

struct SoakSample: CustomStringConvertible {
    var used: Int
    var heap: Int
    var description: String { "used \(used >> 10) KiB, heap \(heap >> 10) KiB" }

    /// Memory in use (managed minus free) and the kernel heap's allocated bytes, from /metrics.
    static func read(port: Int) -> SoakSample? {
        guard let response = MonitorCheck.get(port: port, "/metrics"),
            let metrics = try? PrometheusText(parsing: String(decoding: response.body, as: UTF8.self)),
            let total = metrics.values("skiff_memory_total_bytes").first?.value,
            let free = metrics.values("skiff_memory_free_bytes").first?.value,
            let heap = metrics.values("skiff_kernel_heap_bytes").first(where: { $0.labels["state"] == "allocated" })?.value
        else { return nil }
        return SoakSample(used: Int(total - free), heap: Int(heap))
    }
}

let soakCheck = ServiceCheck(guestPorts: [8080, 7000, 8000], ready: "supervise: started") { ports in
    var problems = soak(ports)
    if let problem = ServiceClient.stopSupervised(port: ports[1]) { problems.append(problem.description) }
    return problems
}

/// The warm-up and the measured rounds; the problems found. Ports: nginx, supervise, monitor.
func soak(_ ports: [Int]) -> [String] {
    let page = "http://127.0.0.1:\(ports[0])/"
    let big = "http://127.0.0.1:\(ports[0])/big.txt"
    var problems: [String] = []
    // nginx may not listen yet when supervise says it started: the first request retries.
    if case .failure(let problem) = ServiceClient.curl(["-o", "/dev/null", page]) { return [problem.description] }
    // Warm-up: caches, slabs and the connection table reach their working size.
    problems += ServiceClient.load(page, seconds: 3, connections: 8).problems
    problems += ServiceClient.load(big, seconds: 2, connections: 4).problems
    guard problems.isEmpty else { return problems }
    sleep(2)
    guard let baseline = SoakSample.read(port: ports[2]) else { return ["/metrics did not answer with the memory figures"] }
    var samples = [baseline]
    var requests = 0
    let deadline = Date().addingTimeInterval(Double(soakSeconds))
    var round = 0
    while Date() < deadline {
        let (done, found) = ServiceClient.load(round % 3 == 2 ? big : page, seconds: 5, connections: 8)
        requests += done
        problems += found
        round += 1
        sleep(1)
        guard let sample = SoakSample.read(port: ports[2]) else {
            problems.append("/metrics stopped answering after round \(round)")
            break
        }
        samples.append(sample)
    }
    if ProcessInfo.processInfo.environment["SKIFF_SOAK_SECONDS"] != nil {
        // `make soak`: the figures, for the record.
        let lines = samples.enumerated().map { "  round \($0.offset): \($0.element)" }.joined(separator: "\n")
        FileHandle.standardError.write(Data("soak: \(requests) requests in \(round) rounds\n\(lines)\n".utf8))
    }
    if let last = samples.last, samples.count > 1 {
        let grew = last.used - baseline.used
        let heapGrew = last.heap - baseline.heap
        if grew > soakAllowedGrowth || heapGrew > soakAllowedGrowth {
            problems.append(
                "memory grew under load: \(grew >> 10) KiB in use, \(heapGrew >> 10) KiB of kernel heap after \(requests) requests in \(round) rounds; samples: "
                    + samples.map(\.description).joined(separator: "; "))
        }
    } else {
        problems.append("no sample after the baseline")
    }
    return problems
}

let soakGuestTests: [GuestTest] = [
    GuestTest(
        "soak: nginx under wrk for \(soakSeconds) s, memory from /metrics between rounds: no growth after warm-up, no errors",
        "--monitor --quiet /bin/supervise-dynamic 7000 3 /usr/sbin/nginx -e stderr", status: 0,
        expect: [.matches(#"^supervise: [0-9]+ exited with status 0$"#)],
        memoryMiB: 256, timeout: Double(soakSeconds) + 240, programs: ["supervise-dynamic"], recipe: nginxImage,
        network: true, hostPeer: .service(soakCheck)),
]
