/// Every sample taken, by metric and system, and what could not be measured and why.
struct BenchResults {
    private(set) var samples: [String: [SystemKind: [Double]]] = [:]
    private(set) var unavailable: [String: [SystemKind: String]] = [:]

    mutating func add(_ metric: String, _ system: SystemKind, _ value: Double) {
        samples[metric, default: [:]][system, default: []].append(value)
    }

    mutating func markUnavailable(_ metric: String, _ system: SystemKind, reason: String) {
        unavailable[metric, default: [:]][system] = reason
    }

    /// Files a workload's results, in the table's units.
    mutating func add(_ result: WorkloadResult, of workload: Workload, on system: SystemKind) {
        for (name, value) in result.values { add(name, system, value) }
        for (name, reason) in result.unavailable { markUnavailable(name, system, reason: reason) }
        if workload.bootMarker != nil {
            if let boot = result.bootSeconds { add("boot-host", system, boot * 1000) }
            add("hello-total", system, result.totalSeconds * 1000)
        }
    }

    func median(_ metric: String, _ system: SystemKind) -> Double? {
        guard let values = samples[metric]?[system], !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    func reason(_ metric: String, _ system: SystemKind) -> String? { unavailable[metric]?[system] }

    func count(_ metric: String, _ system: SystemKind) -> Int { samples[metric]?[system]?.count ?? 0 }
}
