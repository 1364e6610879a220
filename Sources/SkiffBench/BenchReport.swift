import Foundation

/// The table `make bench` prints and records: each metric's median on Skiff and on Linux, their
/// ratio, and which system is better by how much.
struct BenchReport {
    var context: BenchContext
    var results: BenchResults

    struct Row: Codable {
        var id: String
        var title: String
        var unit: String
        var lowerIsBetter: Bool
        var skiff: Double?
        var linux: Double?
        var skiffUnavailable: String?
        var linuxUnavailable: String?
        var skiffSamples: [Double]
        var linuxSamples: [Double]
        /// Skiff ÷ Linux.
        var ratio: Double?
    }

    var rows: [Row] {
        Metric.catalog.map { m in
            let skiff = results.median(m.id, .skiff)
            let linux = results.median(m.id, .linux)
            return Row(
                id: m.id, title: m.title, unit: m.unit, lowerIsBetter: m.lowerIsBetter, skiff: skiff, linux: linux,
                skiffUnavailable: results.reason(m.id, .skiff), linuxUnavailable: results.reason(m.id, .linux),
                skiffSamples: results.samples[m.id]?[.skiff] ?? [], linuxSamples: results.samples[m.id]?[.linux] ?? [],
                ratio: skiff.flatMap { s in linux.flatMap { $0 == 0 ? nil : s / $0 } })
        }
    }

    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1000 { return String(Int(value.rounded())) }
        if magnitude >= 100 { return String(format: "%.1f", value) }
        if magnitude >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }

    static func cell(_ value: Double?, _ unavailable: String?) -> String {
        if let value { return format(value) }
        if let unavailable { return "n/a " + unavailable }
        return "—"
    }

    /// "Skiff 12×" when Skiff is better by a factor of 12, "Linux 1.5×" when Linux is.
    static func better(_ row: Row) -> String {
        guard let ratio = row.ratio, ratio > 0 else { return "" }
        let skiffAdvantage = row.lowerIsBetter ? 1 / ratio : ratio
        if abs(skiffAdvantage - 1) < 0.02 { return "even" }
        let factor = skiffAdvantage >= 1 ? skiffAdvantage : 1 / skiffAdvantage
        return (skiffAdvantage >= 1 ? "Skiff " : "Linux ") + (factor >= 10 ? String(Int(factor.rounded())) : String(format: "%.2f", factor)) + "×"
    }

    var header: [String] { ["metric", "unit", "Skiff", "Linux", "Skiff/Linux", "better"] }

    var cells: [[String]] {
        rows.map { row in
            [
                row.title, row.unit, Self.cell(row.skiff, row.skiffUnavailable), Self.cell(row.linux, row.linuxUnavailable),
                row.ratio.map { String(format: "%.3g", $0) } ?? "—", Self.better(row),
            ]
        }
    }

    /// A plain-text table for the terminal.
    var text: String {
        let all = [header] + cells
        let widths = (0..<header.count).map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i >= 2 && i <= 4 ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var out = context.summary + "\n\n" + line(all[0]) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in all.dropFirst() { out += line(row) + "\n" }
        return out
    }

    static func range(_ samples: [Double]) -> String {
        guard let low = samples.min(), let high = samples.max() else { return "" }
        return samples.count == 1 ? "" : Self.format(low) + "–" + Self.format(high)
    }

    /// The same table in Markdown, for docs/benchmarks.md, with each system's lowest and highest
    /// run beside the medians.
    var markdown: String {
        let columns = header + ["Skiff runs", "Linux runs"]
        var out = "| " + columns.joined(separator: " | ") + " |\n"
        out += "|---|---|---:|---:|---:|---|---:|---:|\n"
        for (row, cells) in zip(rows, cells) {
            let spread = [Self.range(row.skiffSamples), Self.range(row.linuxSamples)]
            out += "| " + (cells + spread).joined(separator: " | ") + " |\n"
        }
        return out
    }

    struct Record: Codable {
        var context: BenchContext
        var rows: [Row]
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Record(context: context, rows: rows))
    }

    /// Metrics without a Linux number, or without a Skiff number or the reason Skiff cannot give
    /// one: a run that has any fails (`make check` runs the QUICK mode for this).
    /// Metrics not measured on purpose (`--no-memory-search`) are `skipped`; with
    /// `linuxMayFail`, a Linux number given up with its reason (a failed Linux guest) is not missing.
    func missing(skipping skipped: [String] = [], linuxMayFail: Bool = false) -> [String] {
        rows.compactMap { row in
            let linux = row.linux != nil || (linuxMayFail && row.linuxUnavailable != nil)
            return skipped.contains(row.id) || (linux && (row.skiff != nil || row.skiffUnavailable != nil)) ? nil : row.id
        }
    }
}
