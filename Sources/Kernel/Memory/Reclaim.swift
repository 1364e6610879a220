#if SKIFF_KERNEL
import CKernel
import Synchronization

/// Frees frames whose mappings were just removed, after the TLB shootdown that makes that safe.
///
/// A shootdown needs interrupts enabled (other CPUs must be able to answer while we wait for
/// theirs), so when the caller cannot — it holds a spinlock, or runs in the scheduler's switch
/// path — the work is deferred to a list drained by the next caller that can.
enum Reclaim {
    nonisolated(unsafe) static var deferredPages: [UInt64] = []
    nonisolated(unsafe) static var deferredFrames: [UInt64] = []
    nonisolated(unsafe) static var deferredSlots: [Int] = []
    static let lock = SpinLock()
    /// Whether the lists hold anything: read on every system call, so without the lock.
    private static let pending = Atomic<Bool>(false)

    /// Shoots down `pages`, then frees `frames` (and returns a kernel-stack slot for reuse).
    static func after(shootdown pages: [UInt64], free frames: [UInt64], stackSlot: Int? = nil) {
        let interruptsOn = x86_read_rflags() & 0x200 != 0
        if !interruptsOn {
            lock.withLock {
                deferredPages += pages
                deferredFrames += frames
                if let s = stackSlot { deferredSlots.append(s) }
                pending.store(true, ordering: .releasing)
            }
            return
        }
        drain()
        TLB.shootdown(pages)
        for f in frames { PhysicalMemory.free(f) }
        if let s = stackSlot { KernelStack.recycle(slot: s) }
    }

    /// Completes deferred work (call with interrupts enabled).
    static func drain() {
        let (pages, frames, slots): ([UInt64], [UInt64], [Int]) = lock.withLock {
            let p = deferredPages
            let f = deferredFrames
            let s = deferredSlots
            deferredPages.removeAll()
            deferredFrames.removeAll()
            deferredSlots.removeAll()
            pending.store(false, ordering: .releasing)
            return (p, f, s)
        }
        guard !frames.isEmpty || !pages.isEmpty || !slots.isEmpty else { return }
        TLB.shootdown(pages)
        for f in frames { PhysicalMemory.free(f) }
        for s in slots { KernelStack.recycle(slot: s) }
    }

    /// Whether deferred work is waiting (checked cheaply before taking the lock).
    static var hasWork: Bool { pending.load(ordering: .acquiring) }
}
#endif
