#if SKIFF_KERNEL
import CKernel

/// Saving and restoring an application thread's FPU, SSE and AVX registers.
///
/// The kernel never uses these registers itself, so they are switched only when the CPU
/// switches threads — not on every interrupt or system call. XSAVE is used where the CPU has
/// it (with AVX and AVX-512 state enabled in XCR0 so applications may use them), FXSAVE
/// otherwise.
enum FPUState {
    nonisolated(unsafe) static var areaSize = 512
    nonisolated(unsafe) static var xsaveMask: UInt64 = 0
    /// The registers of a freshly started thread, copied into every new thread's area.
    nonisolated(unsafe) static var initial: UnsafeMutableRawPointer? = nil

    /// Enables XSAVE and the state components the CPU supports; run on every CPU.
    static func enableOnThisCPU() {
        guard CPUFeatures.hasXSAVE else { return }
        x86_write_cr4(x86_read_cr4() | (1 << 18))  // OSXSAVE
        let supported = UInt64(x86_cpuid(0xD, 0).eax) | UInt64(x86_cpuid(0xD, 0).edx) << 32
        // x87 | SSE | AVX | AVX-512 opmask/ZMM_Hi256/Hi16_ZMM, as far as supported.
        let wanted: UInt64 = 0b1110_0111
        x86_xsetbv(0, supported & wanted | 0b11)
    }

    /// Measures the save area and captures the initial state (boot CPU, once).
    static func initialize() {
        enableOnThisCPU()
        if CPUFeatures.hasXSAVE {
            xsaveMask = x86_xgetbv(0)
            areaSize = Int(x86_cpuid(0xD, 0).ebx)
        }
        initial = allocateArea()
        x86_fpu_reset()
        save(into: initial!)
    }

    static func allocateArea() -> UnsafeMutableRawPointer {
        let area = UnsafeMutableRawPointer.allocate(byteCount: areaSize, alignment: 64)
        area.initializeMemory(as: UInt8.self, repeating: 0, count: areaSize)
        return area
    }

    /// A new thread's area, holding the initial register values.
    static func newThreadArea() -> UnsafeMutableRawPointer {
        let area = allocateArea()
        area.copyMemory(from: initial!, byteCount: areaSize)
        return area
    }

    /// MXCSR bits the CPU accepts (FXSAVE's MXCSR_MASK, 0xFFBF when it reports 0): a saved
    /// context with others set would fault in FXRSTOR/XRSTOR.
    static var mxcsrMask: UInt32 {
        let mask = initial.map { $0.load(fromByteOffset: 28, as: UInt32.self) } ?? 0
        return mask == 0 ? 0xFFBF : mask
    }

    @inline(__always)
    static func save(into area: UnsafeMutableRawPointer) {
        if xsaveMask != 0 { x86_xsave(area, xsaveMask) } else { x86_fxsave(area) }
    }

    @inline(__always)
    static func restore(from area: UnsafeRawPointer) {
        if xsaveMask != 0 { x86_xrstor(area, xsaveMask) } else { x86_fxrstor(area) }
    }
}
#endif
