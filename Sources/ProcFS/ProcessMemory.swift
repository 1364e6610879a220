/// A process's memory use in bytes, as `status` (the Vm* and Rss* lines, in kB) and `statm`
/// (in pages) show it.
public struct ProcessMemory: Equatable, Sendable {
    /// All mapped areas (VmSize); `peak` is the largest it has been (VmPeak).
    public var size: UInt64 = 0
    public var peak: UInt64 = 0
    /// Pages present (VmRSS), split into anonymous, file and shared-memory pages.
    public var resident: UInt64 = 0
    public var residentPeak: UInt64 = 0
    public var residentAnonymous: UInt64 = 0
    public var residentFile: UInt64 = 0
    public var residentShared: UInt64 = 0
    public var locked: UInt64 = 0
    /// Private writable areas other than stacks (VmData).
    public var data: UInt64 = 0
    /// Stacks (VmStk).
    public var stack: UInt64 = 0
    /// The executable's code (VmExe) and other executable file mappings (VmLib).
    public var code: UInt64 = 0
    public var libraries: UInt64 = 0
    /// Page tables (VmPTE).
    public var pageTables: UInt64 = 0

    public init() {}

    /// `/proc/PID/statm`: size resident shared text lib data dt, in pages.
    public func statm() -> [UInt8] {
        var text = ProcText()
        for (index, value) in [size, resident, residentFile &+ residentShared, code, 0, data &+ stack, 0].enumerated() {
            if index > 0 { text.append(byte: ProcText.space) }
            text.decimal(value / 4096)
        }
        text.newline()
        return text.bytes
    }
}
