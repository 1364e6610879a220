/// `/proc/PID/status` (and `task/TID/status`), line for line as Linux 6.1 prints it for an
/// x86_64 process; what `ps`, `top` and many libraries read (Threads, VmRSS, SigCgt, …).
public struct ProcessStatus {
    /// The command name (comm), at most 15 bytes.
    public var name: [UInt8] = []
    public var umask: UInt32 = 0o022
    public var state: TaskState = .running
    /// Thread group (process) ID and this task's ID.
    public var threadGroupID: Int32 = 0
    public var pid: Int32 = 0
    public var parentID: Int32 = 0
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var groups: [UInt32] = []
    /// The size of the descriptor table (FDSize).
    public var descriptorSlots: Int = 64
    public var memory = ProcessMemory()
    public var threads: Int = 1
    /// SigQ: signals queued / RLIMIT_SIGPENDING.
    public var signalsQueued: Int = 0
    public var signalQueueLimit: UInt64 = 0
    /// Signal sets, bit n-1 for signal n.
    public var pendingThread: UInt64 = 0
    public var pendingShared: UInt64 = 0
    public var blocked: UInt64 = 0
    public var ignored: UInt64 = 0
    public var caught: UInt64 = 0
    /// The CPUs it may run on and how many the system has.
    public var allowedCPUs: [Int] = [0]
    public var cpuCount: Int = 1
    public var voluntarySwitches: UInt64 = 0
    public var involuntarySwitches: UInt64 = 0

    public init() {}

    public func render() -> [UInt8] {
        var t = ProcText()
        t.append("Name:\t")
        for byte in name {
            // task_name escapes backslashes and newlines.
            if byte == 0x5C { t.append("\\\\") } else if byte == ProcText.newline { t.append("\\n") } else { t.append(byte: byte) }
        }
        t.append("\nUmask:\t")
        t.octal(UInt64(umask), width: 4)
        t.append("\nState:\t")
        t.append(state.description)
        line(&t, "\nTgid:\t", Int64(threadGroupID))
        line(&t, "\nNgid:\t", 0)
        line(&t, "\nPid:\t", Int64(pid))
        line(&t, "\nPPid:\t", Int64(parentID))
        line(&t, "\nTracerPid:\t", 0)
        t.append("\nUid:")
        for _ in 0..<4 {
            t.append(byte: ProcText.tab)
            t.decimal(UInt64(uid))
        }
        t.append("\nGid:")
        for _ in 0..<4 {
            t.append(byte: ProcText.tab)
            t.decimal(UInt64(gid))
        }
        line(&t, "\nFDSize:\t", Int64(descriptorSlots))
        t.append("\nGroups:\t")
        for (index, group) in groups.enumerated() {
            if index > 0 { t.append(byte: ProcText.space) }
            t.decimal(UInt64(group))
        }
        t.append(byte: ProcText.space)  // Linux's trailing space
        line(&t, "\nNStgid:\t", Int64(threadGroupID))
        line(&t, "\nNSpid:\t", Int64(pid))
        line(&t, "\nNSpgid:\t", Int64(threadGroupID))
        line(&t, "\nNSsid:\t", Int64(threadGroupID))
        t.newline()
        kilobytes(&t, "VmPeak:\t", max(memory.peak, memory.size))
        kilobytes(&t, "VmSize:\t", memory.size)
        kilobytes(&t, "VmLck:\t", memory.locked)
        kilobytes(&t, "VmPin:\t", 0)
        kilobytes(&t, "VmHWM:\t", max(memory.residentPeak, memory.resident))
        kilobytes(&t, "VmRSS:\t", memory.resident)
        kilobytes(&t, "RssAnon:\t", memory.residentAnonymous)
        kilobytes(&t, "RssFile:\t", memory.residentFile)
        kilobytes(&t, "RssShmem:\t", memory.residentShared)
        kilobytes(&t, "VmData:\t", memory.data)
        kilobytes(&t, "VmStk:\t", memory.stack)
        kilobytes(&t, "VmExe:\t", memory.code)
        kilobytes(&t, "VmLib:\t", memory.libraries)
        kilobytes(&t, "VmPTE:\t", memory.pageTables)
        kilobytes(&t, "VmSwap:\t", 0)
        kilobytes(&t, "HugetlbPages:\t", 0)
        t.append("CoreDumping:\t0\nTHP_enabled:\t1\n")
        line(&t, "Threads:\t", Int64(threads))
        t.append("\nSigQ:\t")
        t.decimal(UInt64(signalsQueued))
        t.append(byte: 0x2F)
        t.decimal(signalQueueLimit)
        signals(&t, "\nSigPnd:\t", pendingThread)
        signals(&t, "\nShdPnd:\t", pendingShared)
        signals(&t, "\nSigBlk:\t", blocked)
        signals(&t, "\nSigIgn:\t", ignored)
        signals(&t, "\nSigCgt:\t", caught)
        // Everything runs as root with every capability.
        signals(&t, "\nCapInh:\t", 0)
        signals(&t, "\nCapPrm:\t", Self.allCapabilities)
        signals(&t, "\nCapEff:\t", Self.allCapabilities)
        signals(&t, "\nCapBnd:\t", Self.allCapabilities)
        signals(&t, "\nCapAmb:\t", 0)
        t.append("\nNoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n")
        t.append("Speculation_Store_Bypass:\tthread vulnerable\nSpeculationIndirectBranch:\tconditional enabled\n")
        t.append("Cpus_allowed:\t")
        t.append(CPUList.mask(allowedCPUs, count: cpuCount))
        t.append("\nCpus_allowed_list:\t")
        t.append(CPUList.ranges(allowedCPUs))
        t.append("\nMems_allowed:\t00000000,00000001\nMems_allowed_list:\t0\n")
        line(&t, "voluntary_ctxt_switches:\t", Int64(clamping: voluntarySwitches))
        line(&t, "\nnonvoluntary_ctxt_switches:\t", Int64(clamping: involuntarySwitches))
        t.newline()
        return t.bytes
    }

    /// CAP_CHOWN … CAP_CHECKPOINT_RESTORE (41 capabilities in Linux 6.1).
    public static let allCapabilities: UInt64 = 0x1FF_FFFF_FFFF

    private func line(_ t: inout ProcText, _ label: StaticString, _ value: Int64) {
        t.append(label)
        t.decimal(signed: value)
    }

    private func kilobytes(_ t: inout ProcText, _ label: StaticString, _ bytes: UInt64) {
        t.append(label)
        t.decimal(bytes / 1024, width: 8)
        t.append(" kB\n")
    }

    private func signals(_ t: inout ProcText, _ label: StaticString, _ set: UInt64) {
        t.append(label)
        t.hex(set, width: 16)
    }
}
