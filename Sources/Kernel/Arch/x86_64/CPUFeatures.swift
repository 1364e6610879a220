#if SKIFF_KERNEL
import CKernel

/// CPUID feature bits the kernel branches on, read once at boot.
enum CPUFeatures {
    nonisolated(unsafe) static var hasRDRAND = false
    nonisolated(unsafe) static var hasNX = false
    nonisolated(unsafe) static var hasSMEP = false
    nonisolated(unsafe) static var hasSMAP = false
    nonisolated(unsafe) static var hasXSAVE = false
    nonisolated(unsafe) static var hasAVX = false
    nonisolated(unsafe) static var hasX2APIC = false
    nonisolated(unsafe) static var hasTSCDeadline = false
    nonisolated(unsafe) static var hasInvariantTSC = false
    nonisolated(unsafe) static var hasFSGSBASE = false
    nonisolated(unsafe) static var hasPCID = false
    nonisolated(unsafe) static var hasRDTSCP = false
    nonisolated(unsafe) static var hasGigabytePages = false
    nonisolated(unsafe) static var hypervisorVendor: (UInt32, UInt32, UInt32) = (0, 0, 0)
    nonisolated(unsafe) static var maxHypervisorLeaf: UInt32 = 0
    nonisolated(unsafe) static var isHypervisor = false
    /// CPUID.1:EDX and ECX, exposed to applications as AT_HWCAP / /proc/cpuinfo.
    nonisolated(unsafe) static var leaf1EDX: UInt32 = 0
    nonisolated(unsafe) static var leaf1ECX: UInt32 = 0

    static func detect() {
        let maxLeaf = x86_cpuid(0, 0).eax
        let leaf1 = x86_cpuid(1, 0)
        leaf1EDX = leaf1.edx
        leaf1ECX = leaf1.ecx
        hasRDRAND = leaf1.ecx & (1 << 30) != 0
        hasXSAVE = leaf1.ecx & (1 << 26) != 0
        hasAVX = leaf1.ecx & (1 << 28) != 0
        hasX2APIC = leaf1.ecx & (1 << 21) != 0
        hasTSCDeadline = leaf1.ecx & (1 << 24) != 0
        hasPCID = leaf1.ecx & (1 << 17) != 0
        isHypervisor = leaf1.ecx & (1 << 31) != 0
        if maxLeaf >= 7 {
            let leaf7 = x86_cpuid(7, 0)
            hasSMEP = leaf7.ebx & (1 << 7) != 0
            hasSMAP = leaf7.ebx & (1 << 20) != 0
            hasFSGSBASE = leaf7.ebx & 1 != 0
        }
        let maxExtended = x86_cpuid(0x8000_0000, 0).eax
        if maxExtended >= 0x8000_0001 {
            let e1 = x86_cpuid(0x8000_0001, 0)
            hasNX = e1.edx & (1 << 20) != 0
            hasRDTSCP = e1.edx & (1 << 27) != 0
            hasGigabytePages = e1.edx & (1 << 26) != 0
        }
        if maxExtended >= 0x8000_0007 {
            hasInvariantTSC = x86_cpuid(0x8000_0007, 0).edx & (1 << 8) != 0
        }
        if isHypervisor {
            let h = x86_cpuid(0x4000_0000, 0)
            maxHypervisorLeaf = h.eax
            hypervisorVendor = (h.ebx, h.ecx, h.edx)
        }
    }

    /// "KVMKVMKVM" when running under KVM (TCG reports "TCGTCGTCGTCG").
    static var isKVM: Bool {
        hypervisorVendor.0 == 0x4B4D_564B && hypervisorVendor.1 == 0x564B_4D56 && hypervisorVendor.2 == 0x0000_004D
    }

    static var isTCG: Bool {
        hypervisorVendor.0 == 0x5447_4354 && hypervisorVendor.1 == 0x4354_4743 && hypervisorVendor.2 == 0x4743_5447
    }
}
#endif
