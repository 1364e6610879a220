/// `/proc/PID/stat`: the one line of 52 fields `ps` and `top` parse, in Linux's order
/// (`do_task_stat`). Times are in clock ticks (USER_HZ, 100 a second).
public struct ProcessStatLine {
    public var pid: Int32 = 0
    public var name: [UInt8] = []
    public var state: TaskState = .running
    public var parentID: Int32 = 0
    public var processGroup: Int32 = 0
    public var session: Int32 = 0
    public var terminal: Int32 = 0
    public var terminalProcessGroup: Int32 = -1
    /// PF_* flags; PF_RANDOMIZE, as an ordinary process shows.
    public var flags: UInt32 = 0x0040_0000
    public var minorFaults: UInt64 = 0
    public var majorFaults: UInt64 = 0
    public var userTicks: UInt64 = 0
    public var systemTicks: UInt64 = 0
    public var childUserTicks: UInt64 = 0
    public var childSystemTicks: UInt64 = 0
    /// Scheduling priority as Linux shows it (20 + nice for normal tasks, -1 - rt priority for
    /// real-time ones) and nice.
    public var priority: Int64 = 20
    public var nice: Int64 = 0
    public var threads: Int = 1
    /// Ticks after boot when the task started.
    public var startTicks: UInt64 = 0
    /// Virtual size in bytes and resident size in pages.
    public var virtualSize: UInt64 = 0
    public var residentPages: UInt64 = 0
    public var residentLimit: UInt64 = UInt64.max
    public var startCode: UInt64 = 0
    public var endCode: UInt64 = 0
    public var startStack: UInt64 = 0
    /// Signal sets (only the low 31 bits are shown, as Linux does).
    public var pending: UInt64 = 0
    public var blocked: UInt64 = 0
    public var ignored: UInt64 = 0
    public var caught: UInt64 = 0
    public var exitSignal: Int32 = 17
    public var processor: Int = 0
    public var realtimePriority: UInt32 = 0
    public var policy: UInt32 = 0
    public var startData: UInt64 = 0
    public var endData: UInt64 = 0
    public var startBreak: UInt64 = 0
    public var argumentsStart: UInt64 = 0
    public var argumentsEnd: UInt64 = 0
    public var environmentStart: UInt64 = 0
    public var environmentEnd: UInt64 = 0
    public var exitCode: Int32 = 0

    public init() {}

    public func render() -> [UInt8] {
        var t = ProcText()
        t.decimal(signed: Int64(pid))
        t.append(" (")
        t.append(name)
        t.append(") ")
        t.append(byte: state.letter)
        let signalMask: UInt64 = 0x7FFF_FFFF
        let fields: [Int64] = [
            Int64(parentID), Int64(processGroup), Int64(session), Int64(terminal), Int64(terminalProcessGroup),
            Int64(flags), Int64(clamping: minorFaults), 0, Int64(clamping: majorFaults), 0,
            Int64(clamping: userTicks), Int64(clamping: systemTicks), Int64(clamping: childUserTicks),
            Int64(clamping: childSystemTicks), priority, nice, Int64(threads), 0, Int64(clamping: startTicks),
        ]
        for value in fields {
            t.append(byte: ProcText.space)
            t.decimal(signed: value)
        }
        let unsigned: [UInt64] = [
            virtualSize, residentPages, residentLimit, startCode, endCode, startStack, 0, 0,
            pending & signalMask, blocked & signalMask, ignored & signalMask, caught & signalMask, 0, 0, 0,
        ]
        for value in unsigned {
            t.append(byte: ProcText.space)
            t.decimal(value)
        }
        let tail: [Int64] = [
            Int64(exitSignal), Int64(processor), Int64(realtimePriority), Int64(policy), 0, 0, 0,
            Int64(clamping: startData), Int64(clamping: endData), Int64(clamping: startBreak),
            Int64(clamping: argumentsStart), Int64(clamping: argumentsEnd), Int64(clamping: environmentStart),
            Int64(clamping: environmentEnd), Int64(exitCode),
        ]
        for value in tail {
            t.append(byte: ProcText.space)
            t.decimal(signed: value)
        }
        t.newline()
        return t.bytes
    }
}
