/// The response statuses the monitoring server uses.
public struct HTTPStatus: Equatable, Sendable {
    public var code: Int
    public var reason: StaticString

    public init(code: Int, reason: StaticString) {
        self.code = code
        self.reason = reason
    }

    public static func == (a: HTTPStatus, b: HTTPStatus) -> Bool { a.code == b.code }

    public static let ok = HTTPStatus(code: 200, reason: "OK")
    public static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
    public static let notFound = HTTPStatus(code: 404, reason: "Not Found")
    public static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
    public static let requestTimeout = HTTPStatus(code: 408, reason: "Request Timeout")
    public static let uriTooLong = HTTPStatus(code: 414, reason: "URI Too Long")
    public static let headersTooLarge = HTTPStatus(code: 431, reason: "Request Header Fields Too Large")
    public static let notImplemented = HTTPStatus(code: 501, reason: "Not Implemented")
    public static let versionNotSupported = HTTPStatus(code: 505, reason: "HTTP Version Not Supported")
}
