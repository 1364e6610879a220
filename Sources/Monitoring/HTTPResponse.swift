/// A response the server sends in one piece, then closes the connection.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var contentType: StaticString
    public var body: [UInt8]
    /// HEAD: the headers of the GET answer without its body.
    public var omitBody = false

    public init(status: HTTPStatus, contentType: StaticString, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func json(_ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: .ok, contentType: "application/json", body: body)
    }

    /// An error answer: `{"message": …, "code": …}` as OSv's server sends.
    public static func error(_ status: HTTPStatus, _ message: String) -> HTTPResponse {
        var w = JSONWriter()
        w.beginObject()
        w.key("message")
        w.string(message)
        w.key("code")
        w.int(status.code)
        w.endObject()
        return HTTPResponse(status: status, contentType: "application/json", body: w.bytes)
    }

    /// The bytes on the wire.
    public func serialized() -> [UInt8] {
        var out = Array("HTTP/1.1 \(status.code) ".utf8)
        out.append(contentsOf: UnsafeBufferPointer(start: status.reason.utf8Start, count: status.reason.utf8CodeUnitCount))
        out.append(contentsOf: Array("\r\nServer: Skiff\r\nConnection: close\r\nContent-Type: ".utf8))
        out.append(contentsOf: UnsafeBufferPointer(start: contentType.utf8Start, count: contentType.utf8CodeUnitCount))
        out.append(contentsOf: Array("\r\nContent-Length: \(body.count)\r\n".utf8))
        if status == .methodNotAllowed { out.append(contentsOf: Array("Allow: GET, HEAD\r\n".utf8)) }
        out.append(contentsOf: Array("\r\n".utf8))
        if !omitBody { out.append(contentsOf: body) }
        return out
    }
}
