/// One decoded trace event.
public struct TraceRecord: Equatable, Sendable {
    public var tsc: UInt64
    public var tracepoint: UInt16
    public var cpu: Int
    /// The Linux thread ID, or a negative number for a kernel thread (minus its slot, minus 1).
    public var thread: Int32
    public var arguments: [UInt64]
    /// Return addresses, innermost first (empty without a backtrace).
    public var backtrace: [UInt64]

    public init(tsc: UInt64, tracepoint: UInt16, cpu: Int, thread: Int32, arguments: [UInt64], backtrace: [UInt64] = []) {
        self.tsc = tsc
        self.tracepoint = tracepoint
        self.cpu = cpu
        self.thread = thread
        self.arguments = arguments
        self.backtrace = backtrace
    }
}
