import Testing
@testable import Monitoring

struct HTTPRequestParserTests {
    func parse(_ text: String) -> HTTPRequestParser.Result { HTTPRequestParser.parse(Array(text.utf8)) }

    func status(_ text: String) -> Int? {
        if case .malformed(let s, _) = parse(text) { return s.code }
        return nil
    }

    @Test func simpleGet() throws {
        guard case .request(let r, let head, let body) = parse("GET /os/version HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n") else {
            Issue.record("not parsed")
            return
        }
        #expect(r.isGet)
        #expect(r.path == Array("/os/version".utf8))
        #expect(r.minorVersion == 1)
        #expect(r.header("host") == Array("x".utf8))
        #expect(head == 50)
        #expect(body == 0)
    }

    @Test func queryPercentEncodingAndBareLineFeeds() {
        guard case .request(let r, _, _) = parse("GET /env/MY%5FVAR?pretty=1 HTTP/1.0\n\n") else {
            Issue.record("not parsed")
            return
        }
        #expect(r.path == Array("/env/MY_VAR".utf8))
        #expect(r.query == Array("pretty=1".utf8))
        #expect(r.minorVersion == 0)
    }

    @Test func incompleteHeads() {
        #expect(parse("") == .incomplete)
        #expect(parse("GET / HTTP/1.1\r\nHost: x\r\n") == .incomplete)
        #expect(parse("GET / HT") == .incomplete)
    }

    @Test func malformedRequestsAre4xx() {
        #expect(status("GET\r\n\r\n") == 400)
        #expect(status("GET /  HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n") == 400)
        #expect(status("G(T / HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
        #expect(status("GET os/version HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
        #expect(status("GET http://a/os HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\n\r\n") == 400)  // no Host
        #expect(status("GET / HTTP/2.0\r\nHost: x\r\n\r\n") == 505)
        #expect(status("GET / HTTX/1.1\r\nHost: x\r\n\r\n") == 400)
        #expect(status("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
        #expect(status("GET /%4 HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
        #expect(status("GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost x\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost : x\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n") == 501)
        #expect(status("GET /" + String(repeating: "a", count: 3000) + " HTTP/1.1\r\nHost: x\r\n\r\n") == 414)
        #expect(status("GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 9000) + "\r\n\r\n") == 431)
        #expect(status("GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 9000)) == 431)
        #expect(status("GET / HTTP/1.1\r\nHost: \u{01}\r\n\r\n") == 400)
    }

    @Test func randomBytesNeverCrash() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("GET /os%2 HTTP/1.1\r\n:Host?x=y%".utf8) + [0, 0xFF, 0x80]
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<200, using: &rng)
            let bytes = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            _ = HTTPRequestParser.parse(bytes)
            var mutated = Array("GET /os/threads HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
            mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            _ = HTTPRequestParser.parse(mutated)
        }
    }

    @Test func routes() {
        func route(_ p: String) -> MonitorRoute? { MonitorRoute.match(Array(p.utf8)) }
        #expect(route("/") == .index)
        #expect(route("/os/version") == .osVersion)
        #expect(route("/os/version/") == .osVersion)
        #expect(route("/network/ifconfig/") == .interfaces)
        #expect(route("/network/ifconfig/eth0") == .interface(Array("eth0".utf8)))
        #expect(route("/env/PATH") == .environmentVariable(Array("PATH".utf8)))
        #expect(route("/trace/event/sched_switch") == .traceEvent(Array("sched_switch".utf8)))
        #expect(route("/env/a/b") == nil)
        #expect(route("/os") == nil)
        #expect(route("/metricsx") == nil)
        for p in MonitorRoute.paths { #expect(route(p) != nil) }
        let post = HTTPRequest(method: Array("POST".utf8), target: [], path: Array("/os/version".utf8), query: [], minorVersion: 1, headers: [])
        if case .failure(let e) = MonitorRoute.resolve(post) { #expect(e.status == .methodNotAllowed) } else { Issue.record("POST accepted") }
    }

    @Test func responses() {
        let r = HTTPResponse.error(.badRequest, "bad \"thing\"")
        let text = String(decoding: r.serialized(), as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(text.contains("Content-Length: \(r.body.count)\r\n"))
        #expect(text.hasSuffix("\r\n\r\n{\"message\":\"bad \\\"thing\\\"\",\"code\":400}"))
        var head = HTTPResponse.json(Array("{}".utf8))
        head.omitBody = true
        #expect(String(decoding: head.serialized(), as: UTF8.self).hasSuffix("Content-Length: 2\r\n\r\n"))
    }
}
