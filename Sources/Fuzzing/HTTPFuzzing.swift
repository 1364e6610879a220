import Monitoring

/// Requests to the monitoring API (`--monitor`): anyone who can reach the port sends them.
/// Each input is parsed whole and at every split the server could see (it reparses as bytes
/// arrive), then routed and answered.
enum HTTPFuzzing {
    static let harness = FuzzHarness(
        name: "http", summary: "monitoring API requests: HTTPRequestParser, MonitorRoute, HTTPResponse", maxLength: 10000,
        run: { data in
            let bytes = Array(data)
            var cut = 1
            while cut < bytes.count {
                _ = HTTPRequestParser.parse(Array(bytes[0..<cut]))
                cut = cut &* 3
            }
            let response: HTTPResponse
            switch HTTPRequestParser.parse(bytes) {
            case .incomplete: return
            case .malformed(let status, let message): response = .error(status, message)
            case .request(let request, _, _):
                switch MonitorRoute.resolve(request) {
                case .success(let route): response = .error(.ok, "\(route)")
                case .failure(let e): response = .error(e.status, e.message)
                }
            }
            _ = response.serialized()
        },
        seeds: {
            [
                "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET /os/version HTTP/1.0\r\n\r\n",
                "HEAD /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\nConnection: close\r\n\r\n",
                "GET /trace/buffers?cpu=0&x=%2F HTTP/1.1\r\nHost: a\r\n\r\n",
                "POST /os/reboot HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody",
                "GET /thread/list HTTP/1.1\nTransfer-Encoding: chunked\n\n",
                "\r\n\r\nGET /hardware/processor/flags HTTP/1.1\r\nX-Long:    spaced value   \r\n\r\n",
            ].enumerated().map { ("seed-\($0.offset)", Array($0.element.utf8)) }
        })
}
