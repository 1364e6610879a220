#if SKIFF_KERNEL
import CKernel

/// The interrupt descriptor table, shared by all CPUs. Every vector enters through its stub in
/// trap_entry.S and reaches `Traps.dispatch`.
enum IDT {
    static func install() {
        let idt = skiff_idt()!
        for vector in 0..<256 {
            var ist: UInt8 = 0
            switch vector {
            case 2: ist = InterruptStack.nmi
            case 8: ist = InterruptStack.doubleFault
            case 18: ist = InterruptStack.machineCheck
            default: break
            }
            // Breakpoint and overflow may be raised from user mode (int3, into).
            let userCallable = vector == 3 || vector == 4
            setGate(idt, vector: vector, handler: skiffTrapStub(vector), ist: ist, userCallable: userCallable)
        }
        load()
    }

    /// Loads the IDT register on the current CPU.
    static func load() {
        x86_lidt(UInt64(UInt(bitPattern: skiff_idt()!)), 256 * 16 - 1)
    }

    private static func skiffTrapStub(_ vector: Int) -> UInt64 {
        withUnsafePointer(to: skiff_trap_stubs) { tuple in
            tuple.withMemoryRebound(to: UInt64.self, capacity: 256) { $0[vector] }
        }
    }

    private static func setGate(
        _ idt: UnsafeMutablePointer<UInt64>, vector: Int, handler: UInt64, ist: UInt8, userCallable: Bool
    ) {
        let type: UInt64 = userCallable ? 0xEE : 0x8E  // present, DPL 3 or 0, 64-bit interrupt gate
        idt[vector * 2] =
            (handler & 0xFFFF) | (UInt64(Selector.kernelCode) << 16) | (UInt64(ist & 7) << 32) | (type << 40)
            | ((handler >> 16) & 0xFFFF) << 48
        idt[vector * 2 + 1] = handler >> 32
    }
}
#endif
