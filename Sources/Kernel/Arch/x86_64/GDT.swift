#if SKIFF_KERNEL
import CKernel

/// Segment selectors. The layout is Linux's, so SYSCALL/SYSRET work with the same STAR value and
/// programs that look at %cs (0x33 in 64-bit user mode) see what they expect.
enum Selector {
    static let kernelCode: UInt16 = 0x10
    static let kernelData: UInt16 = 0x18
    static let user32Code: UInt16 = 0x23
    static let userData: UInt16 = 0x2B
    static let userCode: UInt16 = 0x33
    static let tss: UInt16 = 0x40
}

/// Interrupt stack table slots in the TSS (1-based, as the IDT gate field counts them).
enum InterruptStack {
    static let doubleFault: UInt8 = 1
    static let nmi: UInt8 = 2
    static let machineCheck: UInt8 = 3
}

/// One CPU's GDT and TSS.
///
/// The TSS holds the stacks the CPU switches to: RSP0 for interrupts from user mode and the IST
/// stacks, so a double fault from a kernel stack overflow still has a good stack to report on.
struct CPUDescriptorTables {
    let gdt: UnsafeMutablePointer<UInt64>
    let tss: UnsafeMutableRawPointer

    static let tssSize = 104

    func install(istTops: [UInt64]) {
        gdt[0] = 0
        gdt[1] = 0x00CF_9A00_0000_FFFF  // 32-bit kernel code (unused)
        gdt[2] = 0x00AF_9A00_0000_FFFF  // 0x10 kernel code, long mode
        gdt[3] = 0x00CF_9200_0000_FFFF  // 0x18 kernel data
        gdt[4] = 0x00CF_FA00_0000_FFFF  // 0x23 user 32-bit code
        gdt[5] = 0x00CF_F200_0000_FFFF  // 0x2B user data
        gdt[6] = 0x00AF_FA00_0000_FFFF  // 0x33 user code, long mode
        gdt[7] = 0

        tss.initializeMemory(as: UInt8.self, repeating: 0, count: Self.tssSize)
        setInterruptStacks(istTops)
        tss.storeBytes(of: UInt16(Self.tssSize), toByteOffset: 102, as: UInt16.self)  // no I/O bitmap

        let base = UInt64(UInt(bitPattern: tss))
        let limit = UInt64(Self.tssSize - 1)
        gdt[8] = (limit & 0xFFFF) | ((base & 0xFF_FFFF) << 16) | (0x89 << 40) | (((limit >> 16) & 0xF) << 48)
            | (((base >> 24) & 0xFF) << 56)
        gdt[9] = base >> 32

        x86_lgdt(UInt64(UInt(bitPattern: gdt)), UInt16(10 * 8 - 1))
        x86_reload_segments(Selector.kernelCode, Selector.kernelData)
        x86_ltr(Selector.tss)
    }

    /// The IST stacks (for slots 1, 2, 3). The CPU reads them from the TSS on each exception, so
    /// they can be replaced while the TSS is loaded.
    func setInterruptStacks(_ tops: [UInt64]) {
        for (i, top) in tops.enumerated() {
            tss.storeBytes(of: top, toByteOffset: 36 + i * 8, as: UInt64.self)
        }
    }

    /// A guarded kernel stack for each IST slot, from the page allocator.
    static func allocateInterruptStacks() -> [UInt64] {
        var tops: [UInt64] = []
        for _ in 0..<Int(InterruptStack.machineCheck) {
            guard let stack = KernelStack.allocate() else { Panic.halt("out of memory for interrupt stacks") }
            tops.append(stack.top)
        }
        return tops
    }

    /// The stack the CPU loads when an interrupt or exception arrives from user mode.
    func setKernelStack(_ top: UInt64) {
        tss.storeBytes(of: top, toByteOffset: 4, as: UInt64.self)
    }

    static var bootProcessor: CPUDescriptorTables {
        CPUDescriptorTables(gdt: skiff_bsp_gdt()!, tss: UnsafeMutableRawPointer(skiff_bsp_tss()!))
    }
}
#endif
