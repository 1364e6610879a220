import Foundation

/// Memory sizes as users write them: `256M`, `1G`, `512MiB`, `2gb`, or a plain number of MiB.
public enum MemorySize {
    /// MiB, or nil for anything else (zero, fractions, unknown units, more than 1 TiB).
    public static func parseMiB(_ text: String) -> Int? {
        var s = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where s.hasSuffix(suffix) && s.count > suffix.count {
            s.removeLast(suffix.count)
            break
        }
        var scale = 1
        if s.hasSuffix("G") {
            scale = 1024
            s.removeLast()
        } else if s.hasSuffix("M") {
            s.removeLast()
        } else if s.hasSuffix("T") {
            scale = 1024 * 1024
            s.removeLast()
        }
        guard let n = Int(s), n > 0, n <= (1 << 20) / scale else { return nil }
        return n * scale
    }

    /// `parseMiB`, or an error that names the option.
    public static func parse(_ text: String, option: String) throws -> Int {
        guard let n = parseMiB(text) else {
            throw SkiffError("invalid \(option) '\(text)': use a size such as 256M or 1G", exitStatus: ExitStatus.usage)
        }
        return n
    }

    /// `256M`, `1G`: the shortest exact spelling.
    public static func format(mib: Int) -> String {
        mib % 1024 == 0 ? "\(mib / 1024)G" : "\(mib)M"
    }

    /// Bytes for humans: `812 B`, `4.0 KiB`, `12.3 MiB`.
    public static func human(bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
