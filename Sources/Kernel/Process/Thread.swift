#if SKIFF_KERNEL
import CKernel
import LinuxABI
import Scheduling

/// A schedulable thread: an application thread (with a user context in the trap frame at the
/// top of its kernel stack) or a kernel thread.
final class Thread {
    enum State: Equatable {
        case new, runnable, running, blocked, exited

        /// The `prev_state` argument of `sched_switch`.
        var traceValue: UInt64 {
            switch self {
            case .new: 0
            case .runnable: 1
            case .running: 2
            case .blocked: 3
            case .exited: 4
            }
        }
    }

    /// Linux thread ID (0 for kernel threads, which applications never see).
    let id: Int32
    /// Index in the scheduler's thread table; run queues and timers refer to threads by it.
    var slot: Int = -1
    let process: Process?
    let name: StaticString
    var kernelStack: KernelStack?
    /// Saved kernel %rsp while switched out, in stable memory the switch code writes through.
    let contextSlot = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    var savedStackPointer: UInt64 {
        get { contextSlot.pointee }
        set { contextSlot.pointee = newValue }
    }
    /// FPU/SSE/AVX registers of an application thread; nil for kernel threads.
    var fpu: UnsafeMutableRawPointer?
    /// What a kernel thread runs; application threads start by returning to user mode.
    var body: (() -> Void)?

    // Scheduling state, guarded by the lock of the CPU in `cpu`.
    var state: State = .new
    var policy: SchedulingPolicy = .normal(nice: 0)
    var virtualRuntime: UInt64 = 0
    var cpu = 0
    /// Still executing on a CPU (set until its switch-out completes, so no other CPU resumes it
    /// on the same stack).
    var onCPU = false
    /// A wake-up arrived while it was deciding to block: it must not sleep.
    var wakePending = false
    /// CPUs it may run on (bit per CPU index, 64 per word); empty means all.
    var affinity: [UInt64] = []
    /// Total CPU time (for CLOCK_THREAD_CPUTIME_ID and /proc).
    var runtime: UInt64 = 0
    var lastStart: UInt64 = 0
    /// For getrusage: switches away after blocking and after preemption, and page faults
    /// resolved (per thread, so no CPU shares a counter).
    var voluntarySwitches: UInt64 = 0
    var involuntarySwitches: UInt64 = 0
    var minorFaults: UInt64 = 0
    var wokenByTimeout = false

    /// FS base (the TLS pointer) set by `arch_prctl(ARCH_SET_FS)` or `clone(CLONE_SETTLS)`.
    var fsBase: UInt64 = 0
    var gsBase: UInt64 = 0
    /// `set_tid_address`: cleared and futex-woken when the thread exits.
    var clearChildTID: UInt64 = 0
    var robustList: UInt64 = 0
    /// Blocked signals (bit n-1 for signal n).
    var signalMask: UInt64 = 0
    /// `sigaltstack`.
    var alternateSignalStack = SignalStack()
    /// Signals sent to this thread and not yet delivered (bit n-1 for signal n), and what
    /// `siginfo_t` each carries (one entry per standard signal, queued for real-time ones),
    /// guarded by the process's lock. Process-directed signals wait in the process.
    var pendingSignals: UInt64 = 0
    var pendingInfo: [SignalInfo] = []
    /// The mask to restore after `rt_sigsuspend`, `ppoll`, `pselect6` or `epoll_pwait` replaced
    /// it for the duration of the call (the handler frame saves this one instead).
    var savedSignalMask: UInt64? = nil
    /// Signals `rt_sigtimedwait` is waiting for: taken by this thread although blocked, and
    /// never acted on at sending time.
    var waitingForSignals: UInt64 = 0
    /// Asked to end (another thread called execve or exit_group): it leaves at its next return
    /// to user mode, and blocking calls return early.
    var killRequested = false
    /// `prctl(PR_SET_NAME)`: up to 15 bytes.
    var comm: [UInt8] = []
    /// When the thread was created (monotonic ns), for /proc/PID/task/TID/stat.
    let startTime = Clock.monotonic
    /// The descriptor of the current I/O system call is O_NONBLOCK (see `IOContext`).
    var nonblockingIO = false
    /// The system call changed the user context in a way only IRETQ restores.
    var needsFullRestore = false

    init(id: Int32, process: Process?, name: StaticString) {
        self.id = id
        self.process = process
        self.name = name
        contextSlot.initialize(to: 0)
    }

    deinit {
        contextSlot.deallocate()
    }

    var isKernelThread: Bool { process == nil }

    func allows(cpu index: Int) -> Bool {
        guard !affinity.isEmpty else { return true }
        let word = index / 64
        return word < affinity.count && affinity[word] & (1 << UInt64(index % 64)) != 0
    }

    /// The user context saved at the top of the kernel stack.
    var userFrame: UnsafeMutablePointer<skiff_trap_frame> {
        UnsafeMutablePointer<skiff_trap_frame>(bitPattern: UInt(kernelStack!.top) - UInt(MemoryLayout<skiff_trap_frame>.size))!
    }

    /// Lays out a fresh kernel stack so the first switch to this thread enters
    /// `skiff_thread_start` through the trampoline.
    func prepareInitialContext() {
        guard let stack = kernelStack else { return }
        // Leave room for a user trap frame at the top, then the switch frame below it.
        var sp = stack.top - UInt64(MemoryLayout<skiff_trap_frame>.size) - 8
        sp &= ~15
        sp -= 8
        UnsafeMutablePointer<UInt64>(bitPattern: UInt(sp))!.pointee = UInt64(skiff_thread_trampoline_address())
        for _ in 0..<6 {
            sp -= 8
            UnsafeMutablePointer<UInt64>(bitPattern: UInt(sp))!.pointee = 0
        }
        savedStackPointer = sp
    }
}
#endif
