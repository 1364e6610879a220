/// Writes JSON text without Foundation (the kernel has none): values in order, commas and
/// nesting handled here. Strings are escaped per RFC 8259; bytes that are not valid UTF-8
/// become U+FFFD so the output always parses.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Per open container: whether a value was written in it (a comma goes before the next).
    private var hasValue: [Bool] = []
    private var afterKey = false

    public init() {}

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        hasValue.append(false)
    }

    public mutating func endObject() {
        hasValue.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        hasValue.append(false)
    }

    public mutating func endArray() {
        hasValue.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func key(_ name: String) {
        separate()
        appendString(Array(name.utf8))
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func string(_ value: String) { string(bytes: Array(value.utf8)) }

    public mutating func string(bytes value: [UInt8]) {
        separate()
        appendString(value)
    }

    public mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: Array("\(value)".utf8))
    }

    public mutating func uint(_ value: UInt64) {
        separate()
        bytes.append(contentsOf: Array("\(value)".utf8))
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: Array((value ? "true" : "false").utf8))
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: Array("null".utf8))
    }

    /// `"name": value` shorthands.
    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    public mutating func field(_ name: String, bytes value: [UInt8]) {
        key(name)
        string(bytes: value)
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        int(value)
    }

    public mutating func field(_ name: String, _ value: UInt64) {
        key(name)
        uint(value)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        if let last = hasValue.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            hasValue[hasValue.count - 1] = true
        }
    }

    private mutating func appendString(_ s: [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var i = 0
        while i < s.count {
            let c = s[i]
            switch c {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), c])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), c])
            case 0x0A: bytes.append(contentsOf: Array("\\n".utf8))
            case 0x0D: bytes.append(contentsOf: Array("\\r".utf8))
            case 0x09: bytes.append(contentsOf: Array("\\t".utf8))
            case 0..<0x20, 0x7F:
                let digits = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(digits[Int(c >> 4)])
                bytes.append(digits[Int(c & 15)])
            case 0x20..<0x80:
                bytes.append(c)
            default:
                let n = Self.utf8SequenceLength(s, at: i)
                if n == 0 {
                    bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    i += 1
                    continue
                }
                bytes.append(contentsOf: s[i..<(i + n)])
                i += n
                continue
            }
            i += 1
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The length of the valid UTF-8 sequence starting at `i` (a non-ASCII lead byte), or 0.
    static func utf8SequenceLength(_ s: [UInt8], at i: Int) -> Int {
        let c = s[i]
        let n: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: n = 2
        case 0xE0: n = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: n = 3
        case 0xED: n = 3; high = 0x9F
        case 0xF0: n = 4; low = 0x90
        case 0xF1...0xF3: n = 4
        case 0xF4: n = 4; high = 0x8F
        default: return 0
        }
        guard i + n <= s.count else { return 0 }
        for k in 1..<n {
            let b = s[i + k]
            if k == 1 {
                guard b >= low && b <= high else { return 0 }
            } else {
                guard b >= 0x80 && b <= 0xBF else { return 0 }
            }
        }
        return n
    }
}
