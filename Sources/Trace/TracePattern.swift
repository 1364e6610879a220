/// Tracepoint name patterns as `--trace=` takes them: `*` matches any run of characters, `?`
/// one character, everything else itself (OSv's syntax).
public struct TracePattern: Sendable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { bytes = Array(text.utf8) }

    public func matches(_ name: [UInt8]) -> Bool {
        // Iterative glob with backtracking to the last star: linear in practice.
        var p = 0
        var n = 0
        var star = -1
        var resume = 0
        let star8 = UInt8(ascii: "*")
        let question = UInt8(ascii: "?")
        while n < name.count {
            if p < bytes.count && (bytes[p] == question || bytes[p] == name[n]) && bytes[p] != star8 {
                p += 1
                n += 1
            } else if p < bytes.count && bytes[p] == star8 {
                star = p
                resume = n
                p += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                n = resume
            } else {
                return false
            }
        }
        while p < bytes.count && bytes[p] == star8 { p += 1 }
        return p == bytes.count
    }

    /// Whether any of `patterns` matches `name`.
    public static func any(_ patterns: [TracePattern], match name: [UInt8]) -> Bool {
        patterns.contains { $0.matches(name) }
    }
}
