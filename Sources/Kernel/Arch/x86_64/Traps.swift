#if SKIFF_KERNEL
import CKernel

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

    static func name(of vector: UInt64) -> StaticString {
        vector < UInt64(names.count) ? names[Int(vector)] : "reserved exception"
    }

    /// Interrupt handlers registered by drivers, indexed by vector - 32.
    nonisolated(unsafe) static var handlers: [(@convention(c) (UnsafeMutablePointer<skiff_trap_frame>) -> Void)?] = []

    static func dispatch(_ frame: UnsafeMutablePointer<skiff_trap_frame>) {
        let vector = frame.pointee.vector
        if vector >= 32 {
            let index = Int(vector - 32)
            if index < handlers.count, let handler = handlers[index] {
                handler(frame)
            }
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
            PageFaultReport.record(address: x86_read_cr2())
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
