#if SKIFF_KERNEL
import CKernel
import Synchronization

/// Kernel panics: report what happened — the exception, every register, a symbolized backtrace —
/// and power off with `Panic.exitStatus`, so a test harness or orchestrator sees a failure
/// instead of a hung VM.
enum Panic {
    /// The VM's exit status after a kernel panic (125, as container runtimes use for "the
    /// runtime itself failed").
    static let exitStatus: Int32 = 125

    /// The CPU that is reporting a panic; others that panic meanwhile stop quietly.
    static let panickingCPU = Atomic<Int>(-1)

    /// Panic from a trap frame (an exception in kernel mode).
    static func trap(_ frame: UnsafeMutablePointer<skiff_trap_frame>) -> Never {
        x86_cli()
        let f = frame.pointee
        enter()
        Console.write("kernel panic: ")
        Console.write(Traps.name(of: f.vector))
        Console.write(" (vector ")
        Console.writeDecimal(f.vector)
        Console.write(") in ")
        Console.writeLine(f.cs & 3 == 3 ? "user mode" : "kernel mode")
        if f.vector == 8 {
            let address = x86_read_cr2()
            if KernelStack.isGuardPage(address) || (address & ~4095) == UInt64(skiff_boot_stack_guard()) {
                Console.write("  kernel stack overflow: the stack ran into its guard page at ")
                Console.writeHex(address)
                Console.writeLine("")
            }
        }
        if f.vector == 14 {
            let e = f.error_code
            Console.write("  address ")
            Console.writeHex(PageFaultReport.lastAddress)
            Console.write(" (")
            Console.write(e & 1 != 0 ? "protection violation" : "not present")
            Console.write(e & 2 != 0 ? ", write" : ", read")
            if e & 16 != 0 { Console.write(", instruction fetch") }
            if e & 4 != 0 { Console.write(", user") }
            Console.writeLine(")")
            if e & 5 == 1 && PageFaultReport.lastAddress < UserMemory.limit {
                // A present user page the kernel may not touch: the CPU's guard rails held.
                Console.writeLine(
                    e & 16 != 0
                        ? "  SMEP: the kernel tried to run code in a user page"
                        : "  SMAP: the kernel touched user memory outside a copy routine")
            }
        }
        Console.write("  error code ")
        Console.writeHex(f.error_code)
        Console.writeLine("")
        Console.write("  rip ")
        Console.writeHex(f.rip)
        Console.write(" ")
        Backtrace.writeSymbol(f.rip)
        Console.writeLine("")
        dumpRegisters(f)
        Backtrace.write(rip: f.rip, rbp: f.rbp)
        finish()
    }

    /// Panic with a message, from ordinary kernel code.
    static func halt(_ message: StaticString, rip: UInt64 = 0, rbp: UInt64 = x86_read_rbp()) -> Never {
        x86_cli()
        enter()
        Console.write("kernel panic: ")
        Console.writeLine(message)
        Backtrace.write(rip: rip, rbp: rbp)
        finish()
    }

    private static func enter() {
        let me = Int(PerCPUIndex.current)
        let (first, holder) = panickingCPU.compareExchange(expected: -1, desired: me, ordering: .acquiringAndReleasing)
        if !first {
            if holder == me {
                Console.writeLine("skiff: panic while panicking")
                PowerControl.exit(status: exitStatus)
            }
            while true { x86_hlt() }  // another CPU is reporting; it powers off
        }
        // Take the console for good: other CPUs' output must not cut into the report.
        Console.owner.store(me, ordering: .releasing)
        Console.write("skiff: [CPU ")
        Console.writeDecimal(UInt64(me))
        Console.write("] ")
    }

    private static func finish() -> Never {
        Console.write("skiff: powering off with status ")
        Console.writeDecimal(UInt64(exitStatus))
        Console.writeLine("")
        PowerControl.exit(status: exitStatus)
    }

    private static func dumpRegisters(_ f: skiff_trap_frame) {
        func reg(_ name: StaticString, _ value: UInt64) {
            Console.write("  ")
            Console.write(name)
            Console.write(" ")
            Console.writeHex(value)
        }
        reg("rax", f.rax); reg("rbx", f.rbx); reg("rcx", f.rcx); Console.writeLine("")
        reg("rdx", f.rdx); reg("rsi", f.rsi); reg("rdi", f.rdi); Console.writeLine("")
        reg("rbp", f.rbp); reg("rsp", f.rsp); reg(" r8", f.r8); Console.writeLine("")
        reg(" r9", f.r9); reg("r10", f.r10); reg("r11", f.r11); Console.writeLine("")
        reg("r12", f.r12); reg("r13", f.r13); reg("r14", f.r14); Console.writeLine("")
        reg("r15", f.r15); reg("rfl", f.rflags); reg(" cs", f.cs); Console.writeLine("")
        reg(" ss", f.ss); reg("cr2", x86_read_cr2()); reg("cr3", x86_read_cr3()); Console.writeLine("")
    }
}

/// Called by the C stack protector when a function's canary was overwritten on return.
@_cdecl("skiff_stack_smashed")
func skiffStackSmashed() -> Never {
    Panic.halt("stack protector: a C function's stack canary was overwritten (buffer overflow)")
}
#endif
