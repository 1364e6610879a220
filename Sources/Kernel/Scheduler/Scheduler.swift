#if SKIFF_KERNEL
import Trace
import CKernel
import Scheduling

/// The scheduler: per-CPU run queues, preemption from the local APIC timer, tickless idle, and
/// sleeping and waking with the lost-wake-up protocol below.
///
/// Blocking: a thread sets itself `.blocked` under its CPU's lock and then calls `schedule()`.
/// A waker takes the same lock: a `.blocked` thread is queued again; any other thread (running,
/// or preempted before it reached `block()`) gets `wakePending`, and its next attempt to block
/// returns at once. Sleepers always re-check their condition, so a spurious return is harmless.
///
/// Lock order: CPU locks in index order, then wait-queue locks are never held while taking a
/// CPU lock (wakers release the queue before calling `wake`).
enum Scheduler {
    nonisolated(unsafe) static var cpus: [CPU] = []
    nonisolated(unsafe) static var threads = SlotMap<Thread>()
    nonisolated(unsafe) private static var freeSlots: [Int] = []
    nonisolated(unsafe) private static var slotCount = 0
    static let tableLock = SpinLock()
    nonisolated(unsafe) static var nextThreadID: Int32 = 1
    /// Threads that exited and whose stacks can be freed once they are off their CPU.
    nonisolated(unsafe) static var running = false

    // MARK: - Current thread and CPU

    static var thisCPU: CPU { cpus[Int(skiff_percpu_cpu_index())] }

    static var onlineCount: Int { cpus.reduce(0) { $0 + ($1.online ? 1 : 0) } }

    static var currentThread: Thread? {
        get {
            let raw = skiff_percpu_current_thread()
            guard raw != 0, let p = UnsafeRawPointer(bitPattern: UInt(raw)) else { return nil }
            return Unmanaged<Thread>.fromOpaque(p).takeUnretainedValue()
        }
        set {
            skiff_percpu_set_current_thread(
                newValue.map { UInt64(UInt(bitPattern: Unmanaged.passUnretained($0).toOpaque())) } ?? 0)
        }
    }

    static var current: Thread { currentThread! }

    /// The process of the calling application thread (system calls only come from those).
    static var currentProcess: Process { current.process! }

    // MARK: - Thread table

    /// Gives `thread` a slot (and an ID if it is an application thread).
    static func register(_ thread: Thread) {
        tableLock.withLock {
            let slot: Int
            if let s = freeSlots.popLast() {
                slot = s
            } else {
                slot = slotCount
                slotCount += 1
            }
            thread.slot = slot
            threads[slot] = thread
        }
        DebugThreads.register(thread)
        Tracing.fire(.threadCreate, UInt64(bitPattern: Int64(Tracing.id(of: thread))))
        Tracing.noteThread(thread)
    }

    static func allocateThreadID() -> Int32 {
        tableLock.withLock {
            let id = nextThreadID
            nextThreadID &+= 1
            return id
        }
    }

    private static func unregister(_ thread: Thread) {
        DebugThreads.unregister(thread)
        tableLock.withLock {
            threads[thread.slot] = nil
            freeSlots.append(thread.slot)
        }
    }

    static var threadCount: Int { tableLock.withLock { threads.count } }

    // MARK: - Bring-up

    /// Makes the boot CPU schedulable: its boot context becomes a thread (which becomes the
    /// first application thread or ends), and it gets an idle thread.
    static func initializeBootCPU() {
        let cpu = CPU(index: 0, apicID: LocalAPIC.id, percpu: PerCPU.bootBlock)
        cpu.descriptorTables = CPUDescriptorTables.bootProcessor
        cpus = [cpu]
        startCPU(cpu)
        let boot = Thread(id: 0, process: nil, name: "boot")
        boot.state = .running
        boot.onCPU = true
        boot.cpu = 0
        register(boot)
        cpu.current = boot
        currentThread = boot
        running = true
    }

    /// Creates the idle thread of `cpu` and marks it online.
    static func startCPU(_ cpu: CPU) {
        let idle = Thread(id: 0, process: nil, name: "idle")
        idle.cpu = cpu.index
        idle.policy = .idle
        guard let stack = KernelStack.allocate() else { Panic.halt("out of memory for an idle thread") }
        idle.kernelStack = stack
        idle.body = { idleLoop() }
        idle.prepareInitialContext()
        register(idle)
        cpu.idleThread = idle
        cpu.online = true
    }

    // MARK: - Creating threads

    /// Starts a kernel thread running `body`; it exits when `body` returns.
    @discardableResult
    static func spawnKernelThread(_ name: StaticString, cpu: Int? = nil, _ body: @escaping () -> Void) -> Thread? {
        let t = Thread(id: 0, process: nil, name: name)
        guard let stack = KernelStack.allocate() else { return nil }
        t.kernelStack = stack
        t.body = body
        t.prepareInitialContext()
        if let c = cpu { t.affinity = [1 << UInt64(c)] }
        register(t)
        t.cpu = cpu ?? placement(for: t)
        makeRunnable(t)
        return t
    }

    /// Queues a new or woken thread on its CPU.
    static func makeRunnable(_ t: Thread) {
        let cpu = cpus[t.cpu]
        var notify = false
        cpu.lock.withLock {
            t.state = .runnable
            cpu.runQueue.enqueue(t.slot, policy: t.policy, virtualRuntime: t.virtualRuntime, wokeUp: true)
            notify = noteNewRunnable(on: cpu, thread: t)
        }
        if notify { kick(cpu) }
    }

    /// After queuing `t` on `cpu` (lock held): decide whether the CPU must look again now.
    private static func noteNewRunnable(on cpu: CPU, thread t: Thread) -> Bool {
        guard let running = cpu.current else { return true }
        if running === cpu.idleThread || cpu.halted {
            cpu.needsReschedule = true
            return true
        }
        if RunQueue.shouldPreempt(
            running: running.policy, runningVirtualRuntime: running.virtualRuntime, candidate: t.policy,
            candidateVirtualRuntime: cpu.runQueue.entry(t.slot)?.virtualRuntime ?? t.virtualRuntime)
        {
            cpu.needsReschedule = true
            return true
        }
        // The running thread now competes: it needs a time slice if it had none.
        if cpu.sliceEnd == nil, let slice = cpu.runQueue.timeSlice(for: running.policy) {
            cpu.sliceEnd = Clock.monotonic &+ slice
            return true
        }
        return false
    }

    /// Makes `cpu` notice new work: locally by programming the timer / flagging, remotely by IPI.
    private static func kick(_ cpu: CPU) {
        if cpu === thisCPU {
            programTimer(cpu)
        } else {
            LocalAPIC.sendIPI(to: cpu.apicID, vector: LocalAPIC.rescheduleVector)
        }
    }

    /// The CPU a runnable thread should go to.
    static func placement(for t: Thread) -> Int {
        guard cpus.count > 1 else { return 0 }
        var loads: [Int] = []
        for c in cpus { loads.append(c.online ? c.load : Int.max / 2) }
        return LoadBalancer.placement(previous: t.cpu, loads: loads, affinity: { t.allows(cpu: $0) && cpus[$0].online })
    }

    // MARK: - Switching

    /// Picks the next thread on this CPU and switches to it. The caller's state decides what
    /// happens to it: `.running` is queued again (preemption, yield), `.blocked` waits for a
    /// wake-up, `.exited` is reaped after the switch.
    static func schedule() {
        let flags = x86_read_rflags()
        x86_cli()
        let cpu = thisCPU
        let previous = cpu.current!
        var next: Thread = previous
        cpu.lock.withLock {
            cpu.needsReschedule = false
            let now = Clock.monotonic
            account(previous, now: now)
            if previous.state == .running && previous !== cpu.idleThread {
                // Another thread may have taken this CPU out of its affinity: then it leaves
                // once off it.
                let target = previous.allows(cpu: cpu.index) ? cpu.index : placement(for: previous)
                if target == cpu.index || cpu.pendingMigration != nil {
                    previous.state = .runnable
                    cpu.runQueue.enqueue(previous.slot, policy: previous.policy, virtualRuntime: previous.virtualRuntime)
                } else {
                    previous.state = .blocked
                    cpu.pendingMigration = (previous, target)
                }
            }
            if let entry = cpu.runQueue.popNext(), let t = tableLock.withLock({ threads[entry.id] }) {
                next = t
                next.virtualRuntime = entry.virtualRuntime
            } else {
                next = cpu.idleThread
            }
            next.state = .running
            next.lastStart = now
            cpu.current = next
            if next === cpu.idleThread {
                cpu.sliceEnd = nil
            } else {
                cpu.sliceEnd = cpu.runQueue.timeSlice(for: next.policy).map { now &+ $0 }
                // Queued here before its affinity changed: its slice ends at once, and the
                // switch that follows moves it as above.
                if !next.allows(cpu: cpu.index) { cpu.sliceEnd = now }
            }
        }
        programTimer(cpu)
        if next !== previous {
            switchTo(next, from: previous, on: cpu)
        }
        if flags & 0x200 != 0 { x86_sti() }
    }

    private static func account(_ t: Thread, now: UInt64) {
        guard t.lastStart != 0, now > t.lastStart else { return }
        let ran = now - t.lastStart
        t.runtime &+= ran
        t.virtualRuntime = RunQueue.advance(t.virtualRuntime, by: ran, policy: t.policy)
        t.lastStart = now
    }

    /// The per-CPU "thread we switched away from", so the incoming side can release it. Sized
    /// once for all CPUs before any of them schedules (it must never grow concurrently).
    nonisolated(unsafe) static var previousByCPU: [Thread?] = [nil]

    private static func switchTo(_ next: Thread, from previous: Thread, on cpu: CPU) {
        // A thread just switched out on another CPU may still be on its stack.
        while next.onCPU { x86_pause() }
        next.onCPU = true
        if let f = previous.fpu { FPUState.save(into: f) }
        if let f = next.fpu { FPUState.restore(from: f) }
        currentThread = next
        if let stack = next.kernelStack {
            cpu.percpu.pointee.kernel_stack_top = stack.top
            cpu.descriptorTables?.setKernelStack(stack.top)
        }
        if let process = next.process {
            // Kernel threads keep whatever address space was loaded (they only touch the
            // kernel's half); application threads need their process's — unless it is being
            // destroyed: the last thread of an exiting process, preempted after releasing its
            // memory (when waking its parent), resumes on the kernel's tables, not a freed root.
            let space = process.addressSpace
            let root = space.isDestroyed ? KernelPageTables.kernelRoot : space.root
            if x86_read_cr3() & ~0xFFF != root { x86_write_cr3(root) }
            x86_wrmsr(UInt32(MSR_FS_BASE), next.fsBase)
            x86_wrmsr(UInt32(MSR_KERNEL_GS_BASE), next.gsBase)
        }
        cpu.contextSwitches &+= 1
        if previous.state == .runnable { previous.involuntarySwitches &+= 1 } else { previous.voluntarySwitches &+= 1 }
        Tracing.fire(.schedSwitch, UInt64(bitPattern: Int64(Tracing.id(of: previous))), UInt64(bitPattern: Int64(Tracing.id(of: next))), previous.state.traceValue)
        previousByCPU[cpu.index] = previous
        skiff_switch_context(previous.contextSlot, next.savedStackPointer)
        finishSwitch()
    }

    /// Runs on the incoming thread right after a switch: the outgoing thread is now off this
    /// CPU's stack (and, if it exited, its stack can go).
    static func finishSwitch() {
        let cpu = thisCPU
        guard cpu.index < previousByCPU.count, let previous = previousByCPU[cpu.index] else { return }
        previousByCPU[cpu.index] = nil
        previous.onCPU = false
        if previous.state == .exited { reap(previous) }
        if let (t, target) = cpu.pendingMigration, t === previous {
            cpu.pendingMigration = nil
            move(t, from: cpu, to: cpus[target])
        }
    }

    /// Queues `t`, now off `source`, on `target`. A wake-up that arrived while it was switching
    /// away may have queued it on `source` already: it is taken out there, under both locks.
    private static func move(_ t: Thread, from source: CPU, to target: CPU) {
        let (first, second) = source.index < target.index ? (source, target) : (target, source)
        let notify = first.lock.withLock {
            second.lock.withLock { () -> Bool in
                _ = source.runQueue.remove(t.slot)
                t.cpu = target.index
                t.state = .runnable
                target.runQueue.enqueue(t.slot, policy: t.policy, virtualRuntime: t.virtualRuntime, wokeUp: true)
                return noteNewRunnable(on: target, thread: t)
            }
        }
        Tracing.fire(.schedMigrate, UInt64(bitPattern: Int64(Tracing.id(of: t))), UInt64(target.index))
        if notify { kick(target) }
    }

    private static func reap(_ t: Thread) {
        Tracing.fire(.threadExit, UInt64(bitPattern: Int64(Tracing.id(of: t))))
        t.kernelStack?.release()
        t.kernelStack = nil
        if let f = t.fpu {
            f.deallocate()
            t.fpu = nil
        }
        unregister(t)
    }

    /// Programs this CPU's timer for its next event: the earliest sleeper or the slice end.
    /// The timer queue is read under the CPU's lock: other CPUs arm and cancel timers in it
    /// (`wake` of a thread sleeping with a deadline).
    static func programTimer(_ cpu: CPU) {
        let deadline: UInt64? = cpu.lock.withLock {
            var deadline = cpu.timers.nextDeadline
            if let end = cpu.sliceEnd { deadline = deadline.map { min($0, end) } ?? end }
            if cpu.samplerDeadline != 0 { deadline = min(deadline ?? .max, cpu.samplerDeadline) }
            return deadline
        }
        LocalAPIC.arm(at: deadline)
    }

    // MARK: - Blocking and waking

    /// Gives up the CPU until `wake` (or a timeout armed with `sleep`). May return early on a
    /// wake-up that raced with going to sleep: callers re-check their condition.
    static func block() {
        let flags = x86_read_rflags()
        x86_cli()
        let cpu = thisCPU
        let t = cpu.current!
        let sleep: Bool = cpu.lock.withLock {
            if t.wakePending {
                t.wakePending = false
                return false
            }
            t.state = .blocked
            return true
        }
        if sleep { schedule() }
        if flags & 0x200 != 0 { x86_sti() }
    }

    /// Sleeps until monotonic time `deadline` or an earlier `wake`. Returns true when the
    /// deadline passed.
    @discardableResult
    static func sleep(until deadline: UInt64) -> Bool {
        let flags = x86_read_rflags()
        x86_cli()
        let cpu = thisCPU
        let t = cpu.current!
        t.wokenByTimeout = false
        if Clock.monotonic >= deadline {
            if flags & 0x200 != 0 { x86_sti() }
            return true
        }
        cpu.lock.withLock { cpu.timers.arm(t.slot, at: deadline) }
        programTimer(cpu)
        block()
        let timedOut = t.wokenByTimeout || Clock.monotonic >= deadline
        withCPULocked(of: t) { _ = $0.timers.cancel(t.slot) }
        if flags & 0x200 != 0 { x86_sti() }
        return timedOut
    }

    /// Makes a blocked thread runnable again (or notes the wake-up if it is about to block).
    static func wake(_ t: Thread, timedOut: Bool = false) {
        var notify = false
        let cpu = withCPULocked(of: t) { cpu in
            switch t.state {
            case .blocked:
                _ = cpu.timers.cancel(t.slot)
                t.wokenByTimeout = timedOut
                t.state = .runnable
                cpu.runQueue.enqueue(t.slot, policy: t.policy, virtualRuntime: t.virtualRuntime, wokeUp: true)
                notify = noteNewRunnable(on: cpu, thread: t)
                Tracing.fire(.schedWake, UInt64(bitPattern: Int64(Tracing.id(of: t))), UInt64(cpu.index))
            case .running, .runnable, .new:
                // Not asleep yet — possibly preempted between queuing itself on something and
                // calling block(). Remember the wake-up so that block() returns at once.
                t.wakePending = true
            case .exited:
                break
            }
            return cpu
        }
        if notify { kick(cpu) }
    }

    /// Runs `body` with the lock of the CPU `t` belongs to. `t.cpu` changes only under that
    /// lock (and the new CPU's), so it is read again once the lock is held: a waker that read it
    /// just before the thread moved would otherwise queue it on a CPU it no longer belongs to.
    static func withCPULocked<R>(of t: Thread, _ body: (CPU) -> R) -> R {
        while true {
            let cpu = cpus[t.cpu]
            let result: R? = cpu.lock.withLock { t.cpu == cpu.index ? body(cpu) : nil }
            if let result { return result }
        }
    }

    /// `sched_yield`: the caller goes behind threads of equal standing.
    static func yield() {
        // The CPU is looked up with interrupts off: a thread preempted after the lookup and
        // resumed elsewhere would charge its yield to the old CPU's current thread.
        withInterruptsDisabled {
            let cpu = thisCPU
            cpu.lock.withLock {
                // Give up the rest of the fair share: advance to the queue's minimum.
                let t = cpu.current!
                if let next = cpu.runQueue.peekNext(), next.policy.realTimePriority == nil, t.policy.realTimePriority == nil {
                    t.virtualRuntime = max(t.virtualRuntime, next.virtualRuntime &+ 1)
                }
            }
        }
        schedule()
    }

    /// Changes a thread's policy, moving it within its run queue if it is queued.
    static func setPolicy(_ t: Thread, _ policy: SchedulingPolicy) {
        withCPULocked(of: t) { cpu in
            if let entry = cpu.runQueue.remove(t.slot) {
                t.policy = policy
                cpu.runQueue.enqueue(t.slot, policy: policy, virtualRuntime: entry.virtualRuntime)
            } else {
                t.policy = policy
            }
            if cpu.current === t {
                cpu.sliceEnd = cpu.runQueue.timeSlice(for: policy).map { Clock.monotonic &+ $0 }
            }
            cpu.needsReschedule = true
        }
    }

    /// Moves the calling thread to a CPU its affinity allows.
    static func migrateCurrent() {
        let t = current
        let target = placement(for: t)
        guard target != t.cpu else { return }
        x86_cli()
        let cpu = thisCPU
        cpu.lock.withLock { t.state = .blocked }
        // Switch away; the thread is queued on the target once it is off this CPU. Per CPU:
        // two CPUs migrating at once must not overwrite each other's (a lost thread).
        cpu.pendingMigration = (t, target)
        schedule()
        x86_sti()
    }

    /// After another thread changed `t`'s affinity: if `t` is running on a CPU it may no longer
    /// use, that CPU switches away from it now (and `schedule` moves it), as Linux does, rather
    /// than letting it keep the CPU until it next blocks. A queued or sleeping thread moves the
    /// first time it is switched out.
    static func enforceAffinity(of t: Thread) {
        let cpu = withCPULocked(of: t) { cpu -> CPU? in
            guard cpu.current === t, !t.allows(cpu: cpu.index) else { return nil }
            cpu.needsReschedule = true
            return cpu
        }
        if let cpu { kick(cpu) }
    }

    /// Ends the calling thread; never returns.
    static func exitCurrent() -> Never {
        x86_cli()
        let cpu = thisCPU
        cpu.lock.withLock { cpu.current.state = .exited }
        schedule()
        Panic.halt("an exited thread was scheduled")
    }

    // MARK: - Interrupts

    /// The local APIC timer: wake sleepers whose time came, end an expired slice.
    static func timerInterrupt() {
        let cpu = thisCPU
        let now = Clock.monotonic
        var due: [Int] = []
        cpu.lock.withLock {
            due = cpu.timers.popExpired(now: now)
            if let end = cpu.sliceEnd, now >= end { cpu.needsReschedule = true }
        }
        for slot in due {
            if let t = tableLock.withLock({ threads[slot] }) { wake(t, timedOut: true) }
        }
        programTimer(cpu)
    }

    /// Called on the way out of every interrupt: switch if this CPU was asked to.
    static func interruptExit() {
        let cpu = thisCPU
        if cpu.needsReschedule && cpu.preemptionDisabled == 0 { schedule() }
    }

    /// Runs `body` on this CPU without being switched away (interrupts stay enabled).
    static func withPreemptionDisabled<R>(_ body: () -> R) -> R {
        guard running else { return body() }
        let cpu = withInterruptsDisabled { () -> CPU in
            let c = thisCPU
            c.preemptionDisabled += 1
            return c
        }
        let result = body()
        let reschedule = withInterruptsDisabled { () -> Bool in
            cpu.preemptionDisabled -= 1
            return cpu.preemptionDisabled == 0 && cpu.needsReschedule
        }
        if reschedule { schedule() }
        return result
    }

    // MARK: - Idle

    /// What a CPU runs when nothing else wants it: halt until an interrupt, never spinning, and
    /// take work from a busier CPU before sleeping.
    static func idleLoop() {
        let cpu = thisCPU
        while true {
            x86_cli()
            let hasWork = cpu.lock.withLock { !cpu.runQueue.isEmpty || cpu.needsReschedule }
            if hasWork || balance(into: cpu) {
                schedule()
                continue
            }
            // Deferred TLB shootdowns and frees need interrupts on: do them before sleeping.
            x86_sti()
            if Reclaim.hasWork { Reclaim.drain() }
            x86_cli()
            if cpu.needsReschedule { continue }
            cpu.halted = true
            let before = Clock.monotonic
            x86_sti_hlt()
            x86_cli()
            cpu.halted = false
            cpu.idleTime &+= Clock.monotonic &- before
        }
    }

    /// Pulls one runnable thread from the busiest CPU to `cpu`; true if one came.
    static func balance(into cpu: CPU) -> Bool {
        guard cpus.count > 1 else { return false }
        var loads: [Int] = []
        for c in cpus { loads.append(c.online ? c.load : 0) }
        loads[cpu.index] = 0
        guard let move = LoadBalancer.plan(loads: loads), move.to == cpu.index || loads[move.to] == 0 else { return false }
        let source = cpus[move.from]
        guard source !== cpu, source.online else { return false }
        let (first, second) = source.index < cpu.index ? (source, cpu) : (cpu, source)
        return first.lock.withLock {
            second.lock.withLock {
                for slot in source.runQueue.migratableIDs {
                    guard let t = tableLock.withLock({ threads[slot] }), t.allows(cpu: cpu.index) else { continue }
                    // A thread woken between marking itself blocked and its own schedule() is
                    // queued yet still current there: that schedule() may pick it again, so
                    // taking it would run it on two CPUs (and re-schedule it after it exits).
                    guard t !== source.current else { continue }
                    guard let entry = source.runQueue.remove(slot) else { continue }
                    t.cpu = cpu.index
                    // Keep its standing relative to the new queue.
                    let relative = entry.virtualRuntime &- min(entry.virtualRuntime, source.runQueue.minimumVirtualRuntime)
                    t.virtualRuntime = cpu.runQueue.minimumVirtualRuntime &+ relative
                    cpu.runQueue.enqueue(slot, policy: t.policy, virtualRuntime: t.virtualRuntime)
                    Tracing.fire(.schedMigrate, UInt64(bitPattern: Int64(Tracing.id(of: t))), UInt64(cpu.index))
                    return true
                }
                return false
            }
        }
    }
}

/// Where a new thread begins, from `skiff_thread_trampoline`, with interrupts off.
@_cdecl("skiff_thread_start")
public func skiff_thread_start() {
    Scheduler.finishSwitch()
    let t = Scheduler.current
    x86_sti()
    if let body = t.body {
        body()
        Scheduler.exitCurrent()
    }
    // An application thread created by clone: return to user mode through its trap frame.
    skiff_return_to_frame(t.userFrame)
}
#endif
