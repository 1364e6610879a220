#if SKIFF_KERNEL
import LinuxABI
import Memory
import ProcFS
import Scheduling
import VFS

/// The reports of /proc/PID/{status,stat,statm,comm}, filled from a process and its threads.
enum ProcProcessReports {
    /// The command name: what `prctl(PR_SET_NAME)` or a write to `comm` set, else the last
    /// component of the program's path, at most 15 bytes.
    static func commandName(_ process: Process, thread: Thread?) -> [UInt8] {
        let subject = thread ?? process.lock.withLock { process.threads.first }
        if let comm = subject?.comm, !comm.isEmpty { return comm }
        let path = process.lock.withLock {
            process.executablePath.isEmpty ? (process.arguments.first ?? []) : process.executablePath
        }
        let name = path.split(separator: UInt8(ascii: "/")).last.map { Array($0) } ?? path
        return Array(name.prefix(15))
    }

    /// A process's state: a zombie once it has exited, running while any thread runs or
    /// waits for a CPU, sleeping otherwise.
    static func state(_ process: Process, threads: [Thread]) -> TaskState {
        if process.isZombie || threads.isEmpty { return .zombie }
        return threads.contains { state(of: $0) == .running } ? .running : .sleeping
    }

    static func state(of thread: Thread) -> TaskState {
        switch thread.state {
        case .new, .runnable, .running: .running
        case .blocked: .sleeping
        case .exited: .zombie
        }
    }

    static func status(_ process: Process, thread: Thread?) -> [UInt8] {
        let (threads, sharedPending, queued, actions) = process.lock.withLock {
            (process.threads, process.sharedPendingSignals, process.sharedPendingInfo.count, process.signalActions)
        }
        let subject = thread ?? threads.first
        var status = ProcessStatus()
        status.name = commandName(process, thread: thread)
        status.umask = process.fileContext.umask
        status.state = thread.map { state(of: $0) } ?? state(process, threads: threads)
        status.threadGroupID = process.id
        status.pid = thread?.id ?? process.id
        status.parentID = process.parentID
        let descriptors = process.files.openDescriptors
        status.descriptorSlots = max(64, ((Int(descriptors.last ?? 0) + 64) / 64) * 64)
        if !process.isZombie { status.memory = memory(process) }
        status.threads = threads.count
        status.signalsQueued = queued + threads.reduce(0) { $0 + $1.pendingInfo.count }
        status.signalQueueLimit = process.limits[11].soft
        status.pendingThread = subject?.pendingSignals ?? 0
        status.pendingShared = sharedPending
        status.blocked = subject?.signalMask ?? 0
        (status.ignored, status.caught) = signalDispositions(actions)
        status.cpuCount = Scheduler.cpus.count
        status.allowedCPUs = Scheduler.cpus.indices.filter { subject?.allows(cpu: $0) ?? true }
        return status.render()
    }

    /// The signals a process ignores and those it has handlers for (bit n-1 for signal n).
    static func signalDispositions(_ actions: [SignalAction]) -> (ignored: UInt64, caught: UInt64) {
        var ignored: UInt64 = 0
        var caught: UInt64 = 0
        for signal in 1..<actions.count {
            let bit: UInt64 = 1 << UInt64(signal - 1)
            switch actions[signal].handler {
            case Signals.SIG_DFL: break
            case Signals.SIG_IGN: ignored |= bit
            default: caught |= bit
            }
        }
        return (ignored, caught)
    }

    static func statLine(_ process: Process, thread: Thread?) -> [UInt8] {
        let threads = process.lock.withLock { process.threads }
        let subject = thread ?? threads.first
        var stat = ProcessStatLine()
        stat.pid = thread?.id ?? process.id
        stat.name = commandName(process, thread: thread)
        stat.state = thread.map { state(of: $0) } ?? state(process, threads: threads)
        stat.parentID = process.parentID
        stat.processGroup = process.id
        stat.session = process.id
        let counted = thread.map { [$0] } ?? threads
        let runtime = counted.reduce(thread == nil ? process.exitedThreads.userNanoseconds : 0) { $0 &+ $1.runtime }
        stat.userTicks = ResourceUsage.ticks(runtime)
        stat.minorFaults = counted.reduce(thread == nil ? process.exitedThreads.minorFaults : 0) { $0 &+ $1.minorFaults }
        if thread == nil {
            let children = process.lock.withLock { process.reapedChildren }
            stat.childUserTicks = ResourceUsage.ticks(children.userNanoseconds)
        }
        if let policy = subject?.policy {
            stat.nice = Int64(policy.nice)
            stat.policy = UInt32(policy.linuxValue)
            if let realtime = policy.realTimePriority {
                stat.realtimePriority = UInt32(realtime)
                stat.priority = -1 - Int64(realtime)
            } else {
                stat.priority = 20 + Int64(policy.nice)
            }
        }
        stat.threads = threads.count
        stat.startTicks = (thread?.startTime ?? process.startTime) / 10_000_000
        stat.residentLimit = process.limits[5].soft
        if !process.isZombie {
            let report = process.addressSpace.report
            let usage = memory(report)
            stat.virtualSize = usage.size
            stat.residentPages = UInt64(report.residentPages)
            if let executable = process.executable?.node {
                let inode = (try? executable.attributes().inode) ?? 0
                let code = report.segmentNames.filter { $0.inode == inode }
                stat.startCode = code.map { $0.start }.min() ?? 0
                stat.endCode = code.map { $0.end }.max() ?? 0
            }
            stat.startStack = report.stackTop
            stat.startBreak = report.heapStart
        }
        stat.pending = (subject?.pendingSignals ?? 0) | process.sharedPendingSignals
        stat.blocked = subject?.signalMask ?? 0
        (stat.ignored, stat.caught) = signalDispositions(process.signalActions)
        stat.exitSignal = thread == nil || thread?.id == process.id ? 17 : -1
        stat.processor = subject?.cpu ?? 0
        return stat.render()
    }

    static func memory(_ process: Process) -> ProcessMemory { memory(process.addressSpace.report) }

    /// Sizes by kind of area: stacks, private writable data, the program's code and other
    /// executable file mappings.
    static func memory(_ report: AddressSpace.Report) -> ProcessMemory {
        var usage = ProcessMemory()
        let programInode = report.segmentNames.first?.inode
        for area in report.areas {
            let size = area.size
            let attributes = area.attributes
            usage.size &+= size
            if attributes.flags.contains(.locked) { usage.locked &+= size }
            if attributes.kind == .stack {
                usage.stack &+= size
            } else if attributes.protection.contains(.write) && attributes.kind != .sharedAnonymous
                && attributes.kind != .sharedFile
            {
                usage.data &+= size
            } else if attributes.protection.contains(.execute) {
                let named = report.segmentNames.first { $0.start <= area.start && area.start < $0.end }
                if named != nil && named?.inode == programInode { usage.code &+= size } else { usage.libraries &+= size }
            }
        }
        usage.resident = UInt64(report.residentPages) * 4096
        usage.residentAnonymous = usage.resident
        usage.pageTables = (usage.size / (512 * 4096) + 1) * 4096
        return usage
    }
}
#endif
