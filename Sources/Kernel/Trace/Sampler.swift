#if SKIFF_KERNEL
import CKernel
import Trace

/// `--sampler=HZ`: a statistical profiler. Each CPU's local APIC timer (the scheduler's
/// one-shot deadline timer, armed for the next sample as well as for sleepers and time
/// slices) interrupts HZ times a second; the handler records a `sampler_tick` event with the
/// interrupted RIP and, in kernel mode, the frame-pointer backtrace. Samples of user mode carry
/// the user RIP only. `skiff trace --folded` turns them into flame-graph stacks.
enum Sampler {
    /// Samples per second per CPU; 0 when off.
    nonisolated(unsafe) static var hz = 0
    nonisolated(unsafe) static var period: UInt64 = 0

    /// Starts sampling on every online CPU (after SMP bring-up).
    static func start(hz rate: Int) {
        guard rate > 0, !Tracing.rings.isEmpty else { return }
        hz = rate
        period = 1_000_000_000 / UInt64(rate)
        Tracing.used = true
        let first = Clock.monotonic &+ period
        for cpu in Scheduler.cpus where cpu.online {
            cpu.lock.withLock { cpu.samplerDeadline = first }
            if cpu === Scheduler.thisCPU {
                Scheduler.programTimer(cpu)
            } else {
                LocalAPIC.sendIPI(to: cpu.apicID, vector: LocalAPIC.rescheduleVector)
            }
        }
    }

    static func stop() {
        period = 0
        for cpu in Scheduler.cpus { cpu.samplerDeadline = 0 }
    }

    /// From the timer interrupt: takes a sample when this CPU's is due.
    @inline(__always)
    static func timerInterrupt(_ frame: UnsafeMutablePointer<skiff_trap_frame>) {
        if period != 0 { sample(frame) }
    }

    @inline(never)
    static func sample(_ frame: UnsafeMutablePointer<skiff_trap_frame>) {
        let cpu = Scheduler.thisCPU
        let now = Clock.monotonic
        guard cpu.samplerDeadline != 0, now >= cpu.samplerDeadline else { return }
        // Late by more than a period (the CPU had interrupts off): skip the missed ones.
        cpu.samplerDeadline = max(cpu.samplerDeadline &+ period, now &+ period / 2)
        let user = frame.pointee.cs & 3 == 3
        var frames = FrameBuffer()
        let count = user ? 0 : frames.collect(rbp: frame.pointee.rbp)
        Tracing.record(.samplerTick, frame.pointee.rip, user ? 1 : 0, frames: &frames, count: count)
    }
}
#endif
