#if SKIFF_KERNEL
import CKernel
import Synchronization

/// TLB invalidation across CPUs.
///
/// All CPUs share the page tables, so when a mapping is removed or its rights reduced, every
/// CPU that may have cached it must forget it before the frame is reused or the access is
/// relied upon. The initiator invalidates locally, sends an IPI to the other online CPUs and
/// waits until each has invalidated too. It does so with interrupts enabled and no spinlock
/// held, so two CPUs shooting down at once still answer each other's IPIs.
enum TLB {
    nonisolated(unsafe) static var addresses: [UInt64] = []
    nonisolated(unsafe) static var fullFlush = false
    /// With a retirement: CPUs running on `retiringRoot` switch to `replacementRoot`.
    nonisolated(unsafe) static var retiringRoot: UInt64 = 0
    nonisolated(unsafe) static var replacementRoot: UInt64 = 0
    static let pending = Atomic<Int>(0)
    /// Per CPU: a request is waiting for this CPU. Checked by CPUs spinning in here, so two
    /// initiators (or one with interrupts off) cannot wait for each other forever.
    nonisolated(unsafe) static var requested: UnsafeMutablePointer<Atomic<Bool>>? = nil

    /// Called once the CPU count is known.
    static func initialize(cpuCount: Int) {
        let flags = UnsafeMutablePointer<Atomic<Bool>>.allocate(capacity: max(cpuCount, 1))
        for i in 0..<max(cpuCount, 1) { (flags + i).initialize(to: Atomic<Bool>(false)) }
        requested = flags
    }

    /// Serves a request aimed at this CPU, if one is waiting (for CPUs that spin with
    /// interrupts off).
    static func serveIfRequested() {
        guard let flags = requested else { return }
        let me = Int(skiff_percpu_cpu_index())
        if flags[me].exchange(false, ordering: .acquiringAndReleasing) { handle() }
    }
    /// Serializes initiators; taken by spinning with interrupts on.
    static let busy = Atomic<Bool>(false)

    /// Invalidates `pages` on every CPU. Call with interrupts enabled and no spinlock held.
    /// Runs without preemption: an initiator switched away while others spin on it would stall
    /// every CPU.
    static func shootdown(_ pages: [UInt64]) {
        guard !pages.isEmpty else { return }
        Scheduler.withPreemptionDisabled { shootdownUnpreempted(pages) }
    }

    private static func shootdownUnpreempted(
        _ pages: [UInt64], force: Bool = false, retiring: UInt64 = 0, replacement: UInt64 = 0
    ) {
        let full = pages.count > 32
        if !force { invalidateLocally(pages, full: full) }
        let cpus = Scheduler.cpus
        guard cpus.count > 1 else { return }
        let me = Scheduler.thisCPU
        while !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            serveIfRequested()
            x86_pause()
        }
        addresses = pages
        fullFlush = full
        retiringRoot = retiring
        replacementRoot = replacement
        var targets: [CPU] = []
        for c in cpus where c.online && c !== me { targets.append(c) }
        pending.store(targets.count, ordering: .releasing)
        for c in targets {
            requested?[c.index].store(true, ordering: .releasing)
            LocalAPIC.sendIPI(to: c.apicID, vector: LocalAPIC.tlbShootdownVector)
        }
        while pending.load(ordering: .acquiring) > 0 {
            serveIfRequested()
            x86_pause()
        }
        busy.store(false, ordering: .releasing)
    }

    /// Makes every CPU stop using the page-table root `root` (it is about to be freed).
    static func retire(root: UInt64, replacement: UInt64) {
        Scheduler.withPreemptionDisabled {
            shootdownUnpreempted([], force: true, retiring: root, replacement: replacement)
        }
    }

    /// Makes every other CPU take an interrupt (a serializing event) and waits until they have:
    /// `membarrier`.
    static func barrier() {
        Scheduler.withPreemptionDisabled { shootdownUnpreempted([], force: true) }
    }

    /// The IPI handler on the receiving CPUs (the request may already have been served while
    /// this CPU spun).
    static func handleIPI() {
        serveIfRequested()
    }

    private static func handle() {
        if retiringRoot != 0 && x86_read_cr3() & ~0xFFF == retiringRoot {
            x86_write_cr3(replacementRoot)
        }
        invalidateLocally(addresses, full: fullFlush)
        pending.subtract(1, ordering: .acquiringAndReleasing)
    }

    static func invalidateLocally(_ pages: [UInt64], full: Bool) {
        if full {
            x86_write_cr3(x86_read_cr3())  // flushes all non-global entries (user mappings)
        } else {
            for p in pages { x86_invlpg(p) }
        }
    }
}
#endif
