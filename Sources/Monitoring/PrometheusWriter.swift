/// Writes the Prometheus text exposition format (version 0.0.4): for each metric family a
/// `# HELP` and a `# TYPE` line, then its samples, `name{label="value",…} value`.
public struct PrometheusWriter: Sendable {
    public enum MetricType: Sendable {
        case counter, gauge

        var text: String {
            switch self {
            case .counter: "counter"
            case .gauge: "gauge"
            }
        }
    }

    public static var contentType: StaticString { "text/plain; version=0.0.4; charset=utf-8" }

    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Starts a family. `help` may contain any text; backslashes and newlines are escaped.
    public mutating func family(_ name: String, _ type: MetricType, help: String) {
        append("# HELP " + name + " ")
        for c in help.utf8 {
            switch c {
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            default: bytes.append(c)
            }
        }
        append("\n# TYPE " + name + " " + type.text + "\n")
    }

    public mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: UInt64) {
        sampleName(name, labels)
        append(" \(value)\n")
    }

    public mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Int) {
        sampleName(name, labels)
        append(" \(value)\n")
    }

    /// A value in thousandths, written as a decimal (`12.345`) without floating point.
    public mutating func sample(_ name: String, _ labels: [(String, String)] = [], milli value: UInt64) {
        sampleName(name, labels)
        var fraction = "\(value % 1000)"
        while fraction.utf8.count < 3 { fraction = "0" + fraction }
        append(" \(value / 1000)." + fraction + "\n")
    }

    private mutating func sampleName(_ name: String, _ labels: [(String, String)]) {
        append(name)
        guard !labels.isEmpty else { return }
        bytes.append(UInt8(ascii: "{"))
        for (i, (label, value)) in labels.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            append(label + "=\"")
            for c in value.utf8 {
                switch c {
                case UInt8(ascii: "\\"): append("\\\\")
                case UInt8(ascii: "\""): append("\\\"")
                case 0x0A: append("\\n")
                default: bytes.append(c)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func append(_ s: String) { bytes.append(contentsOf: Array(s.utf8)) }
}
