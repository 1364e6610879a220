#if SKIFF_KERNEL
import CKernel

/// The local APIC of each CPU: its ID, end-of-interrupt, inter-processor interrupts and the
/// per-CPU timer that drives preemption and sleeping.
///
/// The timer runs in TSC-deadline mode where the CPU has it (the deadline is simply a TSC
/// value, so no calibration and no drift), and in one-shot mode otherwise, with the APIC
/// timer's frequency measured against the TSC at boot. It is only armed when something is due:
/// an idle CPU, or one running a single thread, takes no periodic interrupts (tickless).
enum LocalAPIC {
    static let timerVector: UInt8 = 0xEF
    static let rescheduleVector: UInt8 = 0xF0
    static let tlbShootdownVector: UInt8 = 0xF1
    static let callFunctionVector: UInt8 = 0xF2
    static let errorVector: UInt8 = 0xFE
    static let spuriousVector: UInt8 = 0xFF

    nonisolated(unsafe) static var base: UnsafeMutableRawPointer? = nil
    nonisolated(unsafe) static var useTSCDeadline = false
    /// APIC timer ticks per second in one-shot mode (divide by 1).
    nonisolated(unsafe) static var timerHz: UInt64 = 0

    static let msrAPICBase: UInt32 = 0x1B
    static let msrTSCDeadline: UInt32 = 0x6E0

    // Register offsets (xAPIC MMIO).
    static let regID = 0x20
    static let regEOI = 0xB0
    static let regSpurious = 0xF0
    static let regError = 0x280
    static let regICRLow = 0x300
    static let regICRHigh = 0x310
    static let regLVTTimer = 0x320
    static let regLVTLINT0 = 0x350
    static let regLVTLINT1 = 0x360
    static let regLVTError = 0x370
    static let regTimerInitial = 0x380
    static let regTimerCurrent = 0x390
    static let regTimerDivide = 0x3E0

    @inline(__always)
    static func read(_ offset: Int) -> UInt32 {
        base!.advanced(by: offset).assumingMemoryBound(to: UInt32.self).pointee
    }

    @inline(__always)
    static func write(_ offset: Int, _ value: UInt32) {
        base!.advanced(by: offset).assumingMemoryBound(to: UInt32.self).pointee = value
    }

    /// Maps the registers (once) and enables this CPU's APIC.
    static func enableOnThisCPU() {
        if base == nil {
            let physical = x86_rdmsr(msrAPICBase) & 0xF_FFFF_F000
            base = KernelPageTables.mapDevice(physical: physical, length: 4096)
            useTSCDeadline = CPUFeatures.hasTSCDeadline
        }
        x86_wrmsr(msrAPICBase, x86_rdmsr(msrAPICBase) | (1 << 11))  // global enable
        write(regSpurious, 0x100 | UInt32(spuriousVector))  // software enable
        write(regLVTError, UInt32(errorVector))
        write(regLVTLINT0, 1 << 16)  // masked: the legacy PIC is off
        write(regLVTLINT1, 0x400)  // NMI
        write(regLVTTimer, 1 << 16)  // masked until armed
        write(regError, 0)
        write(regEOI, 0)
    }

    static var id: UInt32 { read(regID) >> 24 }

    @inline(__always)
    static func endOfInterrupt() { write(regEOI, 0) }

    /// Measures the one-shot timer's rate against the TSC (only needed without TSC-deadline).
    static func calibrateTimer() {
        guard !useTSCDeadline else { return }
        write(regTimerDivide, 0xB)  // divide by 1
        write(regLVTTimer, 1 << 16)
        let start = x86_rdtsc()
        write(regTimerInitial, 0xFFFF_FFFF)
        let window = TSC.hz / 200  // 5 ms
        while x86_rdtsc() &- start < window { x86_pause() }
        let elapsed = 0xFFFF_FFFF &- read(regTimerCurrent)
        write(regTimerInitial, 0)
        timerHz = UInt64(elapsed) * TSC.hz / window
    }

    /// Arms the timer to fire at monotonic time `deadline` (nanoseconds); nil disarms it.
    static func arm(at deadline: UInt64?) {
        guard let deadline else {
            if useTSCDeadline { x86_wrmsr(msrTSCDeadline, 0) } else { write(regTimerInitial, 0) }
            return
        }
        if useTSCDeadline {
            write(regLVTTimer, UInt32(timerVector) | (2 << 17))  // TSC-deadline mode
            x86_mfence()  // the MSR write must not pass the LVT write
            x86_wrmsr(msrTSCDeadline, max(Clock.tsc(atMonotonic: deadline), 1))
        } else {
            let now = Clock.monotonic
            let delta = deadline > now ? deadline - now : 1
            let (high, low) = delta.multipliedFullWidth(by: timerHz)
            var count = high >= 1_000_000_000 ? UInt64.max : (1_000_000_000 as UInt64).dividingFullWidth((high, low)).quotient
            count = max(1, min(count, 0xFFFF_FFFF))
            write(regLVTTimer, UInt32(timerVector))  // one-shot
            write(regTimerInitial, UInt32(count))
        }
    }

    /// Sends a fixed interrupt to the CPU with `apicID`.
    static func sendIPI(to apicID: UInt32, vector: UInt8) {
        write(regICRHigh, apicID << 24)
        write(regICRLow, UInt32(vector))
        while read(regICRLow) & (1 << 12) != 0 { x86_pause() }
    }

    /// INIT then two STARTUP IPIs pointing at the real-mode trampoline page (SDM §8.4.4).
    static func startProcessor(apicID: UInt32, trampolinePage: UInt8) {
        write(regICRHigh, apicID << 24)
        write(regICRLow, 0x0000_4500)  // INIT, assert
        while read(regICRLow) & (1 << 12) != 0 { x86_pause() }
        spin(microseconds: 10_000)
        for _ in 0..<2 {
            write(regICRHigh, apicID << 24)
            write(regICRLow, 0x0000_4600 | UInt32(trampolinePage))  // STARTUP
            while read(regICRLow) & (1 << 12) != 0 { x86_pause() }
            spin(microseconds: 200)
        }
    }

    static func spin(microseconds: UInt64) {
        let until = x86_rdtsc() &+ TSC.hz / 1_000_000 * microseconds
        while x86_rdtsc() < until { x86_pause() }
    }
}
#endif
