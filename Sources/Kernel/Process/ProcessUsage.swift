#if SKIFF_KERNEL
import LinuxABI

/// getrusage's figures, gathered from the threads that keep them.
extension Thread {
    /// This thread's CPU time (all counted as user time), switches and page faults.
    var usage: ResourceUsage {
        var u = ResourceUsage()
        u.userNanoseconds = Time.threadCPUTime(self)
        u.voluntarySwitches = voluntarySwitches
        u.involuntarySwitches = involuntarySwitches
        u.minorFaults = minorFaults
        return u
    }
}

extension Process {
    /// RUSAGE_SELF: the live threads, the exited ones, and the peak resident size.
    func usage() -> ResourceUsage {
        let live = lock.withLock { threads }
        var u = exitedThreads
        for t in live { u.add(t.usage) }
        noteResidentPeak()
        u.maxResidentKiB = peakResidentKiB
        return u
    }

    /// What wait4 reports for an ended child: its own usage and that of the children it
    /// waited for (Linux's RUSAGE_BOTH).
    func usageWithChildren() -> ResourceUsage {
        usage().adding(lock.withLock { reapedChildren })
    }

    /// Records the resident size of `space` (default: the current one) if it is a new peak;
    /// called before an address space goes (execve, exit) and at each getrusage.
    func noteResidentPeak(of space: AddressSpace? = nil) {
        let kib = UInt64((space ?? addressSpace).residentPages) * 4
        if kib > peakResidentKiB { peakResidentKiB = kib }
    }
}
#endif
