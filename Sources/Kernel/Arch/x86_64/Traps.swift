#if SKIFF_KERNEL
import Trace
import CKernel
import LinuxABI

/// Exception and interrupt dispatch: every IDT vector lands in `skiff_trap`.
enum Traps {
    static let names: [StaticString] = [
        "divide error", "debug", "non-maskable interrupt", "breakpoint", "overflow",
        "bound range exceeded", "invalid opcode", "device not available", "double fault",
        "coprocessor segment overrun", "invalid TSS", "segment not present", "stack-segment fault",
        "general protection fault", "page fault", "reserved (15)", "x87 floating-point error",
        "alignment check", "machine check", "SIMD floating-point error", "virtualization exception",
        "control protection exception",
    ]

    static func describe(vector: UInt64) -> String { String(name(of: vector)) }

    static func name(of vector: UInt64) -> StaticString {
        vector < UInt64(names.count) ? names[Int(vector)] : "reserved exception"
    }

    static func dispatch(_ frame: UnsafeMutablePointer<skiff_trap_frame>) {
        let vector = frame.pointee.vector
        if vector >= 32 {
            Interrupts.handle(vector: Int(vector), frame: frame)
            return
        }
        let fromUser = frame.pointee.cs & 3 == 3
        if vector == 3 && !fromUser {
            Console.write("skiff: breakpoint at ")
            Console.writeHex(frame.pointee.rip &- 1)
            Console.writeLine(" (continuing)")
            return
        }
        if vector == 14 {
            let address = x86_read_cr2()
            PageFaultReport.record(address: address)
            Tracing.fire(.pageFault, address, frame.pointee.error_code, frame.pointee.rip)
            var outcome: AddressSpace.FaultOutcome? = nil
            if address < UserMemory.limit, let thread = Scheduler.currentThread,
                fromUser || UserMemory.fixup(for: frame.pointee.rip) != nil
            {
                // CR2 is read; the fault may sleep, allocate or shoot down TLBs like any code
                // running in the faulting thread's context.
                if frame.pointee.rflags & 0x200 != 0 { x86_sti() }
                defer { x86_cli() }
                outcome = thread.process?.addressSpace.handleFault(address: address, errorCode: frame.pointee.error_code)
                if outcome == .resolved {
                    thread.minorFaults &+= 1
                    Tracing.fire(.pageFaultDone, address, 1)
                    return
                }
                Tracing.fire(.pageFaultDone, address, 0)
                if outcome == .outOfMemory && fromUser, let process = thread.process {
                    // The access was allowed; there is no memory left for it.
                    log("out of memory: killed process \(process.id) (" + process.name + ") at a page fault at " + ProgramLoader.hex(address))
                    ProcessLifecycle.exitGroup(waitStatus: Int32(Signal.SIGKILL.rawValue))
                }
            }
            if fromUser {
                UserFault.deliver(frame, signal: outcome == .beyondFile ? .SIGBUS : .SIGSEGV, address: address)
                return
            }
            if let resume = UserMemory.fixup(for: frame.pointee.rip) {
                // A bad pointer handed to a system call: the copy routine reports EFAULT.
                frame.pointee.rip = resume
                return
            }
        }
        if fromUser {
            let signal: Signal
            switch vector {
            case 0, 16, 19: signal = .SIGFPE
            case 1, 3: signal = .SIGTRAP
            case 6: signal = .SIGILL
            case 17: signal = .SIGBUS
            default: signal = .SIGSEGV
            }
            UserFault.deliver(frame, signal: signal, address: frame.pointee.rip)
            return
        }
        Panic.trap(frame)
    }
}

/// The faulting address of the last page fault, kept for the panic report.
enum PageFaultReport {
    nonisolated(unsafe) static var lastAddress: UInt64 = 0
    static func record(address: UInt64) { lastAddress = address }
}

@_cdecl("skiff_trap")
public func skiff_trap(_ frame: UnsafeMutablePointer<skiff_trap_frame>) {
    Traps.dispatch(frame)
}
#endif
