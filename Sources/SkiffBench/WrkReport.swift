import Foundation

/// What wrk printed (with `--latency`), read from its text report:
///
///       Latency Distribution
///          50%  393.74us
///          99%    2.10ms
///       1234 requests in 5.00s, 1.23MB read
///       Socket errors: connect 0, read 1, write 0, timeout 0
///       Non-2xx or 3xx responses: 3
///     Requests/sec:   246.80
struct WrkReport {
    var requests: Int
    var requestsPerSecond: Double
    /// Latency by percentile (50, 75, 90, 99), in milliseconds.
    var latencyMilliseconds: [Int: Double]
    /// The "Socket errors" and "Non-2xx or 3xx responses" lines, when wrk printed any.
    var errors: String?

    /// Nil when the text lacks the requests line or the rate.
    static func parse(_ text: String) -> WrkReport? {
        var requests: Int? = nil
        var rate: Double? = nil
        var latency: [Int: Double] = [:]
        var errors: [String] = []
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), words.count == 2 {
                rate = Double(words[1])
            } else if words.count >= 3, words[1] == "requests", words[2] == "in" {
                requests = Int(words[0])
            } else if words.count == 2, words[0].hasSuffix("%"), let percentile = Int(words[0].dropLast()),
                let milliseconds = milliseconds(String(words[1]))
            {
                latency[percentile] = milliseconds
            } else if line.hasPrefix("Socket errors:") || line.hasPrefix("Non-2xx or 3xx responses:") {
                errors.append(line)
            }
        }
        guard let requests, let rate else { return nil }
        return WrkReport(
            requests: requests, requestsPerSecond: rate, latencyMilliseconds: latency,
            errors: errors.isEmpty ? nil : errors.joined(separator: "; "))
    }

    /// wrk's durations ("638.00us", "1.23ms", "2.00s", "1.00m") in milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0), ("h", 3_600_000.0)] {
            if text.hasSuffix(suffix), let value = Double(text.dropLast(suffix.count)) { return value * scale }
        }
        return nil
    }
}
