/// A parsed HTTP/1.x request head.
public struct HTTPRequest: Equatable, Sendable {
    public var method: [UInt8]
    /// The request target as sent (`/os/threads?x=1`).
    public var target: [UInt8]
    /// The percent-decoded path, without the query.
    public var path: [UInt8]
    public var query: [UInt8]
    public var minorVersion: Int
    public var headers: [HTTPHeader]

    public init(method: [UInt8], target: [UInt8], path: [UInt8], query: [UInt8], minorVersion: Int, headers: [HTTPHeader]) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.minorVersion = minorVersion
        self.headers = headers
    }

    /// The value of the first header named `name` (case-insensitive, ASCII).
    public func header(_ name: String) -> [UInt8]? {
        let wanted = Array(name.utf8)
        for h in headers where HTTPRequestParser.equalsIgnoringCase(h.name, wanted) { return h.value }
        return nil
    }

    public var isGet: Bool { method.elementsEqual("GET".utf8) }
    public var isHead: Bool { method.elementsEqual("HEAD".utf8) }
}

/// One header field.
public struct HTTPHeader: Equatable, Sendable {
    public var name: [UInt8]
    public var value: [UInt8]

    public init(name: [UInt8], value: [UInt8]) {
        self.name = name
        self.value = value
    }
}
