/// Parses HTTP/1.0 and 1.1 request heads (RFC 9112) strictly enough that anything odd is a
/// 4xx/5xx answer rather than a guess: the request line must be `METHOD SP /path SP HTTP/1.x`,
/// header names are tokens with the colon right after them, and the head must fit in
/// ``limit`` bytes. Bare LF line ends are accepted, as most servers do. A body (which a GET
/// should not have) is allowed when Content-Length announces it; chunked bodies are 501.
public enum HTTPRequestParser {
    public enum Result: Equatable, Sendable {
        /// More bytes are needed.
        case incomplete
        /// A request head of `headLength` bytes, plus `bodyLength` body bytes after it.
        case request(HTTPRequest, headLength: Int, bodyLength: Int)
        /// The status to answer with, and why (for the response body).
        case malformed(HTTPStatus, String)
    }

    public static let limit = 8192
    public static let targetLimit = 2048

    public static func parse(_ bytes: [UInt8]) -> Result {
        guard let headEnd = endOfHead(bytes) else {
            if bytes.count > limit { return .malformed(.headersTooLarge, "request head larger than \(limit) bytes") }
            // A request line that is already too long will not get better.
            if !bytes.contains(lf) && bytes.count > targetLimit + 32 { return .malformed(.uriTooLong, "request target too long") }
            return .incomplete
        }
        if headEnd.length > limit { return .malformed(.headersTooLarge, "request head larger than \(limit) bytes") }
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i < headEnd.length {
            if bytes[i] == lf {
                var line = bytes[start..<i]
                if line.last == cr { line = line.dropLast() }
                lines.append(line)
                start = i + 1
            }
            i += 1
        }
        // RFC 9112 §2.2: ignore empty lines before the request line.
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let requestLine = lines.first else { return .malformed(.badRequest, "empty request") }

        let parts = requestLine.split(separator: space, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .malformed(.badRequest, "malformed request line") }
        let method = Array(parts[0])
        let target = Array(parts[1])
        let version = Array(parts[2])
        guard !method.isEmpty, method.allSatisfy(isTokenCharacter) else { return .malformed(.badRequest, "malformed method") }
        guard target.count <= targetLimit else { return .malformed(.uriTooLong, "request target too long") }
        guard version.count == 8, version.starts(with: Array("HTTP/".utf8)), version[6] == UInt8(ascii: "."),
            isDigit(version[5]), isDigit(version[7])
        else { return .malformed(.badRequest, "malformed HTTP version") }
        guard version[5] == UInt8(ascii: "1") else { return .malformed(.versionNotSupported, "only HTTP/1.x is supported") }
        guard target.first == slash else { return .malformed(.badRequest, "the request target must be a path") }
        guard target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .malformed(.badRequest, "invalid character in the request target") }

        var rawPath = target[...]
        var query: ArraySlice<UInt8> = []
        if let q = target.firstIndex(of: UInt8(ascii: "?")) {
            rawPath = target[..<q]
            query = target[(q + 1)...]
        }
        if let hash = rawPath.firstIndex(of: UInt8(ascii: "#")) { rawPath = rawPath[..<hash] }
        guard let path = percentDecode(rawPath) else { return .malformed(.badRequest, "malformed percent-encoding in the path") }
        guard !path.contains(0) else { return .malformed(.badRequest, "NUL in the path") }

        var headers: [HTTPHeader] = []
        for line in lines.dropFirst() {
            if line.first == space || line.first == tab { return .malformed(.badRequest, "obsolete header line folding") }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .malformed(.badRequest, "header line without a colon") }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else { return .malformed(.badRequest, "malformed header name") }
            var value = line[(colon + 1)...]
            while let f = value.first, f == space || f == tab { value = value.dropFirst() }
            while let l = value.last, l == space || l == tab { value = value.dropLast() }
            guard value.allSatisfy({ $0 == tab || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return .malformed(.badRequest, "invalid character in a header value")
            }
            headers.append(HTTPHeader(name: Array(name), value: Array(value)))
        }
        let request = HTTPRequest(
            method: method, target: target, path: path, query: Array(query), minorVersion: Int(version[7] - zero),
            headers: headers)
        if version[7] == UInt8(ascii: "1") && request.header("Host") == nil {
            return .malformed(.badRequest, "HTTP/1.1 request without a Host header")
        }
        if request.header("Transfer-Encoding") != nil { return .malformed(.notImplemented, "request bodies with Transfer-Encoding") }
        var bodyLength = 0
        var seenLength: Int? = nil
        for h in headers where equalsIgnoringCase(h.name, Array("content-length".utf8)) {
            guard let n = decimal(h.value), n <= 1 << 20 else { return .malformed(.badRequest, "malformed Content-Length") }
            if let s = seenLength, s != n { return .malformed(.badRequest, "conflicting Content-Length headers") }
            seenLength = n
            bodyLength = n
        }
        return .request(request, headLength: headEnd.length, bodyLength: bodyLength)
    }

    /// The length of the head including its blank line, once it is complete.
    static func endOfHead(_ bytes: [UInt8]) -> (length: Int, Void)? {
        var i = 0
        var sawContent = false
        var lineStart = 0
        while i < bytes.count {
            if bytes[i] == lf {
                var lineEnd = i
                if lineEnd > lineStart && bytes[lineEnd - 1] == cr { lineEnd -= 1 }
                if lineEnd == lineStart {
                    if sawContent { return (i + 1, ()) }
                } else {
                    sawContent = true
                }
                lineStart = i + 1
            }
            i += 1
        }
        return nil
    }

    public static func percentDecode(_ s: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == UInt8(ascii: "%") {
                guard i + 2 < s.endIndex, let h = hexValue(s[i + 1]), let l = hexValue(s[i + 2]) else {
                    return nil
                }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func decimal(_ v: [UInt8]) -> Int? {
        guard !v.isEmpty, v.count <= 9, v.allSatisfy(isDigit) else { return nil }
        return v.reduce(0) { $0 * 10 + Int($1 - zero) }
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= zero && c <= UInt8(ascii: "9") }

    /// RFC 9110 tchar.
    static func isTokenCharacter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), zero...UInt8(ascii: "9"): return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(c)
        }
    }

    public static func equalsIgnoringCase(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where lower(a[i]) != lower(b[i]) { return false }
        return true
    }

    static func lower(_ c: UInt8) -> UInt8 { c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c + 32 : c }

    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let slash = UInt8(ascii: "/")
    static let zero = UInt8(ascii: "0")
}
