/// What one run of a workload on one system gave.
struct WorkloadResult {
    /// `bench: NAME VALUE UNIT` lines, by name.
    var values: [String: Double] = [:]
    /// `bench: NAME unavailable REASON` lines: the system cannot run that measurement.
    var unavailable: [String: String] = [:]
    /// Seconds from QEMU's start to the workload's boot marker line (host clock).
    var bootSeconds: Double? = nil
    /// Seconds from QEMU's start to its exit.
    var totalSeconds: Double = 0

    /// Reads the `bench:` lines of a console.
    static func parse(console: String) -> WorkloadResult {
        var result = WorkloadResult()
        for line in console.split(separator: "\n") {
            guard let start = line.range(of: "bench: ") else { continue }
            let words = line[start.upperBound...].split(separator: " ", maxSplits: 2).map(String.init)
            guard words.count >= 2 else { continue }
            if words[1] == "unavailable" {
                result.unavailable[words[0]] = words.count > 2 ? words[2] : "unavailable"
            } else if let value = Double(words[1]) {
                result.values[words[0]] = value
            }
        }
        return result
    }
}
