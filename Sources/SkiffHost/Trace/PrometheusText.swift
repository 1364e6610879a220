import Foundation

/// A strict reader of the Prometheus text exposition format (0.0.4), for checking what
/// `/metrics` serves: every sample belongs to a family declared with `# TYPE` before it,
/// names and labels are well formed, values parse as numbers, and counters are not negative.
public struct PrometheusText: Sendable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public var types: [String: String] = [:]
    public var help: [String: String] = [:]
    public var samples: [Sample] = []

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public init(parsing text: String) throws {
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(raw)
            if line.isEmpty { continue }
            func fail(_ m: String) -> ParseError { ParseError(line: lineNumber, message: m) }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 3, parts[0] == "#" else { continue }  // a plain comment
                let name = parts[2]
                guard Self.isMetricName(name) else { throw fail("bad metric name '\(name)'") }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw fail("bad TYPE line")
                    }
                    guard types[name] == nil else { throw fail("second TYPE for \(name)") }
                    guard !samples.contains(where: { $0.name == name }) else { throw fail("TYPE for \(name) after its samples") }
                    types[name] = parts[3]
                } else if parts[1] == "HELP" {
                    help[name] = parts.count == 4 ? parts[3] : ""
                }
                continue
            }
            var rest = Substring(line)
            let name = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
            guard Self.isMetricName(name) else { throw fail("bad sample name") }
            rest = rest.dropFirst(name.count)
            var labels: [String: String] = [:]
            if rest.first == "{" {
                rest = rest.dropFirst()
                while rest.first != "}" {
                    let label = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    guard !label.isEmpty, !(label.first!.isNumber) else { throw fail("bad label name") }
                    rest = rest.dropFirst(label.count)
                    guard rest.hasPrefix("=\"") else { throw fail("expected =\" after label \(label)") }
                    rest = rest.dropFirst(2)
                    var value = ""
                    while let c = rest.first, c != "\"" {
                        rest = rest.dropFirst()
                        if c == "\\" {
                            guard let e = rest.first else { throw fail("dangling escape") }
                            rest = rest.dropFirst()
                            switch e {
                            case "n": value.append("\n")
                            case "\\", "\"": value.append(e)
                            default: throw fail("bad escape \\\(e)")
                            }
                        } else {
                            value.append(c)
                        }
                    }
                    guard rest.first == "\"" else { throw fail("unterminated label value") }
                    rest = rest.dropFirst()
                    guard labels.updateValue(value, forKey: label) == nil else { throw fail("repeated label \(label)") }
                    if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw fail("expected , or }") }
                }
                rest = rest.dropFirst()
            }
            guard rest.first == " " else { throw fail("expected a space before the value") }
            let fields = rest.dropFirst().split(separator: " ")
            guard fields.count == 1 || fields.count == 2, let value = Double(fields[0]) ?? Self.special(String(fields[0])) else {
                throw fail("bad value")
            }
            let family = types[name] != nil ? name : Self.familyName(of: name, in: types)
            guard let type = types[family] else { throw fail("sample \(name) has no TYPE line before it") }
            if type == "counter" && value < 0 { throw fail("negative counter \(name)") }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
    }

    /// The samples of one metric.
    public func values(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    static func isMetricName(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" || first == ":" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    static func special(_ s: String) -> Double? {
        switch s {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: nil
        }
    }

    /// Histogram and summary samples (`_bucket`, `_sum`, `_count`) belong to their family.
    static func familyName(of name: String, in types: [String: String]) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] != nil { return base }
        }
        return name
    }
}
