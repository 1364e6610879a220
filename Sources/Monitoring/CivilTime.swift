/// Calendar dates from Unix time without floating point (Howard Hinnant's `civil_from_days`).
public enum CivilTime {
    /// `2024-05-01T12:34:56Z`.
    public static func iso8601(epochSeconds: UInt64) -> String {
        let days = Int(epochSeconds / 86_400)
        let secondOfDay = Int(epochSeconds % 86_400)
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(year)-" + two(month) + "-" + two(day) + "T" + two(secondOfDay / 3600) + ":" + two(secondOfDay / 60 % 60) + ":"
            + two(secondOfDay % 60) + "Z"
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
