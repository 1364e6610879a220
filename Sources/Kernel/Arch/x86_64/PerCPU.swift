#if SKIFF_KERNEL
import CKernel

/// Per-CPU state, reached through GS in kernel mode.
///
/// The C-visible head (`skiff_percpu`) holds what the assembly entry paths need at fixed
/// offsets: the kernel stack for SYSCALL and the scratch slot for the user stack pointer.
enum PerCPU {
    /// The boot processor's block (in .bss); application processors get theirs from the heap.
    static var bootBlock: UnsafeMutablePointer<skiff_percpu> { skiff_bsp_percpu()! }

    /// Points GS at `block`, programs SYSCALL, and turns on the protection features the CPU has.
    static func initializeCurrent(_ block: UnsafeMutablePointer<skiff_percpu>, index: UInt32) {
        block.pointee.self_pointer = block
        block.pointee.cpu_index = index
        DebugThreads.registerCPU(index, block: block)
        x86_wrmsr(UInt32(MSR_GS_BASE), UInt64(UInt(bitPattern: block)))
        x86_wrmsr(UInt32(MSR_KERNEL_GS_BASE), 0)
        // SYSCALL: kernel CS 0x10 (SS 0x18); SYSRET: base 0x23 -> CS 0x33, SS 0x2B.
        x86_wrmsr(UInt32(MSR_STAR), UInt64(0x0023_0010) << 32)
        x86_wrmsr(UInt32(MSR_LSTAR), UInt64(skiff_syscall_entry_address()))
        // Clear TF, DF, IF, IOPL, AC and NT on entry.
        x86_wrmsr(UInt32(MSR_FMASK), 0x4_7700)
        // RDTSCP returns this: the vDSO's getcpu reads the CPU number from it, as on Linux.
        if CPUFeatures.hasRDTSCP { x86_wrmsr(UInt32(MSR_TSC_AUX), UInt64(index)) }
        var cr4 = x86_read_cr4()
        if CPUFeatures.hasSMEP { cr4 |= 1 << 20 }
        if CPUFeatures.hasSMAP { cr4 |= 1 << 21 }
        if CPUFeatures.hasFSGSBASE { cr4 |= 1 << 16 }
        x86_write_cr4(cr4)
    }

    static var current: UnsafeMutablePointer<skiff_percpu> { skiff_this_cpu()! }

    /// Sets the stack both SYSCALL and interrupts from user mode switch to.
    static func setKernelStack(_ top: UInt64) {
        current.pointee.kernel_stack_top = top
        CPUDescriptorTables.bootProcessor.setKernelStack(top)
    }

    /// STAC and CLAC are invalid opcodes without SMAP: turn every recorded site into a 3-byte NOP.
    /// Runs before the kernel text is made read-only.
    static func patchSMAPSitesIfUnsupported() {
        guard !CPUFeatures.hasSMAP else { return }
        var site = skiff_smap_sites_start()!
        let end = skiff_smap_sites_end()!
        while site < end {
            let code = UnsafeMutablePointer<UInt8>(bitPattern: UInt(site.pointee))!
            code[0] = 0x0F
            code[1] = 0x1F
            code[2] = 0x00
            site += 1
        }
    }
}
#endif
