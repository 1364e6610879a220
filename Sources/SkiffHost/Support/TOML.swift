import Foundation

/// A value in a TOML document.
public enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    /// The TOML name of the value's type, for error messages.
    public var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: keys in the order they were written, and the line each was defined on.
public struct TOMLTable: Equatable, Sendable {
    public private(set) var keys: [String] = []
    public private(set) var values: [String: TOMLValue] = [:]
    /// 1-based line of each key's definition.
    public private(set) var lines: [String: Int] = [:]
    /// Line of the `[header]` that opened the table (0 for the root and inline tables).
    public var headerLine = 0

    public init() {}

    public subscript(key: String) -> TOMLValue? { values[key] }

    public func line(of key: String) -> Int { lines[key] ?? headerLine }

    mutating func set(_ key: String, _ value: TOMLValue, line: Int) {
        if values[key] == nil { keys.append(key) }
        values[key] = value
        lines[key] = lines[key] ?? line
    }
}

/// A TOML syntax error, with the line it is on.
public struct TOMLError: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// A parser for the part of TOML 1.0 that configuration files use: tables, arrays of tables,
/// dotted keys, basic and literal strings (also multi-line), integers, floats, booleans, arrays
/// and inline tables. Dates and times are rejected with an error, as is anything else it does not
/// know; a duplicate key is an error, as TOML requires.
///
/// Written here rather than taken from a package because the project file needs only this much.
public struct TOMLParser {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1

    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(bytes: Array(text.utf8))
        return try parser.document()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: Document structure

    private mutating func document() throws(TOMLError) -> TOMLTable {
        var root = TOMLTable()
        /// The path of the table that `key = value` lines go into, and whether it is the last
        /// element of an array of tables.
        var current: [String] = []
        var currentIsArrayElement = false
        /// Tables defined by a header, so a second `[same]` is an error.
        var defined = Set<[String]>()
        while true {
            skipWhitespaceAndNewlinesAndComments()
            guard let c = peek() else { break }
            if c == UInt8(ascii: "[") {
                let headerLine = line
                position += 1
                let isArray = peek() == UInt8(ascii: "[")
                if isArray { position += 1 }
                skipSpaces()
                let path = try keyPath()
                skipSpaces()
                try expect("]")
                if isArray { try expect("]") }
                try endOfLine()
                if isArray {
                    try appendArrayTable(at: path, in: &root, line: headerLine)
                } else {
                    guard defined.insert(path).inserted else {
                        throw error("table [\(path.joined(separator: "."))] is defined twice", line: headerLine)
                    }
                    try createTable(at: path, in: &root, line: headerLine)
                }
                current = path
                currentIsArrayElement = isArray
            } else {
                let keyLine = line
                let path = try keyPath()
                skipSpaces()
                try expect("=")
                skipSpaces()
                let v = try value()
                try endOfLine()
                try insert(v, at: current, arrayElement: currentIsArrayElement, key: path, in: &root, line: keyLine)
            }
        }
        return root
    }

    /// Runs `body` on the table at `path` below `table`, creating missing tables.
    private func withTable(
        at path: ArraySlice<String>, in table: inout TOMLTable, line: Int, arrayElement: Bool = false,
        _ body: (inout TOMLTable) throws(TOMLError) -> Void
    ) throws(TOMLError) {
        guard let first = path.first else { return try body(&table) }
        var child: TOMLTable
        switch table[first] {
        case nil:
            child = TOMLTable()
            child.headerLine = line
        case .table(let t):
            child = t
        case .array(var elements) where path.count == 1 && arrayElement || path.count > 1 && isArrayOfTables(elements):
            guard case .table(var last)? = elements.last else {
                throw error("\(first) is an array, not a table", line: line)
            }
            try withTable(at: path.dropFirst(), in: &last, line: line, arrayElement: arrayElement, body)
            elements[elements.count - 1] = .table(last)
            table.set(first, .array(elements), line: line)
            return
        case let other?:
            throw error("\(first) is already \(other.typeName) (line \(table.line(of: first))), not a table", line: line)
        }
        try withTable(at: path.dropFirst(), in: &child, line: line, arrayElement: arrayElement, body)
        table.set(first, .table(child), line: line)
    }

    private func isArrayOfTables(_ elements: [TOMLValue]) -> Bool {
        !elements.isEmpty && elements.allSatisfy { if case .table = $0 { true } else { false } }
    }

    private func createTable(at path: [String], in root: inout TOMLTable, line: Int) throws(TOMLError) {
        try withTable(at: path[...], in: &root, line: line) { _ throws(TOMLError) in }
    }

    private func appendArrayTable(at path: [String], in root: inout TOMLTable, line: Int) throws(TOMLError) {
        let name = path[path.count - 1]
        try withTable(at: path.dropLast(), in: &root, line: line, arrayElement: true) {
            (parent: inout TOMLTable) throws(TOMLError) in
            var element = TOMLTable()
            element.headerLine = line
            switch parent[name] {
            case nil:
                parent.set(name, .array([.table(element)]), line: line)
            case .array(let elements) where isArrayOfTables(elements):
                parent.set(name, .array(elements + [.table(element)]), line: line)
            case let other?:
                throw error(
                    "\(name) is already \(other.typeName) (line \(parent.line(of: name))), not an array of tables", line: line)
            }
        }
    }

    private func insert(
        _ v: TOMLValue, at tablePath: [String], arrayElement: Bool, key: [String], in root: inout TOMLTable, line: Int
    ) throws(TOMLError) {
        let full = tablePath + key.dropLast()
        let name = key[key.count - 1]
        try withTable(at: full[...], in: &root, line: line, arrayElement: arrayElement) {
            (table: inout TOMLTable) throws(TOMLError) in
            if table[name] != nil {
                throw error(
                    "key \(key.joined(separator: ".")) is defined twice (first on line \(table.line(of: name)))", line: line)
            }
            table.set(name, v, line: line)
        }
    }

    // MARK: Keys

    private mutating func keyPath() throws(TOMLError) -> [String] {
        var parts = [try simpleKey()]
        while true {
            let save = position
            skipSpaces()
            if peek() == UInt8(ascii: ".") {
                position += 1
                skipSpaces()
                parts.append(try simpleKey())
            } else {
                position = save
                return parts
            }
        }
    }

    private mutating func simpleKey() throws(TOMLError) -> String {
        guard let c = peek() else { throw error("expected a key at the end of the file") }
        if c == UInt8(ascii: "\"") { return try basicString() }
        if c == UInt8(ascii: "'") { return try literalString() }
        let start = position
        while let b = peek(), isBareKeyByte(b) { position += 1 }
        guard position > start else { throw error("expected a key, found \(describe(c))") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    // MARK: Values

    private mutating func value() throws(TOMLError) -> TOMLValue {
        guard let c = peek() else { throw error("expected a value at the end of the file") }
        switch c {
        case UInt8(ascii: "\""):
            if startsWith("\"\"\"") { return .string(try multilineString(quote: c)) }
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if startsWith("'''") { return .string(try multilineString(quote: c)) }
            return .string(try literalString())
        case UInt8(ascii: "["):
            return try array()
        case UInt8(ascii: "{"):
            return try inlineTable()
        default:
            return try scalar()
        }
    }

    private mutating func array() throws(TOMLError) -> TOMLValue {
        let openLine = line
        position += 1
        var elements: [TOMLValue] = []
        while true {
            skipWhitespaceAndNewlinesAndComments()
            guard let c = peek() else { throw error("array opened on line \(openLine) is not closed", line: openLine) }
            if c == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            elements.append(try value())
            skipWhitespaceAndNewlinesAndComments()
            if peek() == UInt8(ascii: ",") {
                position += 1
            } else if peek() != UInt8(ascii: "]") {
                throw error("expected ',' or ']' in the array opened on line \(openLine)")
            }
        }
    }

    private mutating func inlineTable() throws(TOMLError) -> TOMLValue {
        position += 1
        var table = TOMLTable()
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return .table(table)
        }
        while true {
            skipSpaces()
            if peek() == 0x0A || peek() == 0x0D {
                throw error("inline tables must fit on one line: use a [table] for more keys")
            }
            let keyLine = line
            let path = try keyPath()
            skipSpaces()
            try expect("=")
            skipSpaces()
            let v = try value()
            try insert(v, at: [], arrayElement: false, key: path, in: &table, line: keyLine)
            skipSpaces()
            guard let c = peek(), c != 0x0A else {
                throw error("inline table is not closed on its line (inline tables must fit on one line)")
            }
            position += 1
            if c == UInt8(ascii: "}") { return .table(table) }
            guard c == UInt8(ascii: ",") else {
                throw error("expected ',' or '}' in an inline table (inline tables must fit on one line)")
            }
        }
    }

    private mutating func scalar() throws(TOMLError) -> TOMLValue {
        let start = position
        while let b = peek(), !isSpace(b), b != 0x0A, b != 0x0D, b != UInt8(ascii: ","), b != UInt8(ascii: "]"),
            b != UInt8(ascii: "}"), b != UInt8(ascii: "#")
        {
            position += 1
        }
        let word = String(decoding: bytes[start..<position], as: UTF8.self)
        switch word {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        case "": throw error("expected a value")
        default: break
        }
        let digits = word.replacingOccurrences(of: "_", with: "")
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
            if let n = Int(digits.dropFirst(2), radix: radix) { return .integer(n) }
            throw error("invalid number '\(word)'")
        }
        if let n = Int(digits) {
            let unsigned = digits.hasPrefix("+") || digits.hasPrefix("-") ? digits.dropFirst() : Substring(digits)
            if unsigned.count > 1 && unsigned.hasPrefix("0") {
                throw error("integers may not have leading zeros: '\(word)'")
            }
            return .integer(n)
        }
        if word.count >= 10, word.dropFirst(4).first == "-", word.prefix(4).allSatisfy(\.isNumber) {
            throw error("dates and times are not supported here: quote the value to make it a string")
        }
        if digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let d = Double(digits) { return .float(d) }
        throw error("invalid value '\(word)' (strings must be quoted)")
    }

    // MARK: Strings

    private mutating func basicString() throws(TOMLError) -> String {
        position += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek(), c != 0x0A else { throw error("string is not closed on its line") }
            position += 1
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") {
                try escape(into: &out)
            } else {
                out.append(c)
            }
        }
    }

    private mutating func literalString() throws(TOMLError) -> String {
        position += 1
        let start = position
        while let c = peek(), c != UInt8(ascii: "'") {
            guard c != 0x0A else { throw error("string is not closed on its line") }
            position += 1
        }
        guard peek() != nil else { throw error("string is not closed on its line") }
        let s = String(decoding: bytes[start..<position], as: UTF8.self)
        position += 1
        return s
    }

    /// `"""basic"""` (with escapes) or `'''literal'''`; a newline right after the opening
    /// delimiter is dropped.
    private mutating func multilineString(quote: UInt8) throws(TOMLError) -> String {
        let openLine = line
        let basic = quote == UInt8(ascii: "\"")
        position += 3
        if startsWith("\r\n") { position += 1 }
        if peek() == 0x0A { consumeNewline() }
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw error("string opened on line \(openLine) is not closed", line: openLine) }
            if c == quote {
                if let closed = try closeMultiline(quote: c, into: &out) { return closed }
            } else if basic && c == UInt8(ascii: "\\") {
                position += 1
                // A backslash at the end of a line trims the newline and the whitespace after it.
                let save = position
                skipSpaces()
                if peek() == 0x0A || startsWith("\r\n") {
                    skipWhitespaceAndNewlines()
                    continue
                }
                position = save
                try escape(into: &out)
            } else if c == 0x0A {
                out.append(c)
                consumeNewline()
            } else {
                out.append(c)
                position += 1
            }
        }
    }

    /// At a run of `quote` bytes inside a multi-line string: three or more close it (up to two
    /// more before the delimiter belong to the string); fewer are content.
    private mutating func closeMultiline(quote: UInt8, into out: inout [UInt8]) throws(TOMLError) -> String? {
        var run = 0
        while position + run < bytes.count && bytes[position + run] == quote { run += 1 }
        position += run
        if run < 3 {
            out += [UInt8](repeating: quote, count: run)
            return nil
        }
        guard run <= 5 else { throw error("too many quotes at the end of a multi-line string") }
        out += [UInt8](repeating: quote, count: run - 3)
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func escape(into out: inout [UInt8]) throws(TOMLError) {
        guard let e = peek() else { throw error("string ends with a lone backslash") }
        position += 1
        switch e {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "e"): out.append(0x1B)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = e == UInt8(ascii: "u") ? 4 : 8
            guard position + count <= bytes.count,
                let scalar = UInt32(String(decoding: bytes[position..<(position + count)], as: UTF8.self), radix: 16),
                let u = Unicode.Scalar(scalar)
            else { throw error("invalid \\\(printable(e)) escape: expected \(count) hex digits of a Unicode scalar") }
            position += count
            out += Array(String(Character(u)).utf8)
        default:
            throw error("invalid escape '\\\(printable(e))' (use \\\\ for a backslash, or a 'literal string')")
        }
    }

    // MARK: Lexing helpers

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private func startsWith(_ s: String) -> Bool {
        let b = Array(s.utf8)
        return position + b.count <= bytes.count && Array(bytes[position..<(position + b.count)]) == b
    }

    private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    private mutating func skipSpaces() {
        while let b = peek(), isSpace(b) { position += 1 }
    }

    private mutating func consumeNewline() {
        position += 1
        line += 1
    }

    private mutating func skipWhitespaceAndNewlines() {
        while let b = peek() {
            if isSpace(b) || b == 0x0D {
                position += 1
            } else if b == 0x0A {
                consumeNewline()
            } else {
                return
            }
        }
    }

    private mutating func skipComment() {
        if peek() == UInt8(ascii: "#") {
            while let b = peek(), b != 0x0A { position += 1 }
        }
    }

    private mutating func skipWhitespaceAndNewlinesAndComments() {
        while true {
            skipWhitespaceAndNewlines()
            guard peek() == UInt8(ascii: "#") else { return }
            skipComment()
        }
    }

    private mutating func expect(_ s: String) throws(TOMLError) {
        guard startsWith(s) else {
            let found = peek().map(describe) ?? "the end of the file"
            throw error("expected '\(s)', found \(found)")
        }
        position += s.utf8.count
    }

    /// After a key/value pair or a header only a comment may follow on the line.
    private mutating func endOfLine() throws(TOMLError) {
        skipSpaces()
        skipComment()
        if peek() == 0x0D { position += 1 }
        guard let b = peek() else { return }
        guard b == 0x0A else { throw error("unexpected '\(printable(b))' after the value (one key = value per line)") }
        consumeNewline()
    }

    /// `'x'` for a byte in a message, or "the end of the line".
    private func describe(_ b: UInt8) -> String {
        b == 0x0A || b == 0x0D ? "the end of the line" : "'\(printable(b))'"
    }

    private func printable(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
    }

    private func error(_ message: String, line: Int? = nil) -> TOMLError {
        TOMLError(line: line ?? self.line, message: message)
    }
}
