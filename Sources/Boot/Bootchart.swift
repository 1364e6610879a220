/// Boot phases stamped with the TSC, and the `--bootchart` report.
///
/// Phases are recorded as raw TSC values because the TSC frequency is only known after
/// calibration, part-way through boot; the report converts once at the end. The first stamp is
/// taken by the entry code before anything else runs, and the TSC counts from VM power-on, so
/// the time before it is what the VMM and firmware spent.
public struct Bootchart {
    public struct Phase {
        public var name: StaticString
        public var tsc: UInt64
    }

    public private(set) var entryTSC: UInt64
    public private(set) var phases: [Phase] = []

    public init(entryTSC: UInt64) {
        self.entryTSC = entryTSC
    }

    /// Records the end of a phase.
    public mutating func mark(_ name: StaticString, tsc: UInt64) {
        phases.append(Phase(name: name, tsc: tsc))
    }

    /// Microseconds for `ticks` at `tscHz`, without floating point.
    public static func microseconds(ticks: UInt64, tscHz: UInt64) -> UInt64 {
        guard tscHz > 0 else { return 0 }
        let (high, low) = ticks.multipliedFullWidth(by: 1_000_000)
        guard high < tscHz else { return UInt64.max }
        return tscHz.dividingFullWidth((high, low)).quotient
    }

    /// `12.345 ms` for a microsecond count.
    public static func formatMilliseconds(_ micros: UInt64) -> String {
        let whole = micros / 1000
        let fraction = micros % 1000
        var digits = "\(fraction)"
        while digits.utf8.count < 3 { digits = "0" + digits }
        return "\(whole).\(digits) ms"
    }

    /// Time from the kernel's first instruction to `tsc`, in microseconds.
    public func microsecondsSinceEntry(_ tsc: UInt64, tscHz: UInt64) -> UInt64 {
        Self.microseconds(ticks: tsc &- entryTSC, tscHz: tscHz)
    }

    /// The report lines: firmware time, each phase's duration and its end since kernel entry.
    public func report(tscHz: UInt64) -> [String] {
        var lines: [String] = []
        lines.append(pad("firmware and loader", 28) + pad(Self.formatMilliseconds(Self.microseconds(ticks: entryTSC, tscHz: tscHz)), 14, left: true))
        var previous = entryTSC
        for phase in phases {
            let duration = Self.microseconds(ticks: phase.tsc &- previous, tscHz: tscHz)
            let total = microsecondsSinceEntry(phase.tsc, tscHz: tscHz)
            lines.append(
                pad(String(decoding: UnsafeRawBufferPointer(start: phase.name.utf8Start, count: phase.name.utf8CodeUnitCount), as: UTF8.self), 28)
                    + pad(Self.formatMilliseconds(duration), 14, left: true)
                    + pad(Self.formatMilliseconds(total), 14, left: true))
            previous = phase.tsc
        }
        return lines
    }

    private func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let count = s.utf8.count
        guard count < width else { return s }
        let padding = String(decoding: [UInt8](repeating: UInt8(ascii: " "), count: width - count), as: UTF8.self)
        return left ? padding + s : s + padding
    }
}
