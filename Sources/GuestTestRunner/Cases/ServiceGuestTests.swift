import Foundation
import SkiffHost

/// Unmodified servers from Debian's packages, checked from the host with their own clients.

let redisImage = ImageRecipe(
    name: "redis", hostPrograms: [("/usr/bin/redis-server", "/usr/bin/redis-server")],
    hostTools: ["/usr/bin/redis-cli", "/usr/bin/redis-benchmark"])

let memcachedImage = ImageRecipe(
    name: "memcached", hostPrograms: [("/usr/bin/memcached", "/usr/bin/memcached")])

/// nginx the way OSv runs it: one process, no daemon; temporary files in /tmp (the image is
/// read-only), errors to the console.
let nginxConfig = """
    daemon off;
    master_process off;
    worker_processes 1;
    error_log stderr notice;
    pid /tmp/nginx.pid;
    events { worker_connections 128; }
    http {
        access_log off;
        client_body_temp_path /tmp/client_body;
        proxy_temp_path /tmp/proxy;
        fastcgi_temp_path /tmp/fastcgi;
        uwsgi_temp_path /tmp/uwsgi;
        scgi_temp_path /tmp/scgi;
        types { text/html html; text/plain txt; }
        server {
            listen 8080;
            root /www;
            location / { index index.html; }
        }
    }

    """

let nginxPage = "<h1>nginx on Skiff</h1>\n"
let nginxText = String(repeating: "0123456789abcdef", count: 4096)  // 64 KiB: several TCP windows

let nginxImage = ImageRecipe(
    name: "nginx", hostPrograms: [("/usr/sbin/nginx", "/usr/sbin/nginx")],
    files: [("/etc/nginx/nginx.conf", nginxConfig), ("/www/index.html", nginxPage), ("/www/big.txt", nginxText)],
    hostTools: ["/usr/bin/curl", "/usr/bin/wrk"])

/// SET/GET and friends with redis-cli, a short redis-benchmark, then SHUTDOWN.
let redisCheck = ServiceCheck(guestPorts: [6379], ready: "Ready to accept connections") { ports in
    let port = String(ports[0])
    var problems: [String] = []
    /// A redis-cli command's reply; a failure to run it is a problem.
    func cli(_ arguments: [String]) -> String? {
        switch ServiceClient.tool("/usr/bin/redis-cli", ["-p", port] + arguments, timeout: 30) {
        case .success(let out): return out.trimmingCharacters(in: .whitespacesAndNewlines)
        case .failure(let problem):
            problems.append(problem.description)
            return nil
        }
    }
    // The forward may not reach the guest yet: wait for PONG.
    let deadline = Date().addingTimeInterval(30)
    while (try? Subprocess("/usr/bin/redis-cli", ["-p", port, "ping"]).run())?.outputText.hasPrefix("PONG") != true {
        if Date() > deadline { return ["redis-cli ping never got PONG"] }
        usleep(300_000)
    }
    let expectations: [([String], String)] = [
        (["set", "greeting", "hello from redis"], "OK"),
        (["get", "greeting"], "hello from redis"),
        (["incrby", "counter", "41"], "41"),
        (["incr", "counter"], "42"),
        (["rpush", "list", "a", "b", "c"], "3"),
        (["lrange", "list", "0", "-1"], "a\nb\nc"),
        (["hset", "h", "f", "v"], "1"),
        (["hget", "h", "f"], "v"),
        (["dbsize"], "4"),
    ]
    for (arguments, expected) in expectations {
        guard let got = cli(arguments) else { continue }
        if got != expected { problems.append("redis-cli \(arguments.joined(separator: " ")): \(got.debugDescription), expected \(expected.debugDescription)") }
    }
    switch ServiceClient.tool("/usr/bin/redis-benchmark", ["-p", port, "-n", "2000", "-c", "8", "-t", "set,get", "-q"], timeout: 120) {
    case .success(let out):
        for command in ["SET", "GET"] where out.range(of: command + #": [0-9.]+ requests per second"#, options: .regularExpression) == nil {
            problems.append("redis-benchmark printed no \(command) rate: \(out.suffix(200).debugDescription)")
        }
    case .failure(let problem): problems.append(problem.description)
    }
    if cli(["get", "greeting"]) != "hello from redis" { problems.append("the data did not survive the benchmark's own keys") }
    _ = try? Subprocess("/usr/bin/redis-cli", ["-p", port, "shutdown", "nosave"]).run()
    return problems
}

/// The text protocol over a socket: set, get, multi-get, incr, delete, then `shutdown` (-A).
/// `-vv` makes memcached say when it listens (and log each command to the console).
let memcachedCheck = ServiceCheck(guestPorts: [11211], ready: "server listening") { ports in
    let port = ports[0]
    var problems: [String] = []
    let exchanges: [(String, String, String)] = [
        ("set greeting 0 0 16\r\nhello, memcached\r\n", "\r\n", "STORED\r\n"),
        ("get greeting\r\n", "END\r\n", "VALUE greeting 0 16\r\nhello, memcached\r\nEND\r\n"),
        ("set n 5 0 2\r\n40\r\n", "\r\n", "STORED\r\n"),
        ("incr n 2\r\n", "\r\n", "42\r\n"),
        ("get greeting n\r\n", "END\r\n", "VALUE greeting 0 16\r\nhello, memcached\r\nVALUE n 5 2\r\n42\r\nEND\r\n"),
        ("delete greeting\r\n", "\r\n", "DELETED\r\n"),
        ("get greeting\r\n", "END\r\n", "END\r\n"),
        ("incr missing 1\r\n", "\r\n", "NOT_FOUND\r\n"),
    ]
    for (request, terminator, expected) in exchanges {
        let reply = ServiceClient.exchange(port: port, request, until: terminator)
        if reply != expected {
            problems.append("memcached \(request.prefix(while: { $0 != "\r" })): \(reply.debugDescription), expected \(expected.debugDescription)")
        }
    }
    let stats = ServiceClient.exchange(port: port, "stats\r\n", until: "END\r\n") ?? ""
    if !stats.contains("STAT cmd_get 4\r\n") { problems.append("memcached stats lack cmd_get 4: \(stats.prefix(300).debugDescription)") }
    _ = ServiceClient.exchange(port: port, "shutdown\r\n", until: "\r\n", patience: 2)
    return problems
}

/// curl for a page, a missing one and a 64 KiB file; wrk for a few seconds; then stop.
let nginxCheck = ServiceCheck(guestPorts: [8080, 7000], ready: "supervise: started") { ports in
    let base = "http://127.0.0.1:\(ports[0])"
    var problems: [String] = []
    switch ServiceClient.curl(["-D", "-", base + "/"]) {
    case .success(let out):
        if !out.hasPrefix("HTTP/1.1 200 OK") || !out.contains("Server: nginx") || !out.hasSuffix(nginxPage) {
            problems.append("GET / answered \(out.debugDescription)")
        }
    case .failure(let problem): problems.append(problem.description)
    }
    switch ServiceClient.curl(["-o", "/dev/null", "-w", "%{http_code}", base + "/missing.html"]) {
    case .success(let out): if out != "404" { problems.append("GET /missing.html: status \(out), expected 404") }
    case .failure(let problem): problems.append(problem.description)
    }
    switch ServiceClient.curl([base + "/big.txt"]) {
    case .success(let out): if out != nginxText { problems.append("GET /big.txt: \(out.utf8.count) bytes differ from the 65536 served") }
    case .failure(let problem): problems.append(problem.description)
    }
    problems += ServiceClient.load(base + "/").problems
    if let problem = ServiceClient.stopSupervised(port: ports[1]) { problems.append(problem.description) }
    return problems
}

/// The Swift server (GuestTests/apps/hello-hummingbird): text, a path parameter, a JSON body
/// both ways and a malformed one, shared state across requests, wrk; then /quit ends it.
let hummingbirdCheck = ServiceCheck(guestPorts: [8080], ready: "Server started and listening") { ports in
    let base = "http://127.0.0.1:\(ports[0])"
    var problems: [String] = []
    func get(_ path: String, _ extra: [String] = []) -> String? {
        switch ServiceClient.curl(extra + [base + path]) {
        case .success(let out): return out
        case .failure(let problem):
            problems.append(problem.description)
            return nil
        }
    }
    if let out = get("/", ["-D", "-"]), !out.hasPrefix("HTTP/1.1 200 OK") || !out.hasSuffix("\r\n\r\nhello from hummingbird\n") {
        problems.append("GET / answered \(out.debugDescription)")
    }
    if let out = get("/greet/skiff"), out != "hello, skiff\n" { problems.append("GET /greet/skiff answered \(out.debugDescription)") }
    let json = ["-H", "Content-Type: application/json", "--data"]
    if let out = get("/sum", json + [#"{"numbers": [1, 2, 3, 36]}"#]) {
        let reply = (try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any]
        if reply?["total"] as? Int != 42 || (reply?["numbers"] as? [Int]) != [1, 2, 3, 36] {
            problems.append("POST /sum answered \(out.debugDescription)")
        }
    }
    if let out = get("/sum", ["-o", "/dev/null", "-w", "%{http_code}"] + json + ["{not json"]), out != "400" {
        problems.append("POST /sum with a malformed body: status \(out), expected 400")
    }
    if let out = get("/missing", ["-o", "/dev/null", "-w", "%{http_code}"]), out != "404" {
        problems.append("GET /missing: status \(out), expected 404")
    }
    let counts = [get("/count"), get("/count")]
    if counts != ["requests 1\n", "requests 2\n"] { problems.append("GET /count twice answered \(counts)") }
    problems += ServiceClient.load(base + "/greet/wrk").problems
    if let out = get("/quit"), out != "bye\n" { problems.append("GET /quit answered \(out.debugDescription)") }
    return problems
}

let serviceGuestTests: [GuestTest] = [
    GuestTest(
        "redis-server: SET/GET with redis-cli and redis-benchmark from the host, then SHUTDOWN",
        "--quiet /usr/bin/redis-server --port 6379 --save '' --appendonly no --protected-mode no",
        status: 0,
        expect: [
            .contains("Ready to accept connections"), .contains("Redis is now ready to exit"), .lacks("WARNING Memory overcommit"),
        ],
        memoryMiB: 256, cpus: 2, timeout: 240, recipe: redisImage, network: true, hostPeer: .service(redisCheck)),
    GuestTest(
        "memcached: set/get/incr/delete from the host, then shutdown",
        "--quiet /usr/bin/memcached -u root -A -p 11211 -U 0 -t 2 -vv", status: 0, cpus: 2, timeout: 180,
        recipe: memcachedImage, network: true, hostPeer: .service(memcachedCheck)),
    GuestTest(
        "nginx (master_process off): curl and wrk from the host; SIGQUIT ends it",
        "--quiet /bin/supervise-dynamic 7000 3 /usr/sbin/nginx -e stderr", status: 0,
        expect: [.contains("supervise: sending signal 3"), .matches(#"^supervise: [0-9]+ exited with status 0$"#)],
        timeout: 240, programs: ["supervise-dynamic"], recipe: nginxImage, network: true, hostPeer: .service(nginxCheck)),
    GuestTest(
        "Hummingbird (Swift, --static-swift-stdlib): curl and wrk from the host, then /quit",
        "--quiet /bin/hello-hummingbird 8080", status: 0,
        expect: [.contains("hummingbird: listening on port 8080"), .contains("hummingbird: quit requested")],
        memoryMiB: 512, cpus: 2, timeout: 240, programs: ["hello-hummingbird"], network: true,
        hostPeer: .service(hummingbirdCheck)),
]
