/// `/proc/PID/limits`: the resource limits as a table (`proc_pid_limits`).
public enum ResourceLimitsReport {
    /// Names and units by RLIMIT_* number.
    static let rows: [(StaticString, StaticString?)] = [
        ("Max cpu time", "seconds"), ("Max file size", "bytes"), ("Max data size", "bytes"),
        ("Max stack size", "bytes"), ("Max core file size", "bytes"), ("Max resident set", "bytes"),
        ("Max processes", "processes"), ("Max open files", "files"), ("Max locked memory", "bytes"),
        ("Max address space", "bytes"), ("Max file locks", "locks"), ("Max pending signals", "signals"),
        ("Max msgqueue size", "bytes"), ("Max nice priority", nil), ("Max realtime priority", nil),
        ("Max realtime timeout", "us"),
    ]

    /// The table for `limits` (soft, hard) indexed by RLIMIT_* number; `UInt64.max` is
    /// "unlimited".
    public static func render(_ limits: [(soft: UInt64, hard: UInt64)]) -> [UInt8] {
        var t = ProcText()
        t.leftAligned("Limit", width: 25)
        t.append(byte: ProcText.space)
        t.leftAligned("Soft Limit", width: 20)
        t.append(byte: ProcText.space)
        t.leftAligned("Hard Limit", width: 20)
        t.append(byte: ProcText.space)
        t.leftAligned("Units", width: 10)
        t.newline()
        for (index, (name, unit)) in rows.enumerated() {
            let limit = index < limits.count ? limits[index] : (soft: UInt64.max, hard: UInt64.max)
            t.leftAligned(name, width: 25)
            t.append(byte: ProcText.space)
            value(&t, limit.soft)
            value(&t, limit.hard)
            if let unit { t.leftAligned(unit, width: 10) }
            t.newline()
        }
        return t.bytes
    }

    private static func value(_ t: inout ProcText, _ v: UInt64) {
        if v == UInt64.max {
            t.leftAligned("unlimited", width: 20)
        } else {
            var digits = ProcText()
            digits.decimal(v)
            t.leftAligned(digits.bytes, width: 20)
        }
        t.append(byte: ProcText.space)
    }
}
