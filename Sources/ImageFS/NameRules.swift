/// The rules for directory entry names, and the byte order they are sorted in.
///
/// Names are byte strings, not Unicode text: Linux file names are, and comparing bytes needs no
/// Unicode tables in the kernel. The order is that of `memcmp` on the common prefix, the shorter
/// name first when one is a prefix of the other.
enum NameRules {
    enum Problem {
        case empty
        case tooLong
        case dotOrDotDot
        case containsSlash
        case containsNUL

        var kind: ImageError.Kind {
            self == .tooLong ? .nameTooLong : .invalidName
        }

        var text: String {
            switch self {
            case .empty: return "is empty"
            case .tooLong: return "is longer than 255 bytes"
            case .dotOrDotDot: return "is . or .."
            case .containsSlash: return "contains /"
            case .containsNUL: return "contains NUL"
            }
        }
    }

    /// What is wrong with `name`, or nil when it may be stored in a directory.
    static func problem(with name: UnsafeRawBufferPointer) -> Problem? {
        if name.isEmpty { return .empty }
        if name.count > ImageFormat.maxNameLength { return .tooLong }
        if isDotOrDotDot(name) { return .dotOrDotDot }
        for byte in name {
            if byte == slash { return .containsSlash }
            if byte == 0 { return .containsNUL }
        }
        return nil
    }

    static func problem(with name: [UInt8]) -> Problem? {
        name.withUnsafeBytes { problem(with: $0) }
    }

    static func isDotOrDotDot(_ name: UnsafeRawBufferPointer) -> Bool {
        (name.count == 1 && name[0] == dot) || (name.count == 2 && name[0] == dot && name[1] == dot)
    }

    /// Negative, zero or positive as `a` sorts before, equal to, or after `b`.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = a.count < b.count ? a.count : b.count
        var index = 0
        while index < common {
            let x = a[index]
            let y = b[index]
            if x != y { return x < y ? -1 : 1 }
            index += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in compare(x, y) } }
    }

    static let slash = UInt8(ascii: "/")
    static let dot = UInt8(ascii: ".")
}

/// A name as text for error messages; bytes that are not UTF-8 show as U+FFFD.
func printable(_ name: [UInt8]) -> String {
    String(decoding: name, as: UTF8.self)
}
