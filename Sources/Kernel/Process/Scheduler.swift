#if SKIFF_KERNEL
/// The thread running on this CPU. (One application thread on the boot CPU until the SMP
/// scheduler arrives.)
enum Scheduler {
    nonisolated(unsafe) static var currentThread: Thread? = nil

    static var current: Thread { currentThread! }
}
#endif
