/// `/proc/stat`: CPU time by kind (all CPUs, then each), interrupts, context switches, boot
/// time and process counts. Times are in clock ticks (USER_HZ, 100 a second).
public struct KernelStatistics {
    /// One CPU's time: user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice.
    public struct CPUTimes: Equatable {
        public var user: UInt64 = 0
        public var system: UInt64 = 0
        public var idle: UInt64 = 0
        public var interrupt: UInt64 = 0

        public init(user: UInt64 = 0, system: UInt64 = 0, idle: UInt64 = 0, interrupt: UInt64 = 0) {
            self.user = user
            self.system = system
            self.idle = idle
            self.interrupt = interrupt
        }
    }

    public var cpus: [CPUTimes] = []
    public var interrupts: UInt64 = 0
    public var contextSwitches: UInt64 = 0
    /// Seconds since the epoch when the system booted.
    public var bootTime: UInt64 = 0
    /// Processes and threads created since boot.
    public var forks: UInt64 = 0
    public var running: Int = 0
    public var blocked: Int = 0

    public init() {}

    public func render() -> [UInt8] {
        var t = ProcText()
        var total = CPUTimes()
        for cpu in cpus {
            total.user &+= cpu.user
            total.system &+= cpu.system
            total.idle &+= cpu.idle
            total.interrupt &+= cpu.interrupt
        }
        t.append("cpu ")
        times(&t, total)
        for (index, cpu) in cpus.enumerated() {
            t.append("cpu")
            t.decimal(index)
            times(&t, cpu)
        }
        t.append("intr ")
        t.decimal(interrupts)
        t.append("\nctxt ")
        t.decimal(contextSwitches)
        t.append("\nbtime ")
        t.decimal(bootTime)
        t.append("\nprocesses ")
        t.decimal(forks)
        t.append("\nprocs_running ")
        t.decimal(running)
        t.append("\nprocs_blocked ")
        t.decimal(blocked)
        t.append("\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n")
        return t.bytes
    }

    private func times(_ t: inout ProcText, _ cpu: CPUTimes) {
        for value in [cpu.user, 0, cpu.system, cpu.idle, 0, cpu.interrupt, 0, 0, 0, 0] {
            t.append(byte: ProcText.space)
            t.decimal(value)
        }
        t.newline()
    }
}
