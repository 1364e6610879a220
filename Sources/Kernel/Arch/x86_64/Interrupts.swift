#if SKIFF_KERNEL
import Trace
import CKernel

/// Hardware interrupts and inter-processor interrupts (vectors 32–255).
///
/// Device drivers register a handler per vector; the local APIC's own vectors (timer,
/// reschedule, spurious, error) are handled here. Every interrupt ends with the scheduler's
/// chance to switch threads, which is how preemption happens.
enum Interrupts {
    typealias Handler = (UnsafeMutablePointer<skiff_trap_frame>) -> Void

    nonisolated(unsafe) static var handlers = [Handler?](repeating: nil, count: 256)
    /// Vectors 0x30–0xDF are handed to devices.
    nonisolated(unsafe) static var nextDeviceVector = 0x30
    static let lock = SpinLock()

    static func installSystemVectors() {
        handlers[Int(LocalAPIC.timerVector)] = { frame in
            LocalAPIC.endOfInterrupt()
            Sampler.timerInterrupt(frame)
            Scheduler.timerInterrupt()
        }
        handlers[Int(LocalAPIC.rescheduleVector)] = { _ in
            LocalAPIC.endOfInterrupt()
            Scheduler.programTimer(Scheduler.thisCPU)
        }
        handlers[Int(LocalAPIC.tlbShootdownVector)] = { _ in
            TLB.handleIPI()
            LocalAPIC.endOfInterrupt()
        }
        handlers[Int(LocalAPIC.errorVector)] = { _ in
            LocalAPIC.write(LocalAPIC.regError, 0)
            LocalAPIC.endOfInterrupt()
        }
        handlers[Int(LocalAPIC.spuriousVector)] = { _ in }  // no EOI for spurious interrupts
    }

    /// Reserves a vector for a device and installs `handler` (which must send the EOI).
    static func allocateVector(_ handler: @escaping Handler) -> Int? {
        lock.withLock {
            guard nextDeviceVector < 0xE0 else { return nil }
            let v = nextDeviceVector
            nextDeviceVector += 1
            handlers[v] = handler
            return v
        }
    }

    static func handle(vector: Int, frame: UnsafeMutablePointer<skiff_trap_frame>) {
        Tracing.fire(.interrupt, UInt64(vector))
        if let handler = handlers[vector] {
            handler(frame)
        } else if vector == 0x27 || vector == 0x2F {
            // A spurious interrupt from the masked legacy PICs.
        } else {
            LocalAPIC.endOfInterrupt()
        }
        if Scheduler.running {
            Scheduler.thisCPU.interrupts &+= 1
            Scheduler.interruptExit()
            if frame.pointee.cs & 3 == 3 {
                ProcessLifecycle.leaveIfRequested()
                let thread = Scheduler.current
                if Signals.deliverableForCurrent(thread) {
                    // Back at the outermost level, on the thread's own stack: writing the
                    // signal frame may fault pages in, which needs interrupts.
                    x86_sti()
                    _ = SignalDelivery.deliverPending(frame)
                    x86_cli()
                    thread.needsFullRestore = false  // IRETQ restores everything anyway
                }
            }
        }
    }
}
#endif
