#if SKIFF_KERNEL
import CKernel
import Synchronization

/// A spinlock that also masks interrupts on the holding CPU, so an interrupt handler taking the
/// same lock cannot deadlock against the code it interrupted. For short critical sections only:
/// allocator metadata, page tables, run queues.
struct SpinLock: ~Copyable, Sendable {
    private let held = Atomic<Bool>(false)

    /// Locks are statically initialized (no lazy global initializer, no allocation): the heap's
    /// own lock must exist before the heap can allocate anything.
    init() {}

    /// Runs `body` with the lock held and interrupts off, restoring the previous interrupt state.
    @inline(__always)
    func withLock<R>(_ body: () -> R) -> R {
        let flags = x86_read_rflags()
        x86_cli()
        while !held.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            while held.load(ordering: .relaxed) { x86_pause() }
        }
        let result = body()
        held.store(false, ordering: .releasing)
        if flags & 0x200 != 0 { x86_sti() }
        return result
    }

    var isHeld: Bool { held.load(ordering: .relaxed) }
}

/// Interrupts off for the duration of `body` on this CPU (per-CPU data, no lock needed).
@inline(__always)
func withInterruptsDisabled<R>(_ body: () -> R) -> R {
    let flags = x86_read_rflags()
    x86_cli()
    let result = body()
    if flags & 0x200 != 0 { x86_sti() }
    return result
}
#endif
