#if SKIFF_KERNEL
import LinuxABI
import VFS

/// A Linux process: a thread group sharing an address space, open files and signal handlers.
final class Process {
    let id: Int32
    /// Replaced by execve.
    var addressSpace: AddressSpace
    /// Open file descriptors.
    var files: FileDescriptorTable
    /// Root, working directory, umask and credentials for path resolution.
    var fileContext: FileContext
    /// Guards `threads` and the other per-process lists.
    let lock = SpinLock()
    var threads: [Thread] = []
    /// argv[0] as given, for messages and /proc/self/cmdline.
    var arguments: [[UInt8]] = []
    var environment: [[UInt8]] = []
    var executablePath: [UInt8] = []
    /// The program file execve loaded (the interpreter of a #! script): /proc/PID/exe.
    var executable: OpenFile? = nil
    /// The auxiliary vector the program started with, as (key, value) words ending with
    /// AT_NULL: /proc/PID/auxv.
    var auxiliaryVector: [UInt64] = []
    /// When the process was created (monotonic ns), for /proc/PID/stat.
    let startTime = Clock.monotonic
    var exitStatus: Int32? = nil

    // MARK: Family

    /// The parent's process ID (1 for the application and for orphans, 0 for pid 1 itself).
    var parentID: Int32 = 0
    /// Children, alive or zombie, until the parent waits for them.
    var children: [Process] = []
    /// Ended and waiting to be reaped; `waitStatus` is what wait4 reports.
    var isZombie = false
    var waitStatus: Int32 = 0
    /// The parent sleeps here in wait4; children signal it when they change state.
    let childEvents = WaitQueue()
    /// A vfork parent waits on this until the child execs or exits.
    var vforkDone: Semaphore? = nil
    /// exit_group or a fatal signal is tearing the process down: every thread leaves at its next
    /// return to user mode.
    var exiting = false
    /// A thread has waited for a PI futex: its threads' exits look for locks to hand over.
    var usesPIFutexes = false
    /// Resource limits (soft, hard) by RLIMIT_* number.
    var limits: [(soft: UInt64, hard: UInt64)] = Process.defaultLimits
    /// The thread name `prctl(PR_SET_NAME)` sets is per thread; this is the process's (comm).
    var hostname: [UInt8] = Array("skiff".utf8)

    static var defaultLimits: [(soft: UInt64, hard: UInt64)] {
        let infinity: UInt64 = ~0
        var l = [(soft: UInt64, hard: UInt64)](repeating: (infinity, infinity), count: 16)
        l[3] = (8 << 20, infinity)  // RLIMIT_STACK
        l[4] = (0, infinity)  // RLIMIT_CORE
        l[6] = (4096, 4096)  // RLIMIT_NPROC
        l[7] = (1024, 1 << 20)  // RLIMIT_NOFILE
        l[8] = (8 << 20, 8 << 20)  // RLIMIT_MEMLOCK
        l[10] = (infinity, infinity)  // RLIMIT_LOCKS
        l[11] = (4096, 4096)  // RLIMIT_SIGPENDING
        l[12] = (819_200, 819_200)  // RLIMIT_MSGQUEUE
        l[13] = (0, 0)  // RLIMIT_NICE
        l[14] = (0, 0)  // RLIMIT_RTPRIO
        return l
    }

    /// `rt_sigaction` state per signal (index = signal number).
    var signalActions = [SignalAction](repeating: SignalAction(), count: 65)
    /// Process-directed signals not yet taken by a thread, with their `siginfo_t`s (under `lock`).
    var sharedPendingSignals: UInt64 = 0
    var sharedPendingInfo: [SignalInfo] = []
    /// signalfd pollers: notified whenever a signal is queued on the process or its threads.
    let signalPollHead = PollHead()
    /// `alarm`/`setitimer(ITIMER_REAL)`, created on first use; survives execve.
    var realTimer: ProcessTimer? = nil
    /// POSIX timers by `timer_create` ID (nil where deleted); execve drops them.
    var timers: [ProcessTimer?] = []
    /// What threads that have exited used (for CLOCK_PROCESS_CPUTIME_ID and getrusage).
    var exitedThreads = ResourceUsage()
    /// What the children this process waited for used, theirs included (RUSAGE_CHILDREN);
    /// under `lock`.
    var reapedChildren = ResourceUsage()
    /// The largest resident size seen at a getrusage, execve or exit, in KiB.
    var peakResidentKiB: UInt64 = 0

    init(id: Int32, addressSpace: AddressSpace, files: FileDescriptorTable, fileContext: FileContext) {
        self.id = id
        self.addressSpace = addressSpace
        self.files = files
        self.fileContext = fileContext
    }

    /// The name used in kernel messages.
    var name: String { String(decoding: executablePath.isEmpty ? (arguments.first ?? []) : executablePath, as: UTF8.self) }
}
#endif

#if SKIFF_KERNEL
/// A `struct sigaction` as the kernel ABI has it: handler, flags, restorer, mask.
struct SignalAction {
    var handler: UInt64 = 0  // SIG_DFL
    var flags: UInt64 = 0
    var restorer: UInt64 = 0
    var mask: UInt64 = 0
}
#endif
