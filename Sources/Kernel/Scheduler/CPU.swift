#if SKIFF_KERNEL
import CKernel
import Scheduling

/// One processor's scheduling state. Everything here is guarded by `lock`, which the owning
/// CPU and CPUs waking or migrating threads onto it take with interrupts off.
final class CPU {
    let index: Int
    let apicID: UInt32
    let lock = SpinLock()
    var runQueue = RunQueue()
    /// Sleep deadlines of threads on this CPU, by thread slot.
    var timers = TimerQueue()
    var current: Thread! = nil
    var idleThread: Thread! = nil
    var needsReschedule = false
    /// Nonzero while the running code must not be switched away from (it holds something
    /// other CPUs spin on with interrupts enabled). Interrupts still arrive.
    var preemptionDisabled = 0
    /// When the running thread's time slice ends (monotonic ns), if it has one.
    var sliceEnd: UInt64? = nil
    var online = false
    /// Halted in the idle loop: a wake-up for this CPU must send an IPI.
    var halted = false
    var percpu: UnsafeMutablePointer<skiff_percpu>
    var descriptorTables: CPUDescriptorTables?
    /// Statistics for /proc/stat and the monitoring API.
    var idleTime: UInt64 = 0
    var contextSwitches: UInt64 = 0
    var interrupts: UInt64 = 0
    /// When the sampling profiler's next sample is due (monotonic ns); 0 when it is off.
    var samplerDeadline: UInt64 = 0
    /// The thread that switched away from this CPU to move to another (and where to), queued
    /// there by the incoming thread once it is off this CPU's stack.
    var pendingMigration: (Thread, Int)? = nil

    init(index: Int, apicID: UInt32, percpu: UnsafeMutablePointer<skiff_percpu>) {
        self.index = index
        self.apicID = apicID
        self.percpu = percpu
    }

    /// Load for balancing: queued fair threads plus the running one (not the idle thread).
    var load: Int {
        runQueue.count + (current != nil && current !== idleThread ? 1 : 0)
    }
}
#endif
